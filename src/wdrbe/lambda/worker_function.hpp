// `wdrbe lambda worker`: a batch of SQS records (share events) in, the
// partial batch response out. Each record goes through the domain's
// ShareEventHandler, as in `wdrbe worker`, which applies an event at most
// once by its event id, so a redelivered record changes nothing twice.
// Records that failed (a body that is not a share event, a store error, an
// injected worker.process fault) are named in batchItemFailures: SQS makes
// only those visible again, and after the queue's maxReceiveCount moves
// them to its dead-letter queue. The event source mapping deletes the rest.
// Each record's outcome is logged with the trace id of the request that
// shared it, and counted in the worker metrics.
#pragma once

#include <memory>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/lambda/invocation.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/tracing/share_span.hpp"

namespace wdrbe::lambda {

class WorkerFunction final : public InvocationHandler {
 public:
  // `handler` must apply without settling (no AtomicShareSettler: the
  // deliveries are Lambda's, not a queue port's). Both outlive the function;
  // `faults` is optional.
  WorkerFunction(ShareEventHandler& handler, obs::WorkerMetrics& metrics, obs::Logger& logger,
                 std::shared_ptr<const FaultInjector> faults)
      : handler_(handler), metrics_(metrics), logger_(logger), faults_(std::move(faults)) {}

  // Records a span per share event from now on (share_span.hpp).
  void SetTracing(tracing::SpanTarget tracing) { tracing_ = std::move(tracing); }

  Task<Result<std::string>> Invoke(const Invocation& invocation) override;

 private:
  ShareEventHandler& handler_;
  obs::WorkerMetrics& metrics_;
  obs::Logger& logger_;
  std::shared_ptr<const FaultInjector> faults_;
  tracing::SpanTarget tracing_;
};

}  // namespace wdrbe::lambda
