#include "wdrbe/queue/sqlite/sqlite_atomic_share_sender.hpp"

#include "wdrbe/queue/sqlite/share_rows.hpp"
#include "wdrbe/storage/sqlite/share_transactions.hpp"

namespace wdrbe::sqlite {

Task<Result<ShareAdmission>> SqliteAtomicShareSender::AdmitAndSend(AdmitShareCommand command,
                                                                   ShareEvent event) {
  return database_->writer().Submit<Result<ShareAdmission>>(
      [command = std::move(command), event = std::move(event),
       visible_at = clock_.NowMillis()](Connection& db) mutable -> Result<ShareAdmission> {
        auto admission = AdmitShareInTransaction(db, command, /*sent_in_this_transaction=*/true);
        if (!admission.ok() || !admission->needs_send) return admission;
        event.event_id = admission->event_id;
        event.timestamp_ms = admission->event_timestamp_ms;
        if (Status s = InsertQueuedShare(db, event, visible_at); !s.ok()) return s.error();
        return admission;
      });
}

}  // namespace wdrbe::sqlite
