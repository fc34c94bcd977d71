// What the contract suites run on. A backend opens the three ports (item
// store, share queue, dead letters) over one directory, and declares what
// it promises beyond them; the suites that check such a promise are
// instantiated only for the backends that declare it (contract_suites.hpp).
// An adapter joins with one instantiation file beside it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/atomic_share_sender.hpp"
#include "wdrbe/queue/atomic_share_settler.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::contract {

struct OpenedBackend {
  ItemStore* store = nullptr;
  ShareQueue* queue = nullptr;
  DeadLetterQueue* dead_letters = nullptr;
  // Set where the store and the queue commit in one transaction (the
  // embedded backend): the fast paths that admit and send a share, and
  // apply and delete a delivery, in one commit each.
  AtomicShareSender* sender = nullptr;
  AtomicShareSettler* settler = nullptr;
  std::shared_ptr<void> keep_alive;  // owns the ports; dropping it closes them
};

struct BackendUnderTest {
  std::string name;  // letters, digits and '_': it ends every test name
  // Opens the ports over `dir`, which outlives them. `clock` is the time the
  // ports must follow if the queue declares injected_clock; `random` draws
  // handles and ids; a failed delivery that was the `max_receives`th is
  // dead-lettered.
  std::function<OpenedBackend(const testing::TempDir& dir, testing::FakeClock& clock, RandomSource& random,
                              int max_receives)>
      open;
  // What open(...).queue->capabilities() answers (a contract test checks
  // that it does); it decides which suites run.
  QueueCapabilities queue_capabilities;
  // The reopen hook: `open` again over the same directory, once the last
  // ports' keep-alive is gone, finds everything they wrote.
  bool survives_reopen = false;
  // `open` sets OpenedBackend::sender and OpenedBackend::settler.
  bool atomic_share_sender = false;
  bool atomic_share_settler = false;
  // The store keeps an applied event's marker for as long as the event can
  // still be delivered, however late (the embedded store sees its own queue
  // and dead letters). A store apart from its queue keeps markers for a
  // fixed retention instead (DynamoDB: a TTL), so an event that comes back
  // after it (a dead letter redriven a month later) would apply again.
  bool markers_outlive_deliveries = false;
};

inline void PrintTo(const BackendUnderTest& backend, std::ostream* os) { *os << backend.name; }

inline std::string BackendName(const ::testing::TestParamInfo<BackendUnderTest>& info) {
  return info.param.name;
}

// What a suite needs of a backend beyond the ports.
inline bool AnyBackend(const BackendUnderTest&) { return true; }
inline bool HasExactDepth(const BackendUnderTest& b) { return b.queue_capabilities.exact_depth; }
inline bool HasInjectedClock(const BackendUnderTest& b) { return b.queue_capabilities.injected_clock; }
inline bool DetectsStaleHandles(const BackendUnderTest& b) {
  return b.queue_capabilities.detects_stale_handles;
}
inline bool HasUncountedRelease(const BackendUnderTest& b) { return b.queue_capabilities.uncounted_release; }
inline bool HasFullFailureHistory(const BackendUnderTest& b) {
  return b.queue_capabilities.full_failure_history;
}
inline bool HasDeduplicatedSends(const BackendUnderTest& b) {
  return b.queue_capabilities.deduplicated_sends;
}
inline bool SurvivesReopen(const BackendUnderTest& b) { return b.survives_reopen; }
inline bool HasAtomicShareSender(const BackendUnderTest& b) { return b.atomic_share_sender; }
inline bool HasAtomicShareSettler(const BackendUnderTest& b) { return b.atomic_share_settler; }
// Late redeliveries need the injected clock to be late at all.
inline bool SurvivesLateRedelivery(const BackendUnderTest& b) {
  return b.queue_capabilities.injected_clock && b.markers_outlive_deliveries;
}

inline std::vector<BackendUnderTest> BackendsWhere(const std::vector<BackendUnderTest>& backends,
                                                   bool (*declares)(const BackendUnderTest&)) {
  std::vector<BackendUnderTest> chosen;
  for (const BackendUnderTest& backend : backends) {
    if (declares(backend)) chosen.push_back(backend);
  }
  return chosen;
}

}  // namespace wdrbe::contract
