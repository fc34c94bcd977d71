// The embedded backend on the contract suites: the item store, share queue
// and dead letters as three views of one SQLite database file. Then what
// only the embedded backend promises.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract/contract_suites.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/queue/sqlite/sqlite_atomic_share_sender.hpp"
#include "wdrbe/queue/sqlite/sqlite_atomic_share_settler.hpp"
#include "wdrbe/queue/sqlite/sqlite_dead_letter_queue.hpp"
#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"
#include "wdrbe/storage/sqlite/database.hpp"
#include "wdrbe/storage/sqlite/idempotency_rows.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::contract {
namespace {

struct SqlitePorts {
  SqlitePorts(const std::shared_ptr<sqlite::Database>& database, const Clock& clock, RandomSource& random,
              int max_receives)
      : store(database),
        queue(database, sqlite::ShareQueueOptions{max_receives}, clock, random),
        dead_letters(database, clock),
        sender(database, clock),
        settler(database) {}
  sqlite::SqliteItemStore store;
  sqlite::SqliteShareQueue queue;
  sqlite::SqliteDeadLetterQueue dead_letters;
  sqlite::SqliteAtomicShareSender sender;
  sqlite::SqliteAtomicShareSettler settler;
};

// The ports over the database file in `dir` (created if absent); the
// database closes with the last of them. `reader_threads` 0: reads inline.
std::shared_ptr<SqlitePorts> OpenSqlitePorts(const testing::TempDir& dir, const Clock& clock,
                                             RandomSource& random, int max_receives, int reader_threads = 0) {
  auto database = sqlite::Database::Open(sqlite::DatabaseOptions{
      (dir.path() / "wdrbe.db").string(), sqlite::Connection::Durability::kNormal, reader_threads, nullptr});
  if (!database.ok()) throw std::runtime_error("cannot open the database: " + database.error().message);
  return std::make_shared<SqlitePorts>(*database, clock, random, max_receives);
}

// Opens the ports with reads inline (the default) or on reader threads.
auto OpenSqlite(int reader_threads) {
  return [reader_threads](const testing::TempDir& dir, testing::FakeClock& clock, RandomSource& random,
                          int max_receives) {
    std::shared_ptr<SqlitePorts> ports = OpenSqlitePorts(dir, clock, random, max_receives, reader_threads);
    return OpenedBackend{.store = &ports->store,
                         .queue = &ports->queue,
                         .dead_letters = &ports->dead_letters,
                         .sender = &ports->sender,
                         .settler = &ports->settler,
                         .keep_alive = ports};
  };
}

BackendUnderTest SqliteBackend(std::string name, int reader_threads) {
  return BackendUnderTest{.name = std::move(name),
                          .open = OpenSqlite(reader_threads),
                          .queue_capabilities = {.exact_depth = true,
                                                 .injected_clock = true,
                                                 .detects_stale_handles = true,
                                                 .uncounted_release = true,
                                                 .full_failure_history = true,
                                                 .deduplicated_sends = true},
                          .survives_reopen = true,
                          .atomic_share_sender = true,
                          .atomic_share_settler = true,
                          .markers_outlive_deliveries = true};
}

std::vector<BackendUnderTest> SqliteBackends() {
  return {SqliteBackend("NormalSync", 0), SqliteBackend("NormalSyncReaderThreads", 2)};
}

}  // namespace

WDRBE_INSTANTIATE_CONTRACT_SUITES(Sqlite, SqliteBackends());

