// One round of each store write: load what the decision needs (consistent
// reads), ask the domain to decide, and write the plan in one transaction
// whose conditions assert the state that was decided on. A round answers
// nullopt when another writer changed that state first (nothing was
// written); DynamoDbItemStore then runs another round.
#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/item_create.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/storage/dynamodb/table_client.hpp"

namespace wdrbe::dynamodb {

template <typename T>
using Round = Result<std::optional<T>>;

template <typename T>
Round<T> Contended() {
  return std::optional<T>();
}

// The end of every round: writes `members` in one transaction and answers
// `decided` if they committed, Contended if another writer changed what
// the decision read.
template <typename T>
Task<Round<T>> Commit(const TableClient& table, boost::json::array members, T decided) {
  Task<Result<WriteOutcome>> writing = table.Write(std::move(members));
  Result<WriteOutcome> written = co_await std::move(writing);
  if (!written.ok()) co_return written.error();
  if (*written == WriteOutcome::kContended) co_return Contended<T>();
  co_return std::optional<T>(std::move(decided));
}

// Reads: one TransactGetItems of the key record and the item (GetItem
// without a key), one GetItem more only to replay a key whose item has
// another id. Writes: one TransactWriteItems, none for a replay.
Task<Round<CreateItemResult>> CreateRound(const TableClient& table, const CreateItemCommand& command);

Task<Round<Item>> UpdateRound(const TableClient& table, const std::string& user_id,
                              const std::string& item_id, const ItemPatch& patch, std::int64_t now_ms);

// True when deleted (errors: kNotFound, kForbidden).
Task<Round<bool>> DeleteRound(const TableClient& table, const std::string& user_id,
                              const std::string& item_id);

Task<Round<ShareAdmission>> AdmitShareRound(const TableClient& table, const AdmitShareCommand& command);

Task<Round<ShareApplication>> ApplyShareRound(const TableClient& table, const ApplyShareCommand& command);

}  // namespace wdrbe::dynamodb
