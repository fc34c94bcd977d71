#include "wdrbe/api/stream_slots.hpp"

namespace wdrbe::api {

StreamSlots::Slot::~Slot() { slots_.GiveBack(user_id_); }

std::unique_ptr<StreamSlots::Slot> StreamSlots::TryTake(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  if (open_ >= limits_.max_streams) return nullptr;
  auto it = per_user_.find(user_id);
  if (it != per_user_.end() && it->second >= limits_.max_per_user) return nullptr;
  if (it == per_user_.end()) it = per_user_.emplace(user_id, 0).first;
  ++it->second;
  ++open_;
  if (open_gauge_ != nullptr) open_gauge_->Set(static_cast<double>(open_));
  return std::unique_ptr<Slot>(new Slot(*this, user_id));
}

std::size_t StreamSlots::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void StreamSlots::GiveBack(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = per_user_.find(user_id);
  if (it != per_user_.end() && --it->second == 0) per_user_.erase(it);
  --open_;
  if (open_gauge_ != nullptr) open_gauge_->Set(static_cast<double>(open_));
}

}  // namespace wdrbe::api
