#include "testing/activity_commands.hpp"

#include <array>

#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::testing {

std::string ActivityIdAt(std::int64_t ms, std::uint8_t n) {
  std::array<std::uint8_t, 10> random{};
  random.back() = n;
  return EncodeUlid(ms, random);
}

CreateItemCommand CreateWithActivityAt(const std::string& user_id, std::int64_t timestamp_ms,
                                       std::uint8_t n) {
  CreateItemCommand command;
  command.user_id = user_id;
  command.item_id = "itm_" + user_id + "_" + std::to_string(timestamp_ms) + "_" + std::to_string(n);
  command.fields.name = "Coat";
  command.fields.category = "outerwear";
  command.now_ms = timestamp_ms;
  command.created_activity = ItemCreatedActivity(
      Item{command.item_id, user_id, command.fields, 0, false, timestamp_ms, timestamp_ms},
      ActivityIdAt(timestamp_ms, n));
  return command;
}

}  // namespace wdrbe::testing
