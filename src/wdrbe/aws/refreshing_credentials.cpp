#include "wdrbe/aws/refreshing_credentials.hpp"

namespace wdrbe::aws {

RefreshingCredentialsProvider::RefreshingCredentialsProvider(std::unique_ptr<CredentialsProvider> source,
                                                             const Clock& clock,
                                                             std::chrono::milliseconds refresh_margin)
    : source_(std::move(source)), clock_(clock), margin_ms_(refresh_margin.count()) {}

std::optional<Credentials> RefreshingCredentialsProvider::Usable(std::int64_t now_ms) {
  if (!cached_) return std::nullopt;
  if (!cached_->expiration_ms || now_ms < *cached_->expiration_ms - margin_ms_) return cached_;
  if (!cached_->ValidAt(now_ms)) return std::nullopt;
  // In the refresh window but still valid: let only one caller refresh,
  // and not more often than the retry interval after a failure.
  const bool failed_recently =
      last_failure_ms_ >= 0 &&
      now_ms - last_failure_ms_ < std::chrono::milliseconds(kCredentialsRetryInterval).count();
  if (refreshes_in_flight_ > 0 || failed_recently) return cached_;
  return std::nullopt;
}

Task<Result<Credentials>> RefreshingCredentialsProvider::Fetch() {
  {
    std::lock_guard lock(mutex_);
    if (auto usable = Usable(clock_.NowMillis())) co_return *usable;
    ++refreshes_in_flight_;
  }
  Result<Credentials> fetched = co_await source_->Fetch();
  std::lock_guard lock(mutex_);
  --refreshes_in_flight_;
  if (fetched.ok()) {
    cached_ = *fetched;
    last_failure_ms_ = -1;
    co_return fetched;
  }
  const std::int64_t now_ms = clock_.NowMillis();
  last_failure_ms_ = now_ms;
  if (cached_ && cached_->ValidAt(now_ms)) co_return *cached_;
  co_return fetched.error();
}

}  // namespace wdrbe::aws
