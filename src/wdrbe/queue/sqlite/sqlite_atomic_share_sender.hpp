// The embedded backend's AtomicShareSender: the store's share admission and
// the queue's insert run in one writer transaction.
#pragma once

#include <memory>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/queue/atomic_share_sender.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

class SqliteAtomicShareSender final : public AtomicShareSender {
 public:
  // `clock` (the queue's: visibility) must outlive the sender.
  SqliteAtomicShareSender(std::shared_ptr<Database> database, const Clock& clock)
      : database_(std::move(database)), clock_(clock) {}

  Task<Result<ShareAdmission>> AdmitAndSend(AdmitShareCommand command, ShareEvent event) override;

 private:
  std::shared_ptr<Database> database_;
  const Clock& clock_;
};

}  // namespace wdrbe::sqlite
