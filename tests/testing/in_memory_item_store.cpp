#include "testing/in_memory_item_store.hpp"

#include <algorithm>

#include "wdrbe/domain/item_access.hpp"

namespace wdrbe::testing {
namespace {

// The first `count` of `rows` newest first by `key` (a (sort key, id)
// tuple), strictly after `after` in that order.
template <typename Row, typename Key>
std::vector<Row> NewestAfter(std::vector<Row> rows, Key key, const std::optional<CursorPosition>& after,
                             std::size_t count) {
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return key(a) > key(b); });
  if (after) {
    const auto position = std::tie(after->sort_ms, after->id);
    std::erase_if(rows, [&](const Row& row) { return !(key(row) < position); });
  }
  if (rows.size() > count) rows.resize(count);
  return rows;
}

// A page's rows: one more than it holds tells whether more exist.
std::size_t RowsToLoad(int limit) { return static_cast<std::size_t>(std::max(limit, 0)) + 1; }

}  // namespace

Task<Result<CreateItemResult>> InMemoryItemStore::CreateItem(CreateItemCommand command) {
  co_return Create(command);
}

Task<Result<Item>> InMemoryItemStore::GetItem(std::string item_id) { co_return Get(item_id); }

Task<Result<Item>> InMemoryItemStore::UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                                 std::int64_t now_ms) {
  co_return Update(user_id, item_id, patch, now_ms);
}

Task<Status> InMemoryItemStore::DeleteItem(std::string user_id, std::string item_id) {
  co_return Delete(user_id, item_id);
}

Task<Result<ItemPage>> InMemoryItemStore::ListItems(ListItemsQuery query) { co_return List(query); }

Task<Result<SearchPage>> InMemoryItemStore::SearchItems(SearchItemsQuery query) { co_return Search(query); }

Task<Result<ActivityPage>> InMemoryItemStore::ListActivities(ListActivitiesQuery query) {
  co_return List(query);
}

Task<Result<ShareAdmission>> InMemoryItemStore::AdmitShare(AdmitShareCommand command) {
  co_return Admit(command);
}

Task<Status> InMemoryItemStore::CompleteShareKey(std::string user_id, std::string idempotency_key) {
  Complete(user_id, idempotency_key);
  co_return Status::Ok();
}

Task<std::vector<Result<ShareApplication>>> InMemoryItemStore::ApplyShares(
    std::vector<ApplyShareCommand> commands) {
  std::vector<Result<ShareApplication>> results;
  results.reserve(commands.size());
  // One lock per command: each is atomic on its own, as the port asks.
  for (const ApplyShareCommand& command : commands) results.push_back(Apply(command));
  co_return results;
}

Task<Status> InMemoryItemStore::Ping() { co_return Status::Ok(); }

Result<CreateItemResult> InMemoryItemStore::Create(const CreateItemCommand& command) {
  std::lock_guard lock(mutex_);
  CreateState state;
  if (command.idempotency_key) {
    state.key_record = FindKey({command.user_id, IdempotentOperation::kCreateItem, *command.idempotency_key});
    if (KeyRecordNeedsItem(command, state.key_record))
      state.key_item = FindItem(state.key_record->outcome_id);
  }
  state.existing = FindItem(command.item_id);

  Result<CreatePlan> plan = DecideCreate(command, state);
  if (!plan.ok()) return plan.error();
  if (plan->insert_item || plan->save_item) items_[plan->result.item.item_id] = plan->result.item;
  if (plan->insert_item) activities_.push_back(command.created_activity);
  if (plan->remember_key) {
    keys_[{command.user_id, IdempotentOperation::kCreateItem, *command.idempotency_key}] =
        *plan->remember_key;
  }
  return std::move(plan->result);
}

Result<Item> InMemoryItemStore::Get(const std::string& item_id) {
  std::lock_guard lock(mutex_);
  std::optional<Item> item = FindItem(item_id);
  if (!item) return Error::NotFound("item not found");
  return *item;
}

Result<Item> InMemoryItemStore::Update(const std::string& user_id, const std::string& item_id,
                                       const ItemPatch& patch, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = items_.find(item_id);
  if (found == items_.end()) return Error::NotFound("item not found");
  if (Status access = CheckOwnerAccess(found->second, user_id); !access.ok()) return access.error();
  ItemFields fields = found->second.fields;
  patch.ApplyTo(fields);
  if (fields != found->second.fields) {
    found->second.fields = std::move(fields);
    found->second.updated_at_ms = now_ms;
  }
  return found->second;
}

Status InMemoryItemStore::Delete(const std::string& user_id, const std::string& item_id) {
  std::lock_guard lock(mutex_);
  auto found = items_.find(item_id);
  if (found == items_.end()) return Error::NotFound("item not found");
  if (Status access = CheckOwnerAccess(found->second, user_id); !access.ok()) return access;
  items_.erase(found);
  return Status::Ok();
}

ItemPage InMemoryItemStore::List(const ListItemsQuery& query) {
  std::lock_guard lock(mutex_);
  std::vector<Item> matching;
  for (const auto& [id, item] : items_) {
    if (item.user_id != query.user_id) continue;
    if (query.season && item.fields.season != query.season) continue;
    if (query.category && item.fields.category != *query.category) continue;
    matching.push_back(item);
  }
  ItemPage page;
  page.items = NewestAfter(
      std::move(matching), [](const Item& item) { return std::tie(item.created_at_ms, item.item_id); },
      query.after, RowsToLoad(query.limit));
  page.has_more = page.items.size() == RowsToLoad(query.limit);
  if (page.has_more) page.items.pop_back();
  return page;
}

