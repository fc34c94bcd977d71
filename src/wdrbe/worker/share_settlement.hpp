// What became of one share event a worker took, what that adds to the
// worker's metrics and what its log line says: the same for `wdrbe worker`,
// `serve`'s worker and `lambda worker`.
#pragma once

#include <string_view>

#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"

namespace wdrbe {

enum class ShareSettlement {
  kApplied,         // sharedCount + 1, isPublic, ItemShared activity
  kAlreadyApplied,  // a redelivery: nothing changed
  kItemNotFound,    // the item was deleted: acknowledged, nothing changed
  kRetryScheduled,  // failed; visible again after a backoff
  kDeadLettered,    // failed for the last allowed time: moved to the DLQ
  kLeaseLost,       // failed, and the lease expired before the retry was set
};

// The settlement of an event the handler answered: it is acknowledged.
ShareSettlement AcknowledgedAs(ShareApplication application);

// Adds `settlement` to the worker's counters.
void CountSettlement(obs::WorkerMetrics& metrics, ShareSettlement settlement);

struct SettlementLogLine {
  obs::LogLevel level;
  std::string_view message;
};
SettlementLogLine LogLineOf(ShareSettlement settlement);

}  // namespace wdrbe
