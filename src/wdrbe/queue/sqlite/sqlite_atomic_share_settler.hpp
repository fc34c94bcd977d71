// The embedded backend's AtomicShareSettler: the store's share application
// and the queue's delete run in one writer transaction, since both live in
// the same SQLite database.
#pragma once

#include <memory>

#include "wdrbe/queue/atomic_share_settler.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

class SqliteAtomicShareSettler final : public AtomicShareSettler {
 public:
  explicit SqliteAtomicShareSettler(std::shared_ptr<Database> database) : database_(std::move(database)) {}

  Task<std::vector<SettledShare>> ApplyAndDelete(std::vector<ApplyShareCommand> commands,
                                                 std::vector<std::string> receipt_handles) override;

 private:
  std::shared_ptr<Database> database_;
};

}  // namespace wdrbe::sqlite
