#include "wdrbe/domain/item_service.hpp"

#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/domain/item_validation.hpp"

namespace wdrbe {
namespace {

// Length-prefixed parts, so that no two different scopes encode alike.
void AppendPart(std::string& scope, std::string_view part) {
  scope += std::to_string(part.size());
  scope += ':';
  scope += part;
}

}  // namespace

std::string ItemListCursorScope(std::string_view user_id, const std::optional<std::string>& season,
                                const std::optional<std::string>& category) {
  std::string scope = "items|";
  AppendPart(scope, user_id);
  scope += season ? "|s" : "|-";
  if (season) AppendPart(scope, *season);
  scope += category ? "|c" : "|-";
  if (category) AppendPart(scope, *category);
  return scope;
}

std::string ItemSearchCursorScope(std::string_view user_id, const std::vector<std::string>& terms,
                                  const std::optional<std::string>& season,
                                  const std::optional<std::string>& category) {
  // No list scope begins with "search|", so neither route takes the
  // other's cursors.
  std::string scope = "search|" + ItemListCursorScope(user_id, season, category) + "|q";
  for (const std::string& term : terms) AppendPart(scope, term);
  return scope;
}

Task<Result<CreateItemResult>> ItemService::Create(std::string user_id, CreateItemInput input) {
  CreateItemCommand command;
  command.payload_fingerprint = PayloadFingerprint(input);
  command.user_id = std::move(user_id);
  command.item_id = input.item_id ? *input.item_id : ids_.Next();
  command.fields = std::move(input.fields);
  command.idempotency_key = std::move(input.idempotency_key);
  command.now_ms = clock_.NowMillis();
  command.created_activity = ItemCreatedActivity(
      Item{command.item_id, command.user_id, command.fields, 0, false, command.now_ms, command.now_ms},
      ids_.Next());
  co_return co_await store_.CreateItem(std::move(command));
}

Task<Result<Item>> ItemService::Get(std::string user_id, std::string item_id) {
  if (!IsValidItemId(item_id)) co_return Error::NotFound("item not found");
  auto item = co_await store_.GetItem(std::move(item_id));
  if (!item.ok()) co_return item.error();
  if (!CanRead(*item, user_id)) co_return Error::NotFound("item not found");
  co_return item;
}

Task<Result<Item>> ItemService::Update(std::string user_id, std::string item_id, ItemPatch patch) {
  if (!IsValidItemId(item_id)) co_return Error::NotFound("item not found");
  co_return co_await store_.UpdateItem(std::move(user_id), std::move(item_id), std::move(patch),
                                       clock_.NowMillis());
}

Task<Status> ItemService::Delete(std::string user_id, std::string item_id) {
  if (!IsValidItemId(item_id)) co_return Error::NotFound("item not found");
  co_return co_await store_.DeleteItem(std::move(user_id), std::move(item_id));
}

Task<Result<ItemListPage>> ItemService::List(ItemListRequest request) {
  const std::string scope = ItemListCursorScope(request.user_id, request.season, request.category);
  ListItemsQuery query{request.user_id, request.season, request.category, std::nullopt, request.limit};
  if (request.cursor) {
    auto position = cursors_.Decode(scope, *request.cursor);
    if (!position.ok()) co_return position.error();
    query.after = std::move(*position);
  }
  auto page = co_await store_.ListItems(std::move(query));
  if (!page.ok()) co_return page.error();
  ItemListPage result{std::move(page->items), std::nullopt, page->has_more};
  if (result.has_more) {
    const Item& last = result.items.back();
    result.next_cursor = cursors_.Encode(scope, CursorPosition{last.created_at_ms, last.item_id});
  }
  co_return result;
}

Task<Result<ItemListPage>> ItemService::Search(ItemSearchRequest request) {
  auto terms = ParseSearchTerms(request.q);
  if (!terms.ok()) co_return terms.error();
  const std::string scope = ItemSearchCursorScope(request.user_id, *terms, request.season, request.category);
  SearchItemsQuery query{request.user_id,  std::move(*terms), request.season,
                         request.category, std::nullopt,      request.limit};
  if (request.cursor) {
    auto position = cursors_.Decode(scope, *request.cursor);
    if (!position.ok()) co_return position.error();
    auto after = SearchPositionOf(*position);
    if (!after.ok()) co_return after.error();
    query.after = std::move(*after);
  }
  auto page = co_await store_.SearchItems(std::move(query));
  if (!page.ok()) co_return page.error();
  ItemListPage result{std::move(page->items), std::nullopt, page->next.has_value()};
  if (page->next) result.next_cursor = cursors_.Encode(scope, CursorPositionOf(*page->next));
  co_return result;
}

}  // namespace wdrbe
