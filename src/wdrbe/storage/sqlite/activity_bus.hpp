// Who is waiting for a user's new activities in this process: the embedded
// store tells the bus after each commit that added an activity, and the
// bus wakes that user's streams, which then read what is new from the
// database (the database, not the signal, carries the activities, so a
// signal can never be lost in a way that loses an event). Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wdrbe/base/wakeup.hpp"

namespace wdrbe::sqlite {

class ActivityBus {
 public:
  // Keeps `wakeup` listening to `user_id` while it lives.
  class Listening {
   public:
    Listening(ActivityBus& bus, std::string user_id, std::shared_ptr<Wakeup> wakeup);
    ~Listening();
    Listening(const Listening&) = delete;
    Listening& operator=(const Listening&) = delete;

   private:
    ActivityBus& bus_;
    const std::string user_id_;
    const std::shared_ptr<Wakeup> wakeup_;
  };

  // Wakes every listener of `user_id`. Cheap when nobody listens at all.
  void Notify(const std::string& user_id);

 private:
  std::mutex mutex_;
  std::unordered_multimap<std::string, std::shared_ptr<Wakeup>> listeners_;  // guarded by mutex_
  std::atomic<std::size_t> listener_count_{0};
};

}  // namespace wdrbe::sqlite
