// The ItemStore contract (storage/item_store.hpp), as a suite every adapter
// must pass. An adapter joins with a StoreBackend and one line in
// AllAdapters() at the bottom of this file.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe {

// Readable failure messages (internal linkage: for this file only).
static void PrintOptional(const std::optional<std::string>& value, std::ostream* os) {
  if (value) {
    *os << '"' << *value << '"';
  } else {
    *os << "(none)";
  }
}

[[maybe_unused]] static void PrintTo(const ItemFields& fields, std::ostream* os) {
  *os << "{name \"" << fields.name << "\", category \"" << fields.category << "\", season ";
  PrintOptional(fields.season, os);
  *os << ", color ";
  PrintOptional(fields.color, os);
  *os << ", brand ";
  PrintOptional(fields.brand, os);
  *os << ", purchase_date ";
  PrintOptional(fields.purchase_date, os);
  *os << ", image_url ";
  PrintOptional(fields.image_url, os);
  *os << "}";
}

[[maybe_unused]] static void PrintTo(const Item& item, std::ostream* os) {
  *os << "Item{" << item.item_id << " of " << item.user_id << ", ";
  PrintTo(item.fields, os);
  *os << ", shared " << item.shared_count << (item.is_public ? ", public" : ", private") << ", created "
      << item.created_at_ms << ", updated " << item.updated_at_ms << "}";
}

[[maybe_unused]] static void PrintTo(const Activity& activity, std::ostream* os) {
  *os << "Activity{" << activity.activity_id << " of " << activity.user_id << ", " << activity.activity_type
      << " " << activity.item_id << " \"" << activity.item_name << "\" at " << activity.timestamp_ms << ", "
      << activity.metadata_json << "}";
}

[[maybe_unused]] static void PrintTo(CreateOutcome outcome, std::ostream* os) {
  switch (outcome) {
    case CreateOutcome::kCreated:
      *os << "kCreated";
      return;
    case CreateOutcome::kReplaced:
      *os << "kReplaced";
      return;
    case CreateOutcome::kReplayed:
      *os << "kReplayed";
      return;
  }
  *os << "CreateOutcome(?)";
}

namespace {

using wdrbe::testing::RunAll;
using wdrbe::testing::RunTask;

// ---------------------------------------------------------------------------
// Adapters under test.

// The data one test works on (a database file, a table), for one adapter.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // A store over this backend's data. A store opened after the previous one
  // was destroyed sees everything the previous one wrote.
  virtual std::unique_ptr<ItemStore> Open() = 0;
  // What the share worker does to an item: sets its shared_count and makes
  // it public. The ItemStore port has no such write, so each adapter says
  // how it is done.
  virtual void MarkShared(const std::string& item_id, std::int64_t shared_count) = 0;
};

struct Adapter {
  std::string name;
  std::function<std::unique_ptr<StoreBackend>()> make_backend;
};

[[maybe_unused]] void PrintTo(const Adapter& adapter, std::ostream* os) { *os << adapter.name; }

class SqliteBackend final : public StoreBackend {
 public:
  explicit SqliteBackend(sqlite::Connection::Durability durability) : durability_(durability) {}

  std::unique_ptr<ItemStore> Open() override {
    auto store = sqlite::SqliteItemStore::Open(
        sqlite::StoreOptions{.path = path(), .durability = durability_, .read_connections = 2});
    if (!store.ok()) throw std::runtime_error("cannot open the store: " + store.error().message);
    return std::move(*store);
  }

  void MarkShared(const std::string& item_id, std::int64_t shared_count) override {
    auto db = sqlite::Connection::Open(path(), sqlite::Connection::Mode::kReadWrite, durability_);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    auto stmt = (*db)->Prepare("UPDATE items SET shared_count = ?2, is_public = 1 WHERE item_id = ?1");
    if (!stmt.ok()) throw std::runtime_error(stmt.error().message);
    (*stmt)->Bind(1, item_id).Bind(2, shared_count);
    if (Status s = (*stmt)->Run(); !s.ok()) throw std::runtime_error(s.error().message);
  }

 private:
  std::string path() const { return (dir_.path() / "items.db").string(); }

  wdrbe::testing::TempDir dir_;
  sqlite::Connection::Durability durability_;
};

// ---------------------------------------------------------------------------
// Vocabulary of the tests.

constexpr char kAlice[] = "usr_alice";
constexpr char kBob[] = "usr_bob";
constexpr std::int64_t kT0 = 1'764'064'800'000;  // 2025-11-25T10:00:00Z

using PatchField = std::optional<std::optional<std::string>>;
PatchField SetTo(std::string value) { return PatchField(std::in_place, std::move(value)); }
PatchField Cleared() { return PatchField(std::in_place, std::nullopt); }

// An ItemPatch spelled field by field: Patch().Name("x").Color(Cleared()).
class Patch {
 public:
  Patch& Name(std::string value) {
    patch_.name = std::move(value);
    return *this;
  }
  Patch& Category(std::string value) {
    patch_.category = std::move(value);
    return *this;
  }
  Patch& Season(PatchField value) {
    patch_.season = std::move(value);
    return *this;
  }
  Patch& Color(PatchField value) {
    patch_.color = std::move(value);
    return *this;
  }
  Patch& Brand(PatchField value) {
    patch_.brand = std::move(value);
    return *this;
  }
  Patch& PurchaseDate(PatchField value) {
    patch_.purchase_date = std::move(value);
    return *this;
  }
  Patch& ImageUrl(PatchField value) {
    patch_.image_url = std::move(value);
    return *this;
  }
  operator ItemPatch() const { return patch_; }  // NOLINT: implicit by design

 private:
  ItemPatch patch_;
};

ItemFields Fields(std::string name, std::string category, std::optional<std::string> season = std::nullopt) {
  ItemFields fields;
  fields.name = std::move(name);
  fields.category = std::move(category);
  fields.season = std::move(season);
  return fields;
}

