// The caps on open activity streams: per server and per user. A stream
// holds a slot for as long as it is open; one over a cap is refused (429)
// before it subscribes, so a client cannot make the server hold more
// streams, subscriptions or wake-ups than the caps allow. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "wdrbe/observability/metrics.hpp"

namespace wdrbe::api {

inline constexpr std::size_t kDefaultMaxStreams = 1000;
inline constexpr std::size_t kDefaultMaxStreamsPerUser = 5;

struct StreamLimits {
  std::size_t max_streams = kDefaultMaxStreams;
  std::size_t max_per_user = kDefaultMaxStreamsPerUser;
};

class StreamSlots {
 public:
  // A slot held; given back when destroyed.
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class StreamSlots;
    Slot(StreamSlots& slots, std::string user_id) : slots_(slots), user_id_(std::move(user_id)) {}
    StreamSlots& slots_;
    const std::string user_id_;
  };

  // `open` (optional, outlives this) shows the streams open.
  StreamSlots(StreamLimits limits, obs::Gauge* open) : limits_(limits), open_gauge_(open) {}

  // A slot for one more stream of `user_id`; null when a cap is reached.
  std::unique_ptr<Slot> TryTake(const std::string& user_id);

  std::size_t open() const;

 private:
  void GiveBack(const std::string& user_id);

  const StreamLimits limits_;
  obs::Gauge* const open_gauge_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;                                   // guarded by mutex_
  std::unordered_map<std::string, std::size_t> per_user_;  // guarded by mutex_; no zero counts
};

}  // namespace wdrbe::api
