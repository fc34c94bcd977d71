#include "wdrbe/tracing/traced_atomic_shares.hpp"

#include <utility>

namespace wdrbe::tracing {

Task<Result<ShareAdmission>> TracedAtomicShareSender::AdmitAndSend(AdmitShareCommand command,
                                                                   ShareEvent event) {
  return TracedCall(tracer_,
                    PortCall{"AtomicShareSender.AdmitAndSend", "AdmitAndSend", PortEngine::kStore, 0},
                    sender_.AdmitAndSend(std::move(command), std::move(event)));
}

Task<std::vector<SettledShare>> TracedAtomicShareSettler::ApplyAndDelete(
    std::vector<ApplyShareCommand> commands, std::vector<std::string> receipt_handles) {
  const std::int64_t start = tracer_.Start();
  const auto batch_size = static_cast<std::int64_t>(commands.size());
  Task<std::vector<SettledShare>> call =
      settler_.ApplyAndDelete(std::move(commands), std::move(receipt_handles));
  std::vector<SettledShare> settled = co_await std::move(call);
  PortCallOutcome outcome;
  for (const SettledShare& share : settled) outcome.failed += share.application.ok() ? 0 : 1;
  tracer_.End(PortCall{"AtomicShareSettler.ApplyAndDelete", "ApplyAndDelete", PortEngine::kStore, batch_size},
              start, outcome);
  co_return settled;
}

}  // namespace wdrbe::tracing
