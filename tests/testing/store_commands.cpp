#include "testing/store_commands.hpp"

#include "wdrbe/domain/activity.hpp"

namespace wdrbe::testing {

CreateItemCommand NewItemOfUserA(const std::string& item_id) {
  constexpr std::int64_t kNow = kStoreCommandTimeMs;
  CreateItemCommand command;
  command.user_id = "usr_a";
  command.item_id = item_id;
  command.fields.name = "Coat";
  command.fields.category = "outerwear";
  command.now_ms = kNow;
  command.created_activity =
      ItemCreatedActivity(Item{item_id, "usr_a", command.fields, 0, false, kNow, kNow}, "act_" + item_id);
  return command;
}

ApplyShareCommand ShareOfUserA(const std::string& item_id) {
  return ApplyShareCommand{ShareEvent{"evt_" + item_id, "usr_a", item_id, kStoreCommandTimeMs, "req", ""},
                           "act_s_" + item_id, kStoreCommandTimeMs};
}

}  // namespace wdrbe::testing