ItemFields EveryField() {
  return ItemFields{"Navy Blazer",
                    "outerwear",
                    "autumn",
                    "navy",
                    "Acme",
                    "2025-10-01",
                    "https://img.example.com/itm_blazer.jpg"};
}

std::string Numbered(std::string_view prefix, int n) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04d", n);
  return std::string(prefix) + digits;
}

const char* CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "kBadRequest";
    case ErrorCode::kValidationFailed:
      return "kValidationFailed";
    case ErrorCode::kInvalidCursor:
      return "kInvalidCursor";
    case ErrorCode::kUnauthorized:
      return "kUnauthorized";
    case ErrorCode::kForbidden:
      return "kForbidden";
    case ErrorCode::kNotFound:
      return "kNotFound";
    case ErrorCode::kMethodNotAllowed:
      return "kMethodNotAllowed";
    case ErrorCode::kConflict:
      return "kConflict";
    case ErrorCode::kIdempotencyKeyInUse:
      return "kIdempotencyKeyInUse";
    case ErrorCode::kPayloadTooLarge:
      return "kPayloadTooLarge";
    case ErrorCode::kUnsupportedMediaType:
      return "kUnsupportedMediaType";
    case ErrorCode::kIdempotencyKeyReused:
      return "kIdempotencyKeyReused";
    case ErrorCode::kTooManyRequests:
      return "kTooManyRequests";
    case ErrorCode::kInternal:
      return "kInternal";
    case ErrorCode::kUnavailable:
      return "kUnavailable";
  }
  return "ErrorCode(?)";
}

::testing::AssertionResult Succeeded(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "failed with " << CodeName(status.error().code) << ": " << status.error().message;
}

template <typename T>
::testing::AssertionResult Succeeded(const Result<T>& result) {
  return Succeeded(result.status());
}

