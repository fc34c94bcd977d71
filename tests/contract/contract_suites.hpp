// The contract suites: one fixture per topic, each instantiated for every
// backend that declares what the topic needs. The tests themselves are in
// the *_suite.hpp headers, compiled once (the *_suites_test.cpp files), since a
// value-parameterised test may be defined in only one place of a binary;
// an adapter's instantiation file includes this header only:
//
//   namespace wdrbe::contract {
//   WDRBE_INSTANTIATE_CONTRACT_SUITES(Sqlite, SqliteBackends());
//   }
#pragma once

#include "contract/contract_fixture.hpp"

namespace wdrbe::contract {

// Run on every backend.
class ItemStoreCreateTest : public ContractTest {};  // item_store_create_suite.hpp
class ItemStoreEditTest : public ContractTest {};    // item_store_edit_suite.hpp
class ItemStoreListTest : public ContractTest {};    // item_store_list_suite.hpp
class ItemStoreShareTest : public ContractTest {};   // item_store_share_suite.hpp
class ShareQueueTest : public ContractTest {};       // share_queue_suite.hpp
class DeadLetterQueueTest : public ContractTest {};  // dead_letter_suite.hpp
class SharePipelineTest : public ContractTest {};    // share_pipeline_suite.hpp

// Alice's wardrobe of eight items with a mix of seasons and categories, and
// two of Bob's that match the same filters (item_store_list_suite.hpp).
class ItemStoreFilterTest : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    MustCreate(NewItem(kAlice, "itm_01", Fields("Parka", "outerwear", "winter"), kT0 + 1));
    MustCreate(NewItem(kAlice, "itm_02", Fields("Linen shirt", "tops", "summer"), kT0 + 2));
    MustCreate(NewItem(kAlice, "itm_03", Fields("Wool sweater", "tops", "winter"), kT0 + 3));
    MustCreate(NewItem(kAlice, "itm_04", Fields("Jeans", "bottoms"), kT0 + 4));
    MustCreate(NewItem(kAlice, "itm_05", Fields("Thermal tee", "tops", "winter"), kT0 + 5));
    MustCreate(NewItem(kAlice, "itm_06", Fields("Rain jacket", "outerwear", "autumn"), kT0 + 5));
    MustCreate(NewItem(kAlice, "itm_07", Fields("Tank top", "tops", "summer"), kT0 + 7));
    MustCreate(NewItem(kAlice, "itm_08", Fields("Scarf", "accessories", "winter"), kT0 + 8));
    MustCreate(NewItem(kBob, "itm_90", Fields("Bob's sweater", "tops", "winter"), kT0 + 3));
    MustCreate(NewItem(kBob, "itm_91", Fields("Bob's parka", "outerwear", "winter"), kT0 + 9));
  }
};

// Alice's items for searches: a name match, accents, a colour match, and
// Bob's item that would match the same words (item_store_search_suite.hpp).
class ItemStoreSearchTest : public ContractTest {
 protected:
  SearchPage MustSearch(const std::string& user_id, std::string_view q, int limit = 100,
                        std::optional<SearchPosition> after = std::nullopt,
                        std::optional<std::string> season = std::nullopt,
                        std::optional<std::string> category = std::nullopt) {
    Result<std::vector<std::string>> terms = ParseSearchTerms(q);
    if (!terms.ok())
      throw std::runtime_error("terms of '" + std::string(q) + "': " + Describe(terms.status()));
    SearchItemsQuery query{
        user_id, std::move(*terms), std::move(season), std::move(category), std::move(after), limit};
    Result<SearchPage> page = RunTask(store().SearchItems(std::move(query)));
    if (!page.ok())
      throw std::runtime_error("searching '" + std::string(q) + "': " + Describe(page.status()));
    return std::move(*page);
  }

  // Every match, following `next` page after page.
  std::vector<std::string> FoundIds(const std::string& user_id, std::string_view q, int limit = 100,
                                    std::optional<std::string> season = std::nullopt,
                                    std::optional<std::string> category = std::nullopt) {
    std::vector<std::string> ids;
    std::optional<SearchPosition> after;
    for (int pages = 0; pages < 1000; ++pages) {
      SearchPage page = MustSearch(user_id, q, limit, after, season, category);
      if (static_cast<int>(page.items.size()) > limit) throw std::runtime_error("a page over its limit");
      for (const Item& item : page.items) ids.push_back(item.item_id);
      if (!page.next) return ids;
      after = std::move(page.next);
    }
    throw std::runtime_error("a search that never ends");
  }

