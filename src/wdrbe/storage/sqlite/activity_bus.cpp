#include "wdrbe/storage/sqlite/activity_bus.hpp"

namespace wdrbe::sqlite {

ActivityBus::Listening::Listening(ActivityBus& bus, std::string user_id, std::shared_ptr<Wakeup> wakeup)
    : bus_(bus), user_id_(std::move(user_id)), wakeup_(std::move(wakeup)) {
  std::lock_guard lock(bus_.mutex_);
  bus_.listeners_.emplace(user_id_, wakeup_);
  bus_.listener_count_.fetch_add(1);
}

ActivityBus::Listening::~Listening() {
  std::lock_guard lock(bus_.mutex_);
  auto [begin, end] = bus_.listeners_.equal_range(user_id_);
  for (auto it = begin; it != end; ++it) {
    if (it->second == wakeup_) {
      bus_.listeners_.erase(it);
      bus_.listener_count_.fetch_sub(1);
      return;
    }
  }
}

void ActivityBus::Notify(const std::string& user_id) {
  // Sequentially consistent with the count's increment: a listener this
  // load misses registered after the commit, so its first read of the
  // database (which follows its registration) sees the activity. And a
  // stream re-reads the database after every wait anyway, so even a lost
  // signal delays an event by one heartbeat at most, never drops it.
  if (listener_count_.load() == 0) return;
  std::lock_guard lock(mutex_);
  auto [begin, end] = listeners_.equal_range(user_id);
  for (auto it = begin; it != end; ++it) it->second->Signal();
}

}  // namespace wdrbe::sqlite
