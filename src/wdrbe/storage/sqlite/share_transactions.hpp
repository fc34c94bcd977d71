// The share steps of the embedded store, inside the caller's transaction:
// each loads what its domain decision needs, decides, and writes the plan.
// Used by SqliteItemStore, and by the embedded backend's single-transaction
// paths (queue/sqlite: admit-and-send, apply-and-delete).
#pragma once

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// DecideShareAdmission over the key record and the item; saves the key
// record (completed when the event is sent in this same transaction).
Result<ShareAdmission> AdmitShareInTransaction(Connection& db, const AdmitShareCommand& command,
                                               bool sent_in_this_transaction);

// DecideShareApplication over the applied marker and the item.
Result<ShareApplication> ApplyShareInTransaction(Connection& db, const ApplyShareCommand& command);

}  // namespace wdrbe::sqlite
