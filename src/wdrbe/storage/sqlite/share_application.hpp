// Applying one received share event to the embedded store, inside the
// caller's transaction: loads the applied marker and the item, asks
// DecideShareApplication, writes the plan. Used by SqliteItemStore and by
// the embedded backend's atomic apply-and-delete.
#pragma once

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

Result<ShareApplication> ApplyShareInTransaction(Connection& db, const ApplyShareCommand& command);

}  // namespace wdrbe::sqlite