::testing::AssertionResult FailedWith(const Status& status, ErrorCode expected) {
  if (status.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << CodeName(expected);
  if (status.error().code != expected) {
    return ::testing::AssertionFailure() << "failed with " << CodeName(status.error().code) << " ("
                                         << status.error().message << "); expected " << CodeName(expected);
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult FailedWith(const Result<T>& result, ErrorCode expected) {
  return FailedWith(result.status(), expected);
}

std::vector<std::string> IdsOf(const std::vector<Item>& items) {
  std::vector<std::string> ids;
  for (const Item& item : items) ids.push_back(item.item_id);
  return ids;
}

std::vector<std::string> IdsOf(const std::vector<Activity>& activities) {
  std::vector<std::string> ids;
  for (const Activity& activity : activities) ids.push_back(activity.activity_id);
  return ids;
}

// ---------------------------------------------------------------------------
// The suite.

class ItemStoreContractTest : public ::testing::TestWithParam<Adapter> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make_backend();
    store_ = backend_->Open();
  }

  ItemStore& store() { return *store_; }
  StoreBackend& backend() { return *backend_; }

  // Closes the store and opens a new one over the same data.
  void Reopen() {
    store_.reset();
    store_ = backend_->Open();
  }

  // A create command with a fresh activity id; activity ids grow in the
  // order commands are made, as ULIDs would.
  CreateItemCommand NewItem(std::string user_id, std::string item_id, ItemFields fields,
                            std::int64_t now_ms) {
    CreateItemCommand command;
    command.user_id = std::move(user_id);
    command.item_id = std::move(item_id);
    command.fields = std::move(fields);
    command.activity_id = Numbered("act_", ++activities_made_);
    command.now_ms = now_ms;
    return command;
  }

  CreateItemCommand NewItemWithKey(std::string user_id, std::string item_id, ItemFields fields,
                                   std::int64_t now_ms, std::string key, std::string fingerprint) {
    CreateItemCommand command = NewItem(std::move(user_id), std::move(item_id), std::move(fields), now_ms);
    command.idempotency_key = std::move(key);
    command.payload_fingerprint = std::move(fingerprint);
    return command;
  }

  // Runs a create that the test needs to succeed with `expected`; throws
  // (failing the test) otherwise.
  Item MustCreate(CreateItemCommand command, CreateOutcome expected = CreateOutcome::kCreated) {
    const std::string item_id = command.item_id;
    Result<CreateItemResult> result = RunTask(store().CreateItem(std::move(command)));
    if (!result.ok()) {
      throw std::runtime_error("creating " + item_id + " failed: " + CodeName(result.error().code) + " " +
                               result.error().message);
    }
    if (result->outcome != expected) throw std::runtime_error("creating " + item_id + ": unexpected outcome");
    return result->item;
  }

  Item MustGet(const std::string& item_id) {
    Result<Item> item = RunTask(store().GetItem(item_id));
    if (!item.ok()) throw std::runtime_error("getting " + item_id + " failed: " + item.error().message);
    return *item;
  }

  ItemPage MustList(ListItemsQuery query) {
    Result<ItemPage> page = RunTask(store().ListItems(std::move(query)));
    if (!page.ok()) throw std::runtime_error("listing items failed: " + page.error().message);
    return std::move(*page);
  }

  // Every item of `user_id` (matching the filters), in one page.
  std::vector<Item> AllItems(const std::string& user_id, std::optional<std::string> season = std::nullopt,
                             std::optional<std::string> category = std::nullopt) {
    ItemPage page =
        MustList(ListItemsQuery{user_id, std::move(season), std::move(category), std::nullopt, 100});
    if (page.has_more) throw std::runtime_error("more than 100 items");
    return std::move(page.items);
  }

  ActivityPage MustListActivities(ListActivitiesQuery query) {
    Result<ActivityPage> page = RunTask(store().ListActivities(std::move(query)));
    if (!page.ok()) throw std::runtime_error("listing activities failed: " + page.error().message);
    return std::move(*page);
  }

  std::vector<Activity> AllActivities(const std::string& user_id) {
    ActivityPage page = MustListActivities(ListActivitiesQuery{user_id, std::nullopt, 100});
    if (page.has_more) throw std::runtime_error("more than 100 activities");
    return std::move(page.activities);
  }

  // Walks every page of `query` (its `after` is replaced), checking as it
  // goes that every page but the last is full and that has_more is false
  // exactly on the last page.
  std::vector<Item> WalkItems(ListItemsQuery query) {
    std::vector<Item> all;
    query.after.reset();
    for (int pages = 0; pages < 1000; ++pages) {
      ItemPage page = MustList(query);
      all.insert(all.end(), page.items.begin(), page.items.end());
      if (!page.has_more) return all;
      EXPECT_EQ(page.items.size(), static_cast<std::size_t>(query.limit))
          << "a page before the last is short";
      if (page.items.empty()) break;
      query.after = CursorPosition{page.items.back().created_at_ms, page.items.back().item_id};
    }
    ADD_FAILURE() << "has_more never became false";
    return all;
  }

  std::vector<Activity> WalkActivities(ListActivitiesQuery query) {
    std::vector<Activity> all;
    query.after.reset();
    for (int pages = 0; pages < 1000; ++pages) {
      ActivityPage page = MustListActivities(query);
      all.insert(all.end(), page.activities.begin(), page.activities.end());
      if (!page.has_more) return all;
      EXPECT_EQ(page.activities.size(), static_cast<std::size_t>(query.limit))
          << "a page before the last is short";
      if (page.activities.empty()) break;
      query.after = CursorPosition{page.activities.back().timestamp_ms, page.activities.back().activity_id};
    }
    ADD_FAILURE() << "has_more never became false";
    return all;
  }

 private:
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<ItemStore> store_;  // destroyed before the backend's data
  int activities_made_ = 0;
};

// ---------------------------------------------------------------------------
// CreateItem: a new item.

TEST_P(ItemStoreContractTest, CreateReturnsTheNewItemWithZeroCountersAndBothTimestampsNow) {
  Result<CreateItemResult> created = RunTask(store().CreateItem(NewItem(kAlice, "itm_1", EveryField(), kT0)));

  ASSERT_TRUE(Succeeded(created));
  EXPECT_EQ(created->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(created->item, (Item{"itm_1", kAlice, EveryField(), 0, false, kT0, kT0}));
}

TEST_P(ItemStoreContractTest, CreatedItemCanBeReadAndIsListed) {
  const Item created = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> read = RunTask(store().GetItem("itm_1"));
  ASSERT_TRUE(Succeeded(read));
  EXPECT_EQ(*read, created);
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{created});
}

TEST_P(ItemStoreContractTest, CreateKeepsAbsentOptionalFieldsAbsent) {
  const Item created = MustCreate(NewItem(kAlice, "itm_1", Fields("Tee", "tops"), kT0));

  EXPECT_EQ(created.fields, Fields("Tee", "tops"));
  EXPECT_EQ(MustGet("itm_1").fields, Fields("Tee", "tops"));
}

TEST_P(ItemStoreContractTest, CreateAppendsAnItemCreatedActivity) {
  CreateItemCommand command = NewItem(kAlice, "itm_1", EveryField(), kT0 + 5);
  const std::string activity_id = command.activity_id;
  MustCreate(std::move(command));

  const std::vector<Activity> activities = AllActivities(kAlice);
  ASSERT_EQ(activities.size(), 1u);
  const Activity& activity = activities[0];
  EXPECT_EQ(activity.activity_id, activity_id);
  EXPECT_EQ(activity.user_id, kAlice);
  EXPECT_EQ(activity.activity_type, kActivityItemCreated);
  EXPECT_EQ(activity.item_id, "itm_1");
  EXPECT_EQ(activity.item_name, "Navy Blazer");
  EXPECT_EQ(activity.timestamp_ms, kT0 + 5);
  boost::system::error_code json_error;
  const boost::json::value metadata = boost::json::parse(activity.metadata_json, json_error);
  ASSERT_FALSE(json_error) << activity.metadata_json;
  EXPECT_EQ(metadata, boost::json::parse(R"({"action":"create"})")) << activity.metadata_json;
}

// ---------------------------------------------------------------------------
// CreateItem: the caller's existing item_id replaces.

TEST_P(ItemStoreContractTest, CreateWithTheCallersItemIdReplacesEveryEditableField) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<CreateItemResult> replaced =
      RunTask(store().CreateItem(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets"), kT0 + 1000)));

  ASSERT_TRUE(Succeeded(replaced));
  EXPECT_EQ(replaced->outcome, CreateOutcome::kReplaced);
  // Optional fields the new payload leaves out are cleared.
  EXPECT_EQ(replaced->item,
            (Item{"itm_1", kAlice, Fields("Grey Blazer", "jackets"), 0, false, kT0, kT0 + 1000}));
  EXPECT_EQ(MustGet("itm_1"), replaced->item);
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{replaced->item});
}

TEST_P(ItemStoreContractTest, ReplaceKeepsCreatedAtSharedCountAndVisibility) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  backend().MarkShared("itm_1", 3);

  const Item replaced =
      MustCreate(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets", "winter"), kT0 + 1000),
                 CreateOutcome::kReplaced);

  EXPECT_EQ(replaced.created_at_ms, kT0);
  EXPECT_EQ(replaced.updated_at_ms, kT0 + 1000);
  EXPECT_EQ(replaced.shared_count, 3);
  EXPECT_TRUE(replaced.is_public);
  EXPECT_EQ(MustGet("itm_1"), replaced);
}

TEST_P(ItemStoreContractTest, ReplaceAppendsNoActivity) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  const std::vector<Activity> before = AllActivities(kAlice);

  MustCreate(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets"), kT0 + 1000),
             CreateOutcome::kReplaced);

  EXPECT_EQ(AllActivities(kAlice), before);
}

TEST_P(ItemStoreContractTest, CreateWithAnotherUsersItemIdIsConflictAndChangesNothing) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<CreateItemResult> stolen =
      RunTask(store().CreateItem(NewItem(kBob, "itm_1", Fields("Mine now", "loot"), kT0 + 1000)));

  EXPECT_TRUE(FailedWith(stolen, ErrorCode::kConflict));
  EXPECT_EQ(MustGet("itm_1"), original);
  EXPECT_TRUE(AllItems(kBob).empty());
  EXPECT_TRUE(AllActivities(kBob).empty());
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

