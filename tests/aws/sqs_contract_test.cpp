// The SQS share queue and dead-letter queue on the contract suites, on
// fauxqs: fresh queues per test, paired with the in-memory item store (the
// suites' store tests are the DynamoDB store's business). Leases and delays
// follow fauxqs's clock, so the suites that move the FakeClock do not run
// here (injected_clock is false), nor those of the promises SQS does not
// make (share_queue.hpp's capabilities).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract/contract_suites.hpp"
#include "testing/aws_local_engines.hpp"
#include "testing/in_memory_item_store.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/queue/sqs/queue_setup.hpp"
#include "wdrbe/queue/sqs/sqs_dead_letter_queue.hpp"
#include "wdrbe/queue/sqs/sqs_share_queue.hpp"

namespace wdrbe::contract {
namespace {

struct FauxqsPorts {
  static std::shared_ptr<FauxqsPorts> Open(int max_receives) {
    auto ports = std::make_shared<FauxqsPorts>();
    auto clients =
        aws::AwsClients::Create(testing::AwsLocalEngines::Get().Env(), ports->clock, ports->random);
    if (!clients.ok()) throw std::runtime_error("AWS clients: " + clients.error().message);
    ports->clients = std::move(*clients);
    Result<sqs::SqsQueues> queues = testing::RunTask(
        sqs::EnsureQueues(*ports->clients, testing::AwsLocalEngines::UniqueName("contract"), max_receives));
    if (!queues.ok()) throw std::runtime_error("EnsureQueues: " + queues.error().message);
    ports->queue = std::make_unique<sqs::SqsShareQueue>(
        *ports->clients, *queues, sqs::SqsQueueOptions{.max_receives = max_receives, .wait_time_seconds = 0},
        ports->clock);
    // fauxqs answers a receive exactly, so listings need no long polling.
    ports->dead_letters = std::make_unique<sqs::SqsDeadLetterQueue>(
        *ports->clients, *queues, sqs::SqsDeadLetterOptions{.list_wait_time_seconds = 0});
    return ports;
  }

  SystemClock clock;
  SecureRandom random;
  std::unique_ptr<aws::AwsClients> clients;
  testing::InMemoryItemStore store;
  std::unique_ptr<sqs::SqsShareQueue> queue;
  std::unique_ptr<sqs::SqsDeadLetterQueue> dead_letters;
};

OpenedBackend OpenFauxqs(const testing::TempDir&, testing::FakeClock&, RandomSource&, int max_receives) {
  std::shared_ptr<FauxqsPorts> ports = FauxqsPorts::Open(max_receives);
  return OpenedBackend{.store = &ports->store,
                       .queue = ports->queue.get(),
                       .dead_letters = ports->dead_letters.get(),
                       .keep_alive = ports};
}

std::vector<BackendUnderTest> FauxqsBackends() {
  return {BackendUnderTest{.name = "Fauxqs", .open = OpenFauxqs, .queue_capabilities = {}}};
}

}  // namespace

WDRBE_INSTANTIATE_CONTRACT_SUITES(Sqs, FauxqsBackends());

// The suites of what no backend of this binary declares: SQS's promises
// stop short of them (share_queue.hpp), and nothing here reopens data or
// commits store and queue at once.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ShareQueueTimingTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeadLetterTimingTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QueueDepthTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ShareQueueStaleHandleTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ShareQueueUncountedReleaseTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeadLetterHistoryTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DeadLetterDeduplicationTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DurabilityTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AtomicShareSenderTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AtomicShareSettlerTest);

}  // namespace wdrbe::contract
