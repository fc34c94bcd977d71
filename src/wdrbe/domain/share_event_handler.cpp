#include "wdrbe/domain/share_event_handler.hpp"

namespace wdrbe {
namespace {

HandledShare FromApplication(const Result<ShareApplication>& applied) {
  HandledShare handled;
  if (applied.ok()) {
    handled.application = *applied;
  } else {
    handled.error = applied.error().message;
  }
  return handled;
}

}  // namespace

Task<std::vector<HandledShare>> ShareEventHandler::Handle(std::vector<ShareDelivery> deliveries) {
  const std::int64_t now = clock_.NowMillis();
  const std::size_t count = deliveries.size();
  std::vector<ApplyShareCommand> commands;
  std::vector<std::string> receipt_handles;
  commands.reserve(count);
  receipt_handles.reserve(count);
  for (ShareDelivery& delivery : deliveries) {
    commands.push_back(ApplyShareCommand{std::move(delivery.event), ids_.Next(), now});
    receipt_handles.push_back(std::move(delivery.receipt_handle));
  }
  std::vector<HandledShare> handled(count);
  if (settler_) {
    auto settled = co_await settler_->ApplyAndDelete(std::move(commands), std::move(receipt_handles));
    for (std::size_t i = 0; i < count && i < settled.size(); ++i) {
      handled[i] = FromApplication(settled[i].application);
      if (handled[i].application) handled[i].acknowledged = settled[i].ack;
    }
  } else {
    auto applied = co_await store_.ApplyShares(std::move(commands));
    for (std::size_t i = 0; i < count && i < applied.size(); ++i) handled[i] = FromApplication(applied[i]);
  }
  for (HandledShare& share : handled) {
    if (!share.application && !share.error)
      share.error = "the store answered for fewer events than it was given";
  }
  co_return handled;
}

}  // namespace wdrbe