  void SetUp() override {
    ContractTest::SetUp();
    ItemFields blazer = Fields("Navy Blazer", "outerwear", "autumn");
    blazer.brand = "Acme";
    MustCreate(NewItem(kAlice, "itm_blazer", blazer, kT0 + 1));
    ItemFields robe = Fields("Robe d'été", "dresses", "summer");
    robe.color = "Bleu marine";
    MustCreate(NewItem(kAlice, "itm_robe", robe, kT0 + 2));
    ItemFields shoes = Fields("Canvas shoes", "footwear", "summer");
    shoes.color = "navy";
    MustCreate(NewItem(kAlice, "itm_shoes", shoes, kT0 + 3));
    MustCreate(NewItem(kAlice, "itm_parka", Fields("NAVY parka", "outerwear", "winter"), kT0 + 4));
    MustCreate(NewItem(kBob, "itm_bob_navy", Fields("Navy blazer", "outerwear", "autumn"), kT0 + 5));
  }
};

// Run only where the queue follows the injected clock: leases that end and
// delays that pass when the test moves the FakeClock, and the times the
// queue stamps (share_queue_timing_suite.hpp, dead_letter_suite.hpp).
class ShareQueueTimingTest : public ContractTest {};
class DeadLetterTimingTest : public ContractTest {};

// Run only where the queue follows the injected clock and the store keeps
// applied markers while their events can come back (dead_letter_suite.hpp).
class LateRedeliveryTest : public ContractTest {};

// Run only where Depth() is exact (share_queue_suite.hpp, dead_letter_suite.hpp).
class QueueDepthTest : public ContractTest {};

// Run only where the queue declares the promise beyond what SQS gives
// (QueueCapabilities): stale handles answered kLeaseLost, releases that do
// not count (share_queue_suite.hpp); every failure in a dead letter's
// history, sends of a still-queued event id that are no-ops
// (dead_letter_suite.hpp).
class ShareQueueStaleHandleTest : public ContractTest {};
class ShareQueueUncountedReleaseTest : public ContractTest {};
class DeadLetterHistoryTest : public ContractTest {};
class DeadLetterDeduplicationTest : public ContractTest {};

// Run only where data survives closing and reopening (durability_suite.hpp).
class DurabilityTest : public ContractTest {};

// Run only where the backend has the fast paths of one commit
// (atomic_share_sender_suite.hpp, atomic_share_settler_suite.hpp).
class AtomicShareSenderTest : public ContractTest {};
class AtomicShareSettlerTest : public ContractTest {};

#define WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, suite, needs, backends)                          \
  INSTANTIATE_TEST_SUITE_P(                                                                       \
      prefix, suite,                                                                              \
      ::testing::ValuesIn(::wdrbe::contract::BackendsWhere(backends, &::wdrbe::contract::needs)), \
      ::wdrbe::contract::BackendName)

// Instantiates every suite for each of `backends` that declares what the
// suite needs. Use inside namespace wdrbe::contract.
#define WDRBE_INSTANTIATE_CONTRACT_SUITES(prefix, backends)                                                \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreCreateTest, AnyBackend, backends);                     \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreEditTest, AnyBackend, backends);                       \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreListTest, AnyBackend, backends);                       \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreFilterTest, AnyBackend, backends);                     \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreShareTest, AnyBackend, backends);                      \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ItemStoreSearchTest, AnyBackend, backends);                     \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ShareQueueTest, AnyBackend, backends);                          \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, DeadLetterQueueTest, AnyBackend, backends);                     \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, SharePipelineTest, AnyBackend, backends);                       \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ShareQueueTimingTest, HasInjectedClock, backends);              \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, DeadLetterTimingTest, HasInjectedClock, backends);              \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, LateRedeliveryTest, SurvivesLateRedelivery, backends);          \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, QueueDepthTest, HasExactDepth, backends);                       \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ShareQueueStaleHandleTest, DetectsStaleHandles, backends);      \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, ShareQueueUncountedReleaseTest, HasUncountedRelease, backends); \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, DeadLetterHistoryTest, HasFullFailureHistory, backends);        \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, DeadLetterDeduplicationTest, HasDeduplicatedSends, backends);   \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, DurabilityTest, SurvivesReopen, backends);                      \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, AtomicShareSenderTest, HasAtomicShareSender, backends);         \
  WDRBE_INSTANTIATE_CONTRACT_SUITE(prefix, AtomicShareSettlerTest, HasAtomicShareSettler, backends)

}  // namespace wdrbe::contract
