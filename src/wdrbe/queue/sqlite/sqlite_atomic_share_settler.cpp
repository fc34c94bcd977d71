#include "wdrbe/queue/sqlite/sqlite_atomic_share_settler.hpp"

#include "wdrbe/queue/sqlite/share_rows.hpp"
#include "wdrbe/storage/sqlite/savepoint.hpp"
#include "wdrbe/storage/sqlite/share_transactions.hpp"

namespace wdrbe::sqlite {

Task<std::vector<SettledShare>> SqliteAtomicShareSettler::ApplyAndDelete(
    std::vector<ApplyShareCommand> commands, std::vector<std::string> receipt_handles) {
  const std::size_t count = commands.size();
  // A named object, not a temporary in the co_await operand: GCC 12
  // destroys such temporaries twice.
  DbWork<Result<std::vector<SettledShare>>> work =
      [commands = std::move(commands),
       handles = std::move(receipt_handles)](Connection& db) -> Result<std::vector<SettledShare>> {
    std::vector<SettledShare> settled;
    settled.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
      AckResult ack = AckResult::kLeaseLost;
      auto application = InSavepoint<ShareApplication>(db, [&]() -> Result<ShareApplication> {
        auto applied = ApplyShareInTransaction(db, commands[i]);
        if (!applied.ok()) return applied.error();
        // Applied whatever the lease says (it is idempotent); deleted only
        // by the current delivery.
        if (i < handles.size()) {
          auto deleted = DeleteDelivery(db, handles[i]);
          if (!deleted.ok()) return deleted.error();
          ack = *deleted;
        }
        return applied;
      });
      settled.push_back(SettledShare{std::move(application), ack});
    }
    return settled;
  };
  auto settled = co_await database_->writer().Submit(std::move(work));
  if (settled.ok()) co_return std::move(*settled);
  // The transaction failed as a whole (commit, fsync, injected fault).
  co_return std::vector<SettledShare>(count, SettledShare{Result<ShareApplication>(settled.error()), {}});
}

}  // namespace wdrbe::sqlite