// ---------------------------------------------------------------------------
// CreateItem: idempotency keys.

TEST_P(ItemStoreContractTest, RepeatWithSameKeyAndFingerprintReplaysAndWritesNothing) {
  const Item original = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));

  // A retry gets a fresh server-made item id and a later clock.
  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, original);
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_2")), ErrorCode::kNotFound));
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{original});
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreContractTest, ReplayReturnsTheItemAsItIsNow) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  Result<Item> updated =
      RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("Renamed").Color(Cleared()), kT0 + 500));
  ASSERT_TRUE(Succeeded(updated));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, *updated);
  EXPECT_EQ(replay->item.fields.name, "Renamed");
  EXPECT_EQ(replay->item.updated_at_ms, kT0 + 500);
}

TEST_P(ItemStoreContractTest, SameKeyWithAnotherFingerprintIsKeyReusedAndWritesNothing) {
  const Item original = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));

  Result<CreateItemResult> reused = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("Other", "tops"), kT0 + 1000, "key-1", "fp-2")));
  Result<CreateItemResult> reused_on_same_id = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_1", Fields("Other", "tops"), kT0 + 1000, "key-1", "fp-2")));

  EXPECT_TRUE(FailedWith(reused, ErrorCode::kIdempotencyKeyReused));
  EXPECT_TRUE(FailedWith(reused_on_same_id, ErrorCode::kIdempotencyKeyReused));
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{original});
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreContractTest, IdempotencyKeysBelongToOneUser) {
  const Item alices = MustCreate(NewItemWithKey(kAlice, "itm_a", EveryField(), kT0, "key-1", "fp-1"));

  // The same key, even with the same payload, is a new request from Bob.
  Result<CreateItemResult> bobs =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_b", EveryField(), kT0 + 1, "key-1", "fp-1")));
  Result<CreateItemResult> bobs_other =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_c", EveryField(), kT0 + 2, "key-2", "fp-9")));

  ASSERT_TRUE(Succeeded(bobs));
  EXPECT_EQ(bobs->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(bobs->item.item_id, "itm_b");
  EXPECT_EQ(bobs->item.user_id, kBob);
  ASSERT_TRUE(Succeeded(bobs_other));
  EXPECT_EQ(bobs_other->outcome, CreateOutcome::kCreated);
  Result<CreateItemResult> alice_again =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_x", EveryField(), kT0 + 3, "key-1", "fp-1")));
  ASSERT_TRUE(Succeeded(alice_again));
  EXPECT_EQ(alice_again->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(alice_again->item, alices);
}

TEST_P(ItemStoreContractTest, KeyIsRememberedForTheWindowAndForgottenAfterIt) {
  const Item first = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  const std::int64_t last_remembered = kT0 + kIdempotencyWindowMs - 1;

  Result<CreateItemResult> late_replay = RunTask(
      store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), last_remembered, "key-1", "fp-1")));
  Result<CreateItemResult> late_reuse = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("New", "tops"), last_remembered, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(late_replay));
  EXPECT_EQ(late_replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(late_replay->item, first);
  EXPECT_TRUE(FailedWith(late_reuse, ErrorCode::kIdempotencyKeyReused));

  Result<CreateItemResult> after_window = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("New", "tops"), kT0 + kIdempotencyWindowMs, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(after_window));
  EXPECT_EQ(after_window->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(after_window->item.item_id, "itm_2");

  // From then on the key stands for the new request.
  Result<CreateItemResult> new_replay = RunTask(store().CreateItem(NewItemWithKey(
      kAlice, "itm_3", Fields("New", "tops"), kT0 + kIdempotencyWindowMs + 1, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(new_replay));
  EXPECT_EQ(new_replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(new_replay->item.item_id, "itm_2");
  EXPECT_TRUE(
      FailedWith(RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_3", EveryField(),
                                                           kT0 + kIdempotencyWindowMs + 1, "key-1", "fp-1"))),
                 ErrorCode::kIdempotencyKeyReused));
}

TEST_P(ItemStoreContractTest, ReplayAfterTheItemWasDeletedIsNotFound) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  EXPECT_TRUE(FailedWith(replay, ErrorCode::kNotFound));
  EXPECT_TRUE(AllItems(kAlice).empty());
}

TEST_P(ItemStoreContractTest, ReplayAfterTheItemWasDeletedAndItsIdTakenByAnotherUserIsNotFound) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));
  const Item bobs = MustCreate(NewItem(kBob, "itm_1", Fields("Bob's private thing", "secret"), kT0 + 10));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  // Alice's item is gone; Bob's item of the same id is not hers to see.
  EXPECT_TRUE(FailedWith(replay, ErrorCode::kNotFound));
  if (replay.ok()) {
    EXPECT_NE(replay->item.user_id, kBob) << "Bob's private item leaked to Alice";
  }
  EXPECT_EQ(MustGet("itm_1"), bobs);
}

TEST_P(ItemStoreContractTest, AFailedCreateDoesNotRememberItsKey) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  EXPECT_TRUE(FailedWith(
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_1", Fields("X", "y"), kT0 + 1, "key-1", "fp-1"))),
      ErrorCode::kConflict));

  Result<CreateItemResult> retry =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_b", Fields("X", "y"), kT0 + 2, "key-1", "fp-2")));

  ASSERT_TRUE(Succeeded(retry));
  EXPECT_EQ(retry->outcome, CreateOutcome::kCreated);
}

TEST_P(ItemStoreContractTest, AKeyFirstUsedForAReplaceReplaysThatItem) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  const Item replaced =
      MustCreate(NewItemWithKey(kAlice, "itm_1", Fields("Grey", "jackets"), kT0 + 1, "key-1", "fp-1"),
                 CreateOutcome::kReplaced);

  Result<CreateItemResult> replay = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_1", Fields("Grey", "jackets"), kT0 + 2, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, replaced);
}

