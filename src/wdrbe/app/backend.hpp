// A backend: the store and queue ports of one engine, opened from
// configuration by OpenBackend (backends.cpp), with the hooks the process
// runs around them. The rest of the program sees only the ports.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/faults.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/observability/metrics.hpp"
#include "wdrbe/queue/atomic_share_sender.hpp"
#include "wdrbe/queue/atomic_share_settler.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/activity_watcher.hpp"
#include "wdrbe/storage/image_store.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::app {

// What every backend may draw on; each outlives the backend.
struct BackendDependencies {
  const Clock& clock;
  RandomSource& random;
  std::shared_ptr<const FaultInjector> faults;  // optional (WDRBE_FAULTS)
};

struct Backend {
  ItemStore* store = nullptr;
  ShareQueue* queue = nullptr;
  DeadLetterQueue* dead_letters = nullptr;
  // Set where the store and the queue share transactions (optional).
  AtomicShareSender* atomic_sender = nullptr;
  AtomicShareSettler* atomic_settler = nullptr;
  // Pushes new activities to live streams (optional: without it, streams
  // poll the store; polling_activity_watcher.hpp).
  ActivityWatcher* activity_watcher = nullptr;
  // Where item photos go (optional: without it, the photo routes answer
  // 503 and say which setting is missing).
  ImageStore* images = nullptr;
  // The key that signs list cursors when no --cursor-key-file is given:
  // made once and kept where every process of the backend finds it (the
  // embedded data directory, the AWS table).
  std::function<Result<std::string>()> load_cursor_key;
  // What the start-up line says the backend is ("data directory ./x",
  // "DynamoDB table T, SQS queue U").
  std::string description;
  // Adds the backend's own series to /metrics (optional).
  std::function<void(obs::Registry&)> register_metrics;
  // Runs once before this process's share worker starts.
  std::function<Task<Status>()> before_worker_starts;
  // Completes queued work and stops the backend's threads; later calls to
  // the ports fail with kUnavailable. Idempotent.
  std::function<void()> close;
  // Owns the adapters behind the pointers.
  std::shared_ptr<void> adapters;
};

}  // namespace wdrbe::app
