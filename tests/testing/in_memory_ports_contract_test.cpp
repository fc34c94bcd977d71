// The in-memory fakes on the contract suites: proof that the ports can be
// kept without any engine's help, and that the fakes are fit to stand in
// for the real adapters in other tests.
#include <memory>

#include "contract/contract_suites.hpp"
#include "testing/in_memory_dead_letter_queue.hpp"
#include "testing/in_memory_item_store.hpp"
#include "testing/in_memory_share_queue.hpp"

namespace wdrbe::contract {
namespace {

OpenedBackend OpenInMemory(const testing::TempDir&, testing::FakeClock& clock, RandomSource&,
                           int max_receives) {
  struct Ports {
    Ports(const Clock& clock, int max_receives) : queue(clock, max_receives), dead_letters(queue) {}
    testing::InMemoryItemStore store;
    testing::InMemoryShareQueue queue;
    testing::InMemoryDeadLetterQueue dead_letters;
  };
  auto ports = std::make_shared<Ports>(clock, max_receives);
  return OpenedBackend{.store = &ports->store,
                       .queue = &ports->queue,
                       .dead_letters = &ports->dead_letters,
                       .keep_alive = ports};
}

std::vector<BackendUnderTest> InMemoryBackends() {
  return {BackendUnderTest{.name = "Fakes",
                           .open = OpenInMemory,
                           .queue_capabilities = {.exact_depth = true,
                                                  .injected_clock = true,
                                                  .detects_stale_handles = true,
                                                  .uncounted_release = true,
                                                  .full_failure_history = true,
                                                  .deduplicated_sends = true},
                           .survives_reopen = false,
                           .atomic_share_sender = false,
                           .atomic_share_settler = false,
                           .markers_outlive_deliveries = true}};
}

}  // namespace

WDRBE_INSTANTIATE_CONTRACT_SUITES(InMemory, InMemoryBackends());

}  // namespace wdrbe::contract
