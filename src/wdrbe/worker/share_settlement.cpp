#include "wdrbe/worker/share_settlement.hpp"

namespace wdrbe {

ShareSettlement AcknowledgedAs(ShareApplication application) {
  switch (application) {
    case ShareApplication::kApplied:
      return ShareSettlement::kApplied;
    case ShareApplication::kAlreadyApplied:
      return ShareSettlement::kAlreadyApplied;
    case ShareApplication::kItemNotFound:
      return ShareSettlement::kItemNotFound;
  }
  return ShareSettlement::kApplied;
}

void CountSettlement(obs::WorkerMetrics& metrics, ShareSettlement settlement) {
  switch (settlement) {
    case ShareSettlement::kApplied:
      metrics.processed.Inc();
      metrics.successful.Inc();
      break;
    case ShareSettlement::kAlreadyApplied:
      metrics.already_applied.Inc();
      metrics.successful.Inc();
      break;
    case ShareSettlement::kItemNotFound:
      metrics.item_not_found.Inc();
      metrics.successful.Inc();
      break;
    case ShareSettlement::kRetryScheduled:
      metrics.failed.Inc();
      break;
    case ShareSettlement::kDeadLettered:
      metrics.failed.Inc();
      metrics.dead_lettered.Inc();
      break;
    case ShareSettlement::kLeaseLost:
      // Another delivery owns the event now and will count it.
      break;
  }
}

SettlementLogLine LogLineOf(ShareSettlement settlement) {
  switch (settlement) {
    case ShareSettlement::kApplied:
      return {obs::LogLevel::kInfo, "share event applied"};
    case ShareSettlement::kAlreadyApplied:
      return {obs::LogLevel::kInfo, "share event already applied; redelivery acknowledged"};
    case ShareSettlement::kItemNotFound:
      return {obs::LogLevel::kInfo, "share event for a deleted item acknowledged"};
    case ShareSettlement::kRetryScheduled:
      return {obs::LogLevel::kWarn, "share event failed; retry scheduled"};
    case ShareSettlement::kDeadLettered:
      return {obs::LogLevel::kError, "share event failed for the last time; moved to the dead-letter queue"};
    case ShareSettlement::kLeaseLost:
      return {obs::LogLevel::kWarn,
              "share event failed and its lease expired before the retry was set; another delivery owns it"};
  }
  return {obs::LogLevel::kError, "share event settled"};
}

}  // namespace wdrbe