TEST_P(ItemStoreContractTest, ConcurrentRepeatsOfOneKeyCreateExactlyOneItem) {
  constexpr int kRequests = 50;
  std::vector<Task<Result<CreateItemResult>>> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(store().CreateItem(
        NewItemWithKey(kAlice, Numbered("itm_", i), EveryField(), kT0 + i, "key-1", "fp-1")));
  }

  const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

  int created = 0;
  std::set<std::string> item_ids;
  for (const auto& result : results) {
    ASSERT_TRUE(Succeeded(result));
    if (result->outcome == CreateOutcome::kCreated) {
      ++created;
    } else {
      EXPECT_EQ(result->outcome, CreateOutcome::kReplayed);
    }
    item_ids.insert(result->item.item_id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(item_ids.size(), 1u) << "every request must answer with the one item";
  const std::vector<Item> listed = AllItems(kAlice);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].item_id, *item_ids.begin());
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreContractTest, ConcurrentCreatesOfDistinctItemsAllSucceed) {
  constexpr int kRequests = 50;
  std::vector<Task<Result<CreateItemResult>>> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(store().CreateItem(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i)));
  }

  const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

  for (const auto& result : results) {
    ASSERT_TRUE(Succeeded(result));
    EXPECT_EQ(result->outcome, CreateOutcome::kCreated);
  }
  EXPECT_EQ(AllItems(kAlice).size(), static_cast<std::size_t>(kRequests));
  EXPECT_EQ(AllActivities(kAlice).size(), static_cast<std::size_t>(kRequests));
}

// ---------------------------------------------------------------------------
// GetItem.

TEST_P(ItemStoreContractTest, GetOfAnUnknownItemIsNotFound) {
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_nope")), ErrorCode::kNotFound));
}

TEST_P(ItemStoreContractTest, GetReturnsAnyUsersItemBecauseReadAccessIsTheCallers) {
  const Item bobs = MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));
  EXPECT_EQ(MustGet("itm_b"), bobs);
}

// ---------------------------------------------------------------------------
// UpdateItem.

TEST_P(ItemStoreContractTest, OwnerPatchSetsAndClearsFieldsAndStampsUpdatedAt) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> updated = RunTask(store().UpdateItem(
      kAlice, "itm_1",
      Patch().Name("Black Blazer").Season(SetTo("winter")).Color(SetTo("black")).Brand(Cleared()),
      kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  ItemFields expected = EveryField();
  expected.name = "Black Blazer";
  expected.season = "winter";
  expected.color = "black";
  expected.brand = std::nullopt;
  EXPECT_EQ(*updated, (Item{"itm_1", kAlice, expected, 0, false, kT0, kT0 + 1000}));
  EXPECT_EQ(MustGet("itm_1"), *updated);
  EXPECT_EQ(AllActivities(kAlice).size(), 1u) << "an update appends no activity";
}

TEST_P(ItemStoreContractTest, PatchCanClearEveryOptionalFieldAndChangeTheCategory) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> updated = RunTask(store().UpdateItem(kAlice, "itm_1",
                                                    Patch()
                                                        .Category("coats")
                                                        .Season(Cleared())
                                                        .Color(Cleared())
                                                        .Brand(Cleared())
                                                        .PurchaseDate(Cleared())
                                                        .ImageUrl(Cleared()),
                                                    kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  EXPECT_EQ(updated->fields, Fields("Navy Blazer", "coats"));
  EXPECT_EQ(MustGet("itm_1").fields, Fields("Navy Blazer", "coats"));
}

TEST_P(ItemStoreContractTest, PatchThatChangesNothingLeavesUpdatedAtAlone) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", Fields("Tee", "tops", "summer"), kT0));

  Result<Item> empty_patch = RunTask(store().UpdateItem(kAlice, "itm_1", Patch(), kT0 + 1000));
  Result<Item> same_values = RunTask(store().UpdateItem(
      kAlice, "itm_1", Patch().Name("Tee").Season(SetTo("summer")).Color(Cleared()), kT0 + 2000));

  ASSERT_TRUE(Succeeded(empty_patch));
  EXPECT_EQ(*empty_patch, original);
  ASSERT_TRUE(Succeeded(same_values));
  EXPECT_EQ(*same_values, original);
  EXPECT_EQ(MustGet("itm_1").updated_at_ms, kT0);
}

TEST_P(ItemStoreContractTest, UpdateKeepsSharedCountAndVisibility) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  backend().MarkShared("itm_1", 2);

  Result<Item> updated = RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("Renamed"), kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  EXPECT_EQ(updated->shared_count, 2);
  EXPECT_TRUE(updated->is_public);
  EXPECT_EQ(MustGet("itm_1"), *updated);
}

TEST_P(ItemStoreContractTest, UpdateOfAnotherUsersPrivateItemIsNotFoundAndChangesNothing) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch().Name("Mine"), kT0 + 1000)),
                         ErrorCode::kNotFound));
  EXPECT_TRUE(
      FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch(), kT0 + 1000)), ErrorCode::kNotFound));
  EXPECT_EQ(MustGet("itm_1"), original);
}

TEST_P(ItemStoreContractTest, UpdateOfAnotherUsersPublicItemIsForbiddenAndChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  backend().MarkShared("itm_1", 1);
  const Item shared = MustGet("itm_1");

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch().Name("Mine"), kT0 + 1000)),
                         ErrorCode::kForbidden));
  EXPECT_EQ(MustGet("itm_1"), shared);
}

TEST_P(ItemStoreContractTest, UpdateOfAMissingItemIsNotFound) {
  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kAlice, "itm_nope", Patch().Name("X"), kT0)),
                         ErrorCode::kNotFound));
}

// ---------------------------------------------------------------------------
// DeleteItem.

TEST_P(ItemStoreContractTest, OwnerDeletesTheItemAndItsActivitiesStay) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_2", EveryField(), kT0 + 1));
  const std::vector<Activity> activities = AllActivities(kAlice);

  EXPECT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_1")), ErrorCode::kNotFound));
  EXPECT_EQ(IdsOf(AllItems(kAlice)), std::vector<std::string>{"itm_2"});
  EXPECT_EQ(AllActivities(kAlice), activities);
}

