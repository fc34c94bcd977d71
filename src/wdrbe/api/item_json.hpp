// The wire shapes of items, activities and their pages (unset optional
// fields omitted), written straight into a response body.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/json_writer.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe::api {

void WriteItem(JsonWriter& json, const Item& item);
void WriteActivity(JsonWriter& json, const Activity& activity);

// A body holding one item.
std::string ItemBody(const Item& item);
// {"items":[...],"nextCursor":"..."|null,"hasMore":bool}
std::string ItemPageBody(const std::vector<Item>& items, const std::optional<std::string>& next_cursor,
                         bool has_more);
// {"activities":[...],"nextCursor":"..."|null,"hasMore":bool}
std::string ActivityPageBody(const std::vector<Activity>& activities,
                             const std::optional<std::string>& next_cursor, bool has_more);

}  // namespace wdrbe::api
