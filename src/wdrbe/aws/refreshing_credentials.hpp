// Caches the credentials of a source and fetches new ones before they
// expire.
//
// - Credentials without an expiration are fetched once and kept.
// - Temporary ones are fetched again once fewer than `refresh_margin`
//   (kCredentialsRefreshMargin) remain, so a request is never signed with
//   keys about to expire on the way.
// - A refresh that fails keeps the old credentials while they are still
//   valid, and is tried again at most every kCredentialsRetryInterval; once
//   they have expired, the source's error is returned.
// - While one refresh is in flight, other callers get the old credentials
//   when still valid (they do not queue behind it).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/base/clock.hpp"

namespace wdrbe::aws {

inline constexpr std::chrono::minutes kCredentialsRefreshMargin{5};
inline constexpr std::chrono::seconds kCredentialsRetryInterval{10};

// Thread-safe: Fetch may be awaited from any thread; the cache is guarded
// by a mutex that is never held across an await. `clock` must outlive it.
class RefreshingCredentialsProvider final : public CredentialsProvider {
 public:
  RefreshingCredentialsProvider(std::unique_ptr<CredentialsProvider> source, const Clock& clock,
                                std::chrono::milliseconds refresh_margin = kCredentialsRefreshMargin);

  Task<Result<Credentials>> Fetch() override;
  std::string_view Name() const override { return source_->Name(); }

 private:
  // The cached credentials when they need no refresh at `now_ms`, or when
  // a refresh is in flight or was tried too recently and they still hold.
  std::optional<Credentials> Usable(std::int64_t now_ms);

  const std::unique_ptr<CredentialsProvider> source_;
  const Clock& clock_;
  const std::int64_t margin_ms_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;  // guarded by mutex_
  int refreshes_in_flight_ = 0;        // guarded by mutex_
  std::int64_t last_failure_ms_ = -1;  // guarded by mutex_; -1: none since the last success
};

}  // namespace wdrbe::aws
