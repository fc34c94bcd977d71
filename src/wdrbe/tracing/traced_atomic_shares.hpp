// The embedded backend's one-commit share paths (AtomicShareSender,
// AtomicShareSettler) with a client span (port_call_span.hpp) around each
// call: one SQLite transaction that writes both the store and the queue.
// Made for one request, or one worker batch, in the frame that makes the
// calls. Thread-safe if the wrapped object is.
#pragma once

#include <span>

#include "wdrbe/queue/atomic_share_sender.hpp"
#include "wdrbe/queue/atomic_share_settler.hpp"
#include "wdrbe/tracing/port_call_span.hpp"

namespace wdrbe::tracing {

class TracedAtomicShareSender final : public AtomicShareSender {
 public:
  // `sender`, `target` and `parents` must outlive this object.
  TracedAtomicShareSender(AtomicShareSender& sender, const SpanTarget& target,
                          std::span<const ParentSpan> parents)
      : sender_(sender), tracer_(target, parents) {}

  Task<Result<ShareAdmission>> AdmitAndSend(AdmitShareCommand command, ShareEvent event) override;

 private:
  AtomicShareSender& sender_;
  PortCallTracer tracer_;
};

class TracedAtomicShareSettler final : public AtomicShareSettler {
 public:
  // `settler`, `target` and `parents` must outlive this object.
  TracedAtomicShareSettler(AtomicShareSettler& settler, const SpanTarget& target,
                           std::span<const ParentSpan> parents)
      : settler_(settler), tracer_(target, parents) {}

  Task<std::vector<SettledShare>> ApplyAndDelete(std::vector<ApplyShareCommand> commands,
                                                 std::vector<std::string> receipt_handles) override;

 private:
  AtomicShareSettler& settler_;
  PortCallTracer tracer_;
};

}  // namespace wdrbe::tracing
