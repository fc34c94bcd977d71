#include "wdrbe/domain/share_event_handler.hpp"

namespace wdrbe {

Task<std::vector<HandledShare>> ShareEventHandler::Handle(std::vector<ShareEvent> events) {
  const std::int64_t now = clock_.NowMillis();
  std::vector<ApplyShareCommand> commands;
  commands.reserve(events.size());
  for (ShareEvent& event : events) commands.push_back(ApplyShareCommand{std::move(event), ids_.Next(), now});
  const std::size_t count = commands.size();
  auto applied = co_await store_.ApplyShares(std::move(commands));
  std::vector<HandledShare> handled(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i >= applied.size()) {
      handled[i].error = "the store answered for fewer events than it was given";
    } else if (applied[i].ok()) {
      handled[i].application = *applied[i];
    } else {
      handled[i].error = applied[i].error().message;
    }
  }
  co_return handled;
}

}  // namespace wdrbe
