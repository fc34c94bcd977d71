#include "wdrbe/domain/activity_feed.hpp"

namespace wdrbe {

Task<Result<ActivityListPage>> ActivityFeed::List(std::string user_id, int limit,
                                                  std::optional<std::string> cursor) {
  const std::string scope = "activities|" + std::to_string(user_id.size()) + ":" + user_id;
  ListActivitiesQuery query{user_id, std::nullopt, limit};
  if (cursor) {
    auto position = cursors_.Decode(scope, *cursor);
    if (!position.ok()) co_return position.error();
    query.after = std::move(*position);
  }
  auto page = co_await store_.ListActivities(std::move(query));
  if (!page.ok()) co_return page.error();
  ActivityListPage result{std::move(page->activities), std::nullopt, page->has_more};
  if (result.has_more) {
    const Activity& last = result.activities.back();
    result.next_cursor = cursors_.Encode(scope, CursorPosition{last.timestamp_ms, last.activity_id});
  }
  co_return result;
}

}  // namespace wdrbe