namespace {

// --- What only the embedded backend promises -----------------------------------------

// One server owns a data directory, so a delivery still in flight when it
// starts belongs to a process that died: it is visible again at once, and
// the interrupted delivery still counts.
TEST(SqliteShareQueueTest, DeliveriesInFlightAtACrashAreRecoveredAtOnceOnRestart) {
  testing::TempDir dir;
  testing::FakeClock clock(kT0);
  testing::SeededRandom random(1);
  const ShareEvent event{"evt_1", kAlice, "itm_a", kT0, "req_1", kTraceContext};
  {
    std::shared_ptr<SqlitePorts> crashed = OpenSqlitePorts(dir, clock, random, kMaxReceives);
    ASSERT_TRUE(Succeeded(RunTask(crashed->queue.Send(event))));
    auto received = RunTask(crashed->queue.Receive(10, 30'000));
    ASSERT_TRUE(Succeeded(received));
    ASSERT_EQ(received->size(), 1u);
  }
  std::shared_ptr<SqlitePorts> restarted = OpenSqlitePorts(dir, clock, random, kMaxReceives);
  auto before_recovery = RunTask(restarted->queue.Receive(10, 30'000));
  ASSERT_TRUE(Succeeded(before_recovery));
  ASSERT_TRUE(before_recovery->empty()) << "the dead process's delivery still hides the event";

  ASSERT_TRUE(Succeeded(RunTask(restarted->queue.RecoverDeliveriesAfterRestart())));

  auto recovered = RunTask(restarted->queue.Receive(10, 30'000));  // at the same instant
  ASSERT_TRUE(Succeeded(recovered));
  ASSERT_EQ(recovered->size(), 1u);
  EXPECT_EQ((*recovered)[0].event, event);
  EXPECT_EQ((*recovered)[0].receive_count, 2);
}

// Reads inline (0) and on a reader thread (1).
class SqliteItemStoreCloseTest : public ::testing::TestWithParam<int> {};

TEST_P(SqliteItemStoreCloseTest, AfterCloseEveryCallIsUnavailable) {
  testing::TempDir dir;
  auto store = sqlite::SqliteItemStore::Open(
      sqlite::StoreOptions{.path = (dir.path() / "items.db").string(),
                           .durability = sqlite::Connection::Durability::kNormal,
                           .read_connections = GetParam()});
  ASSERT_TRUE(Succeeded(store));
  // A read before the close: inline, it opens this thread's connection.
  ASSERT_TRUE(FailedWith(RunTask((*store)->GetItem("itm_1")), ErrorCode::kNotFound));
  sqlite::SqliteItemStore& s = **store;

  s.Close();
  s.Close();  // idempotent

  CreateItemCommand command;
  command.user_id = kAlice;
  command.item_id = "itm_1";
  command.fields = Fields("Tee", "tops");
  command.created_activity = Activity{"act_1", kAlice, kActivityItemCreated, "itm_1", "Tee", kT0, "{}"};
  command.now_ms = kT0;
  EXPECT_TRUE(FailedWith(RunTask(s.CreateItem(command)), ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.GetItem("itm_1")), ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.UpdateItem(kAlice, "itm_1", Patch(), kT0)), ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.DeleteItem(kAlice, "itm_1")), ErrorCode::kUnavailable));
  EXPECT_TRUE(
      FailedWith(RunTask(s.ListItems(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 20})),
                 ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.ListActivities(ListActivitiesQuery{kAlice, std::nullopt, 20})),
                         ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.AdmitShare(AdmitShareCommand{kAlice, "itm_1", "k1", "evt_1", kT0})),
                         ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.CompleteShareKey(kAlice, "k1")), ErrorCode::kUnavailable));
  std::vector<ApplyShareCommand> shares{
      ApplyShareCommand{ShareEvent{"evt_1", kAlice, "itm_1", kT0, "req_1", ""}, "act_2", kT0}};
  std::vector<Result<ShareApplication>> applied = RunTask(s.ApplyShares(std::move(shares)));
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_TRUE(FailedWith(applied[0], ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(RunTask(s.Ping()), ErrorCode::kUnavailable));
}

INSTANTIATE_TEST_SUITE_P(ReaderThreads, SqliteItemStoreCloseTest, ::testing::Values(0, 1));

TEST(SqliteItemStoreTest, OpenFailsWhenTheFileCannotBeCreated) {
  testing::TempDir dir;
  auto store = sqlite::SqliteItemStore::Open(
      sqlite::StoreOptions{.path = (dir.path() / "no-such-dir" / "items.db").string(),
                           .durability = sqlite::Connection::Durability::kNormal,
                           .read_connections = 1});
  EXPECT_TRUE(FailedWith(store, ErrorCode::kUnavailable));
}

// The applied-share markers (idempotency_rows.hpp) that make applying an
// event idempotent expire kAppliedShareRetentionMs after they were written,
// a few at a time as new events are applied.
class AppliedShareMarkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ports_ = OpenSqlitePorts(dir_, clock_, random_, kMaxReceives);
    CreateItemCommand command;
    command.user_id = kAlice;
    command.item_id = "itm_a";
    command.fields = Fields("Tee", "tops");
    command.now_ms = kT0;
    command.created_activity = Activity{"act_0", kAlice, kActivityItemCreated, "itm_a", "Tee", kT0, "{}"};
    ASSERT_TRUE(Succeeded(RunTask(ports_->store.CreateItem(command))));
  }

  // Sends `count` fresh events, applies and acknowledges them (the
  // worker's path: the settler); returns their ids.
  std::vector<std::string> ApplyNew(int count) {
    std::vector<std::string> applied;
    for (int i = 0; i < count; ++i) {
      const std::string id = "evt_" + std::to_string(++events_);
      EXPECT_TRUE(Succeeded(RunTask(
          ports_->queue.Send(ShareEvent{id, kAlice, "itm_a", clock_.NowMillis(), "req", kTraceContext}))));
      applied.push_back(id);
    }
    for (;;) {
      auto received = RunTask(ports_->queue.Receive(10, 30'000));
      EXPECT_TRUE(Succeeded(received));
      if (!received.ok() || received->empty()) break;
      ShareEventHandler handler(ports_->store, &ports_->settler, clock_, ids_);
      for (const HandledShare& handled : RunTask(handler.Handle(std::move(*received)))) {
        EXPECT_EQ(handled.application, ShareApplication::kApplied);
        EXPECT_EQ(handled.acknowledged, AckResult::kDeleted);
      }
    }
    return applied;
  }

  std::set<std::string> Markers() const {
    auto reader =
        sqlite::Connection::Open((dir_.path() / "wdrbe.db").string(), sqlite::Connection::Mode::kReadOnly,
                                 sqlite::Connection::Durability::kNormal);
    if (!reader.ok()) throw std::runtime_error(reader.error().message);
    auto stmt = (*reader)->Prepare("SELECT event_id FROM applied_share_events");
    if (!stmt.ok()) throw std::runtime_error(stmt.error().message);
    std::set<std::string> ids;
    for (;;) {
      auto step = (*stmt)->Step();
      if (!step.ok()) throw std::runtime_error(step.error().message);
      if (*step == sqlite::Statement::StepResult::kDone) return ids;
      ids.insert((*stmt)->ColumnText(0));
    }
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kT0};
  testing::SeededRandom random_{7};
  std::shared_ptr<SqlitePorts> ports_;
  UlidGenerator ids_{clock_, random_};
  int events_ = 0;
};

TEST_F(AppliedShareMarkersTest, MarkersOlderThanTheRetentionGoAFewAtATimeAndNewerOnesStay) {
  const std::vector<std::string> old = ApplyNew(20);
  ASSERT_EQ(Markers().size(), 20u);

  // The last moment the old markers are kept: a new event sweeps nothing.
  clock_.Advance(sqlite::kAppliedShareRetentionMs - 1);
  const std::vector<std::string> young = ApplyNew(1);
  EXPECT_EQ(Markers().size(), 21u);

  // Past it, each new marker takes at most 16 expired ones with it.
  clock_.Advance(2);
  const std::vector<std::string> newer = ApplyNew(1);
  EXPECT_EQ(Markers().size(), 21u + 1u - 16u);
  const std::vector<std::string> newest = ApplyNew(1);
  EXPECT_EQ(Markers(), (std::set<std::string>{young[0], newer[0], newest[0]}));

  // An expired marker's event, should it come back (it cannot), would apply
  // again: what the retention must rule out, and why it is long.
  EXPECT_EQ(RunTask(ports_->store.GetItem("itm_a"))->shared_count, 23);
}

TEST_F(AppliedShareMarkersTest, AMarkerWhoseEventIsStillDeadLetteredIsKeptHoweverOld) {
  // Applied, yet its every delivery failed afterwards: a dead letter.
  const std::string event = "evt_dead";
  ASSERT_TRUE(Succeeded(RunTask(
      ports_->queue.Send(ShareEvent{event, kAlice, "itm_a", clock_.NowMillis(), "req", kTraceContext}))));
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    auto received = RunTask(ports_->queue.Receive(10, 30'000));
    ASSERT_TRUE(Succeeded(received));
    ASSERT_EQ(received->size(), 1u);
    std::vector<ApplyShareCommand> commands{
        ApplyShareCommand{(*received)[0].event, ids_.Next(), clock_.NowMillis()}};
    ASSERT_EQ(RunTask(ports_->store.ApplyShares(std::move(commands))).size(), 1u);
    ASSERT_TRUE(
        Succeeded(RunTask(ports_->queue.Retry({FailedDelivery{(*received)[0].receipt_handle, "lost", 0}}))));
  }
  ASSERT_TRUE(Succeeded(RunTask(ports_->dead_letters.Get(event))));

  clock_.Advance(sqlite::kAppliedShareRetentionMs * 3);
  ApplyNew(2);
  EXPECT_TRUE(Markers().contains(event)) << "deleted while its dead letter could be redriven";

  // Once redriven and acknowledged (as already applied), nothing holds it.
  ASSERT_TRUE(Succeeded(RunTask(ports_->dead_letters.Redrive(event))));
  auto redriven = RunTask(ports_->queue.Receive(10, 30'000));
  ASSERT_TRUE(Succeeded(redriven));
  ShareEventHandler handler(ports_->store, &ports_->settler, clock_, ids_);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(std::move(*redriven)));
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kAlreadyApplied);
  ApplyNew(1);
  EXPECT_FALSE(Markers().contains(event));
  EXPECT_EQ(RunTask(ports_->store.GetItem("itm_a"))->shared_count, 4);
}
}  // namespace
}  // namespace wdrbe::contract