TEST_P(ItemStoreContractTest, DeleteByAnotherUserIsNotFoundForAPrivateItemAndForbiddenForAPublicOne) {
  const Item private_item = MustCreate(NewItem(kAlice, "itm_private", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_public", EveryField(), kT0 + 1));
  backend().MarkShared("itm_public", 1);
  const Item public_item = MustGet("itm_public");

  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kBob, "itm_private")), ErrorCode::kNotFound));
  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kBob, "itm_public")), ErrorCode::kForbidden));

  EXPECT_EQ(MustGet("itm_private"), private_item);
  EXPECT_EQ(MustGet("itm_public"), public_item);
}

TEST_P(ItemStoreContractTest, DeletingTwiceOrDeletingAMissingItemIsNotFound) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kAlice, "itm_1")), ErrorCode::kNotFound));
  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kAlice, "itm_nope")), ErrorCode::kNotFound));
}

TEST_P(ItemStoreContractTest, UpdateOfADeletedItemIsNotFound) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("X"), kT0 + 1)),
                         ErrorCode::kNotFound));
}

// ---------------------------------------------------------------------------
// ListItems.

TEST_P(ItemStoreContractTest, ListsNewestFirstWithTiesOnCreatedAtOrderedByItemIdDescending) {
  // Made in an order unrelated to the expected one.
  MustCreate(NewItem(kAlice, "itm_c", EveryField(), kT0 + 1));
  MustCreate(NewItem(kAlice, "itm_d", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0 + 1));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0 + 2));
  MustCreate(NewItem(kAlice, "itm_e", EveryField(), kT0 + 1));

  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_b", "itm_e", "itm_c", "itm_a", "itm_d"}));
}

TEST_P(ItemStoreContractTest, OrderIsByCreatedAtNotUpdatedAt) {
  MustCreate(NewItem(kAlice, "itm_old", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_new", EveryField(), kT0 + 1));
  ASSERT_TRUE(Succeeded(RunTask(store().UpdateItem(kAlice, "itm_old", Patch().Name("Touched"), kT0 + 5))));
  MustCreate(NewItem(kAlice, "itm_new", Fields("Replaced", "tops"), kT0 + 6), CreateOutcome::kReplaced);

  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_new", "itm_old"}));
}

// Alice's wardrobe of eight items with a mix of seasons and categories,
// and two of Bob's that match the same filters.
class ItemStoreFilterTest : public ItemStoreContractTest {
 protected:
  void SetUp() override {
    ItemStoreContractTest::SetUp();
    MustCreate(NewItem(kAlice, "itm_01", Fields("Parka", "outerwear", "winter"), kT0 + 1));
    MustCreate(NewItem(kAlice, "itm_02", Fields("Linen shirt", "tops", "summer"), kT0 + 2));
    MustCreate(NewItem(kAlice, "itm_03", Fields("Wool sweater", "tops", "winter"), kT0 + 3));
    MustCreate(NewItem(kAlice, "itm_04", Fields("Jeans", "bottoms"), kT0 + 4));
    MustCreate(NewItem(kAlice, "itm_05", Fields("Thermal tee", "tops", "winter"), kT0 + 5));
    MustCreate(NewItem(kAlice, "itm_06", Fields("Rain jacket", "outerwear", "autumn"), kT0 + 5));
    MustCreate(NewItem(kAlice, "itm_07", Fields("Tank top", "tops", "summer"), kT0 + 7));
    MustCreate(NewItem(kAlice, "itm_08", Fields("Scarf", "accessories", "winter"), kT0 + 8));
    // Bob's items match the same filters and must never show up for Alice.
    MustCreate(NewItem(kBob, "itm_90", Fields("Bob's sweater", "tops", "winter"), kT0 + 3));
    MustCreate(NewItem(kBob, "itm_91", Fields("Bob's parka", "outerwear", "winter"), kT0 + 9));
  }
};

TEST_P(ItemStoreFilterTest, SeasonFilterKeepsOnlyThatSeason) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, "winter")),
            (std::vector<std::string>{"itm_08", "itm_05", "itm_03", "itm_01"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, "summer")), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_TRUE(AllItems(kAlice, "spring").empty());
}

TEST_P(ItemStoreFilterTest, CategoryFilterMatchesExactly) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, std::nullopt, "tops")),
            (std::vector<std::string>{"itm_07", "itm_05", "itm_03", "itm_02"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, std::nullopt, "outerwear")),
            (std::vector<std::string>{"itm_06", "itm_01"}));
  EXPECT_TRUE(AllItems(kAlice, std::nullopt, "Tops").empty());
  EXPECT_TRUE(AllItems(kAlice, std::nullopt, "top").empty());
}

TEST_P(ItemStoreFilterTest, SeasonAndCategoryTogether) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, "winter", "tops")), (std::vector<std::string>{"itm_05", "itm_03"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, "summer", "tops")), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_TRUE(AllItems(kAlice, "summer", "outerwear").empty());
}

TEST_P(ItemStoreFilterTest, NoFilterListsEverythingOfTheUserOnly) {
  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_08", "itm_07", "itm_06", "itm_05",
                                                               "itm_04", "itm_03", "itm_02", "itm_01"}));
  EXPECT_EQ(IdsOf(AllItems(kBob)), (std::vector<std::string>{"itm_91", "itm_90"}));
}

TEST_P(ItemStoreFilterTest, FilteredPagesAreFullAndConcatenateExactlyOnce) {
  for (int limit : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, "winter", std::nullopt, std::nullopt, limit})),
              IdsOf(AllItems(kAlice, "winter")));
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, std::nullopt, "tops", std::nullopt, limit})),
              IdsOf(AllItems(kAlice, std::nullopt, "tops")));
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, "winter", "tops", std::nullopt, limit})),
              IdsOf(AllItems(kAlice, "winter", "tops")));
  }
}