SearchPage InMemoryItemStore::Search(const SearchItemsQuery& query) {
  std::lock_guard lock(mutex_);
  // (tier, newest first): the position of a match in the search's order.
  using Rank = std::tuple<int, std::int64_t, std::string>;
  const auto rank_of = [](SearchTier tier, std::int64_t created_at_ms, const std::string& item_id) {
    return Rank{static_cast<int>(tier), -created_at_ms, item_id};
  };
  std::vector<std::pair<Rank, const Item*>> matching;
  for (const auto& [id, item] : items_) {
    if (item.user_id != query.user_id) continue;
    if (query.season && item.fields.season != query.season) continue;
    if (query.category && item.fields.category != *query.category) continue;
    const std::optional<SearchTier> tier = MatchTier(item.fields, query.terms);
    if (!tier) continue;
    matching.emplace_back(rank_of(*tier, item.created_at_ms, item.item_id), &item);
  }
  // Ties on the creation time: the larger id first, as in the lists.
  std::sort(matching.begin(), matching.end(), [](const auto& a, const auto& b) {
    const auto& [ta, ca, ia] = a.first;
    const auto& [tb, cb, ib] = b.first;
    return std::tie(ta, ca) != std::tie(tb, cb) ? std::tie(ta, ca) < std::tie(tb, cb) : ia > ib;
  });
  std::size_t start = 0;
  if (query.after) {
    const Rank after = rank_of(query.after->tier, query.after->sort_key, query.after->item_id);
    const auto& [at, ac, ai] = after;
    while (start < matching.size()) {
      const auto& [t, c, i] = matching[start].first;
      const bool before_or_at =
          std::tie(t, c) != std::tie(at, ac) ? std::tie(t, c) < std::tie(at, ac) : i >= ai;
      if (!before_or_at) break;
      ++start;
    }
  }
  SearchPage page;
  for (std::size_t i = start; i < matching.size(); ++i) {
    if (static_cast<int>(page.items.size()) == query.limit) {
      const Item& last = page.items.back();
      page.next = SearchPosition{*MatchTier(last.fields, query.terms), last.created_at_ms, last.item_id};
      break;
    }
    page.items.push_back(*matching[i].second);
  }
  return page;
}

ActivityPage InMemoryItemStore::List(const ListActivitiesQuery& query) {
  std::lock_guard lock(mutex_);
  std::vector<Activity> matching;
  for (const Activity& activity : activities_) {
    if (activity.user_id == query.user_id) matching.push_back(activity);
  }
  ActivityPage page;
  const auto key = [](const Activity& activity) {
    return std::tie(activity.timestamp_ms, activity.activity_id);
  };
  if (query.oldest_first) {
    std::sort(matching.begin(), matching.end(),
              [&](const Activity& a, const Activity& b) { return key(a) < key(b); });
    if (query.after) {
      const auto position = std::tie(query.after->sort_ms, query.after->id);
      std::erase_if(matching, [&](const Activity& activity) { return !(position < key(activity)); });
    }
    if (matching.size() > RowsToLoad(query.limit)) matching.resize(RowsToLoad(query.limit));
    page.activities = std::move(matching);
  } else {
    page.activities = NewestAfter(std::move(matching), key, query.after, RowsToLoad(query.limit));
  }
  page.has_more = page.activities.size() == RowsToLoad(query.limit);
  if (page.has_more) page.activities.pop_back();
  return page;
}

Result<ShareAdmission> InMemoryItemStore::Admit(const AdmitShareCommand& command) {
  std::lock_guard lock(mutex_);
  std::optional<IdempotencyRecord> key_record;
  if (command.idempotency_key) {
    key_record = FindKey({command.user_id, IdempotentOperation::kShareItem, *command.idempotency_key});
  }
  std::optional<Item> item;
  if (!ShareKeyDecidesAlone(command, key_record)) item = FindItem(command.item_id);

  Result<ShareAdmissionPlan> plan = DecideShareAdmission(command, key_record, item);
  if (!plan.ok()) return plan.error();
  if (plan->remember_key) {
    keys_[{command.user_id, IdempotentOperation::kShareItem, *command.idempotency_key}] = *plan->remember_key;
  }
  return std::move(plan->admission);
}

void InMemoryItemStore::Complete(const std::string& user_id, const std::string& idempotency_key) {
  std::lock_guard lock(mutex_);
  auto found = keys_.find({user_id, IdempotentOperation::kShareItem, idempotency_key});
  if (found != keys_.end()) found->second.completed = true;
}

Result<ShareApplication> InMemoryItemStore::Apply(const ApplyShareCommand& command) {
  std::lock_guard lock(mutex_);
  const bool already_applied = applied_share_events_.contains(command.event.event_id);
  ShareApplicationPlan plan =
      DecideShareApplication(command, already_applied, FindItem(command.event.item_id));
  if (plan.mark_applied) applied_share_events_.insert(command.event.event_id);
  if (plan.shared_item) items_[plan.shared_item->item_id] = *plan.shared_item;
  if (plan.activity) activities_.push_back(*plan.activity);
  return plan.outcome;
}

std::optional<IdempotencyRecord> InMemoryItemStore::FindKey(const KeyName& name) const {
  auto found = keys_.find(name);
  if (found == keys_.end()) return std::nullopt;
  return found->second;
}

std::optional<Item> InMemoryItemStore::FindItem(const std::string& item_id) const {
  auto found = items_.find(item_id);
  if (found == items_.end()) return std::nullopt;
  return found->second;
}

}  // namespace wdrbe::testing
