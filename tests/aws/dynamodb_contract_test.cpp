// The DynamoDB item store on the contract suites, on DynamoDB Local: a fresh
// table per test, with the in-memory share queue and dead letters (the
// suites of the queue run on them too, as the queue's own capabilities
// say). Reopening over the same test directory opens a new store over the
// same table and finds the same queue.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/dynamodb_test_clients.hpp"
#include "contract/contract_suites.hpp"
#include "testing/in_memory_dead_letter_queue.hpp"
#include "testing/in_memory_share_queue.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_item_store.hpp"

namespace wdrbe::contract {
namespace {

struct InMemoryQueues {
  InMemoryQueues(const Clock& clock, int max_receives) : queue(clock, max_receives), dead_letters(queue) {}
  testing::InMemoryShareQueue queue;
  testing::InMemoryDeadLetterQueue dead_letters;
};

// What outlives the ports of one test directory: its table, and the queue
// that stands in for SQS (kept as SQS would keep it).
struct DirectoryState {
  std::string table;
  std::shared_ptr<InMemoryQueues> queues;
};

struct DynamoDbPorts {
  DynamoDbPorts(const std::string& table, std::shared_ptr<InMemoryQueues> shared_queues)
      : store(dynamodb::testing::EngineClients(), table), queues(std::move(shared_queues)) {}
  dynamodb::DynamoDbItemStore store;
  std::shared_ptr<InMemoryQueues> queues;
};

DirectoryState& StateOf(const testing::TempDir& dir, testing::FakeClock& clock, int max_receives) {
  static std::mutex mutex;
  static std::map<std::string, DirectoryState> states;
  const std::lock_guard<std::mutex> lock(mutex);
  DirectoryState& state = states[dir.path().string()];
  if (state.table.empty()) {
    state.table = dynamodb::testing::NewTable("contract");
    state.queues = std::make_shared<InMemoryQueues>(clock, max_receives);
  }
  return state;
}

OpenedBackend OpenDynamoDbLocal(const testing::TempDir& dir, testing::FakeClock& clock, RandomSource&,
                                int max_receives) {
  const DirectoryState& state = StateOf(dir, clock, max_receives);
  auto ports = std::make_shared<DynamoDbPorts>(state.table, state.queues);
  return OpenedBackend{.store = &ports->store,
                       .queue = &ports->queues->queue,
                       .dead_letters = &ports->queues->dead_letters,
                       .keep_alive = ports};
}

std::vector<BackendUnderTest> DynamoDbBackends() {
  return {BackendUnderTest{.name = "DynamoDbLocal",
                           .open = OpenDynamoDbLocal,
                           // The in-memory queue's (the DynamoDB store is under test).
                           .queue_capabilities = {.exact_depth = true,
                                                  .injected_clock = true,
                                                  .detects_stale_handles = true,
                                                  .uncounted_release = true,
                                                  .full_failure_history = true,
                                                  .deduplicated_sends = true},
                           .survives_reopen = true,
                           .atomic_share_sender = false,
                           .atomic_share_settler = false,
                           // Markers are kept for good (table_layout.hpp).
                           .markers_outlive_deliveries = true}};
}

}  // namespace

WDRBE_INSTANTIATE_CONTRACT_SUITES(DynamoDb, DynamoDbBackends());

// Suites of promises this binary's only backend does not make.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AtomicShareSenderTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AtomicShareSettlerTest);

}  // namespace wdrbe::contract