TEST_P(ItemStoreFilterTest, HasMoreCountsOnlyMatchingItems) {
  // Two summer items, and older non-summer items after them.
  ItemPage exactly_two = MustList(ListItemsQuery{kAlice, "summer", std::nullopt, std::nullopt, 2});
  EXPECT_EQ(IdsOf(exactly_two.items), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_FALSE(exactly_two.has_more);

  ItemPage one_of_two = MustList(ListItemsQuery{kAlice, "summer", std::nullopt, std::nullopt, 1});
  EXPECT_EQ(IdsOf(one_of_two.items), std::vector<std::string>{"itm_07"});
  EXPECT_TRUE(one_of_two.has_more);
}

TEST_P(ItemStoreContractTest, HasMoreIsTrueExactlyWhenMoreItemsExist) {
  for (int i = 0; i < 3; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i));

  EXPECT_TRUE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 2}).has_more);
  EXPECT_FALSE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 3}).has_more);
  EXPECT_FALSE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 4}).has_more);
  // Exactly `limit` items left after the position.
  ItemPage rest =
      MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, CursorPosition{kT0 + 2, "itm_0002"}, 2});
  EXPECT_EQ(IdsOf(rest.items), (std::vector<std::string>{"itm_0001", "itm_0000"}));
  EXPECT_FALSE(rest.has_more);
}

TEST_P(ItemStoreContractTest, EmptyListHasNoMore) {
  ItemPage page = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 20});
  EXPECT_TRUE(page.items.empty());
  EXPECT_FALSE(page.has_more);
}

TEST_P(ItemStoreContractTest, AfterStartsStrictlyAfterThePositionIncludingWithinATie) {
  for (const char* id : {"itm_a", "itm_b", "itm_c"}) MustCreate(NewItem(kAlice, id, EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_z", EveryField(), kT0 - 1));

  auto after = [&](std::int64_t ms, std::string id) {
    return IdsOf(
        MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, CursorPosition{ms, std::move(id)}, 10})
            .items);
  };
  EXPECT_EQ(after(kT0, "itm_c"), (std::vector<std::string>{"itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0, "itm_b"), (std::vector<std::string>{"itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0, "itm_a"), (std::vector<std::string>{"itm_z"}));
  // A position need not be an existing item.
  EXPECT_EQ(after(kT0, "itm_bb"), (std::vector<std::string>{"itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0 + 1, ""), (std::vector<std::string>{"itm_c", "itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0 - 1, "itm_z"), std::vector<std::string>{});
}

TEST_P(ItemStoreContractTest, PagesConcatenateToEveryItemExactlyOnce) {
  // 23 items, four to a millisecond, ids not in time order.
  for (int i = 0; i < 23; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_", (i * 7) % 23), EveryField(), kT0 + i / 4));
  }
  const std::vector<std::string> everything = IdsOf(AllItems(kAlice));
  ASSERT_EQ(everything.size(), 23u);
  ASSERT_EQ(std::set<std::string>(everything.begin(), everything.end()).size(), 23u);

  for (int limit : {1, 2, 4, 5, 7, 22, 23, 24, 100}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, limit})),
              everything);
  }
}

TEST_P(ItemStoreContractTest, PagingContinuesAfterTheLastSeenItemIsDeletedOrNewItemsArrive) {
  for (int i = 0; i < 9; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i));

  ItemPage first = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 3});
  ASSERT_EQ(IdsOf(first.items), (std::vector<std::string>{"itm_0008", "itm_0007", "itm_0006"}));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_0006"))));
  MustCreate(NewItem(kAlice, "itm_0099", EveryField(), kT0 + 100));
  const CursorPosition position{first.items.back().created_at_ms, first.items.back().item_id};

  ItemPage second = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, position, 3});
  EXPECT_EQ(IdsOf(second.items), (std::vector<std::string>{"itm_0005", "itm_0004", "itm_0003"}));
  EXPECT_TRUE(second.has_more);
}

TEST_P(ItemStoreContractTest, AnotherUsersItemsNeverAppear) {
  for (int i = 0; i < 6; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_a", i), Fields("A", "tops", "winter"), kT0 + i));
    MustCreate(NewItem(kBob, Numbered("itm_b", i), Fields("B", "tops", "winter"), kT0 + i));
  }

  for (int limit : {1, 4, 100}) {
    for (const Item& item : WalkItems(ListItemsQuery{kAlice, "winter", "tops", std::nullopt, limit})) {
      EXPECT_EQ(item.user_id, kAlice) << item.item_id;
    }
  }
  EXPECT_EQ(AllItems(kAlice).size(), 6u);
  EXPECT_TRUE(AllItems("usr_nobody").empty());
}

// ---------------------------------------------------------------------------
// ListActivities.

TEST_P(ItemStoreContractTest, ActivitiesAreNewestFirstWithTiesOrderedByActivityIdDescending) {
  auto create = [&](const char* item_id, const char* activity_id, std::int64_t now_ms) {
    CreateItemCommand command = NewItem(kAlice, item_id, EveryField(), now_ms);
    command.activity_id = activity_id;
    MustCreate(std::move(command));
  };
  create("itm_1", "act_b", kT0 + 1);
  create("itm_2", "act_e", kT0);
  create("itm_3", "act_a", kT0 + 1);
  create("itm_4", "act_d", kT0 + 2);
  create("itm_5", "act_c", kT0 + 1);

  EXPECT_EQ(IdsOf(AllActivities(kAlice)),
            (std::vector<std::string>{"act_d", "act_c", "act_b", "act_a", "act_e"}));
}

TEST_P(ItemStoreContractTest, ActivityPagesConcatenateExactlyOnceAndHasMoreIsExact) {
  for (int i = 0; i < 11; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i / 3));
  MustCreate(NewItem(kBob, "itm_bob", EveryField(), kT0 + 1));
  const std::vector<std::string> everything = IdsOf(AllActivities(kAlice));
  ASSERT_EQ(everything.size(), 11u);

  for (int limit : {1, 2, 3, 10, 11, 12}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkActivities(ListActivitiesQuery{kAlice, std::nullopt, limit})), everything);
  }
  EXPECT_FALSE(MustListActivities(ListActivitiesQuery{kAlice, std::nullopt, 11}).has_more);
  EXPECT_TRUE(MustListActivities(ListActivitiesQuery{kAlice, std::nullopt, 10}).has_more);
}

TEST_P(ItemStoreContractTest, AnotherUsersActivitiesNeverAppear) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));

  const std::vector<Activity> alices = AllActivities(kAlice);
  ASSERT_EQ(alices.size(), 1u);
  EXPECT_EQ(alices[0].item_id, "itm_a");
  EXPECT_EQ(alices[0].user_id, kAlice);
  EXPECT_TRUE(AllActivities("usr_nobody").empty());
  EXPECT_FALSE(MustListActivities(ListActivitiesQuery{"usr_nobody", std::nullopt, 20}).has_more);
}

// ---------------------------------------------------------------------------
// Ping, durability, concurrency.

TEST_P(ItemStoreContractTest, PingSucceeds) { EXPECT_TRUE(Succeeded(RunTask(store().Ping()))); }

TEST_P(ItemStoreContractTest, DataSurvivesClosingAndReopening) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  MustCreate(NewItem(kAlice, "itm_2", Fields("Tee", "tops", "summer"), kT0 + 1));
  MustCreate(NewItem(kBob, "itm_3", Fields("Cap", "accessories"), kT0 + 2));
  ASSERT_TRUE(Succeeded(RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Color(SetTo("red")), kT0 + 3))));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_2"))));
  const std::vector<Item> items = AllItems(kAlice);
  const std::vector<Activity> activities = AllActivities(kAlice);
  const Item bobs = MustGet("itm_3");

  Reopen();

  EXPECT_EQ(AllItems(kAlice), items);
  EXPECT_EQ(AllActivities(kAlice), activities);
  EXPECT_EQ(MustGet("itm_3"), bobs);
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_2")), ErrorCode::kNotFound));
  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_9", EveryField(), kT0 + 4, "key-1", "fp-1")));
  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item.fields.color, "red");
}

// One caller's session: creates `count` items and reads each back.
Task<int> CreateAndReadBack(ItemStore& store, std::string user_id, int count) {
  int confirmed = 0;
  for (int i = 0; i < count; ++i) {
    CreateItemCommand command;
    command.user_id = user_id;
    command.item_id = user_id + Numbered("_itm_", i);
    command.fields = Fields("Thing", "misc");
    command.activity_id = user_id + Numbered("_act_", i);
    command.now_ms = kT0 + i;
    Result<CreateItemResult> created = co_await store.CreateItem(std::move(command));
    if (!created.ok()) continue;
    Result<Item> read = co_await store.GetItem(created->item.item_id);
    // Named, not a braced temporary inside the co_await: GCC 12 destroys
    // such temporaries twice.
    ListItemsQuery newest{user_id, std::nullopt, std::nullopt, std::nullopt, 1};
    Result<ItemPage> listed = co_await store.ListItems(std::move(newest));
    if (read.ok() && *read == created->item && listed.ok() && !listed->items.empty() &&
        listed->items[0].item_id == created->item.item_id) {
      ++confirmed;
    }
  }
  co_return confirmed;
}

TEST_P(ItemStoreContractTest, CallsFromManyThreadsAtOnceAreSafe) {
  constexpr int kThreads = 4;
  constexpr int kItemsEach = 15;
  std::vector<int> confirmed(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &confirmed] {
      confirmed[static_cast<std::size_t>(t)] =
          RunTask(CreateAndReadBack(store(), Numbered("usr_", t), kItemsEach));
    });
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(confirmed[static_cast<std::size_t>(t)], kItemsEach) << "thread " << t;
    EXPECT_EQ(AllItems(Numbered("usr_", t)).size(), static_cast<std::size_t>(kItemsEach));
  }
}

// ---------------------------------------------------------------------------
// Adapters. A new adapter adds one line here.

std::vector<Adapter> AllAdapters() {
  using Durability = sqlite::Connection::Durability;
  return {
      Adapter{"SqliteNormal", [] { return std::make_unique<SqliteBackend>(Durability::kNormal); }},
      Adapter{"SqliteFull", [] { return std::make_unique<SqliteBackend>(Durability::kFull); }},
  };
}

std::string AdapterName(const ::testing::TestParamInfo<Adapter>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Adapters, ItemStoreContractTest, ::testing::ValuesIn(AllAdapters()), AdapterName);
INSTANTIATE_TEST_SUITE_P(Adapters, ItemStoreFilterTest, ::testing::ValuesIn(AllAdapters()), AdapterName);

// ---------------------------------------------------------------------------
// What only the SQLite adapter promises (sqlite_item_store.hpp).

TEST(SqliteItemStoreTest, AfterCloseEveryCallIsUnavailable) {
  wdrbe::testing::TempDir dir;
  auto store = sqlite::SqliteItemStore::Open(
      sqlite::StoreOptions{.path = (dir.path() / "items.db").string(),
                           .durability = sqlite::Connection::Durability::kNormal,
                           .read_connections = 1});
  ASSERT_TRUE(Succeeded(store));
  sqlite::SqliteItemStore& s = **store;

  s.Close();
  s.Close();  // idempotent

  CreateItemCommand command;
  command.user_id = kAlice;
  command.item_id = "itm_1";
  command.fields = Fields("Tee", "tops");
  command.activity_id = "act_1";
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
  EXPECT_TRUE(FailedWith(RunTask(s.Ping()), ErrorCode::kUnavailable));
}

TEST(SqliteItemStoreTest, OpenFailsWhenTheFileCannotBeCreated) {
  wdrbe::testing::TempDir dir;
  auto store = sqlite::SqliteItemStore::Open(
      sqlite::StoreOptions{.path = (dir.path() / "no-such-dir" / "items.db").string(),
                           .durability = sqlite::Connection::Durability::kNormal,
                           .read_connections = 1});
  EXPECT_TRUE(FailedWith(store, ErrorCode::kUnavailable));
}

}  // namespace
}  // namespace wdrbe
