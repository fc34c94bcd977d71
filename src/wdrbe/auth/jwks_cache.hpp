// The keys of a JWKS URL, cached and refreshed: fetched once at start (a
// failure then is fatal), again every `refresh_interval` on a timer, and
// again when a token names an unknown kid (at most once per
// `unknown_kid_min_interval`). A refresh that fails keeps the keys in use
// and logs a warning, so a provider that is down never locks users out.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "wdrbe/auth/jwk_source.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/observability/log.hpp"

namespace wdrbe {

inline constexpr std::chrono::seconds kDefaultJwksRefreshInterval{3600};
inline constexpr std::chrono::seconds kUnknownKidRefreshInterval{30};

struct JwksCacheOptions {
  std::chrono::seconds refresh_interval = kDefaultJwksRefreshInterval;
  std::chrono::seconds unknown_kid_min_interval = kUnknownKidRefreshInterval;
  std::string source_name;  // the URL, for log lines
};

// One fetch of the document; awaited on whatever executor runs it.
using JwksFetch = std::function<Task<Result<std::string>>()>;

// Thread-safe. Refreshes run as coroutines on `io` (any of its threads),
// one at a time; Keys() is a shared_ptr copy under a mutex, so a verifier
// never sees a half-replaced set. `io`, `clock` and `logger` must outlive
// the cache; the cache must outlive `io`'s handlers (destroy `io` first or
// stop it before destroying the cache).
class JwksCache final : public JwkSource {
 public:
  // Runs `fetch` to completion on a private io_context and parses the
  // document. Errors (the fetch's or ParseJwkSet's) are for start-up.
  static Result<std::unique_ptr<JwksCache>> Open(boost::asio::io_context& io, JwksFetch fetch,
                                                 const Clock& clock, obs::Logger& logger,
                                                 JwksCacheOptions options);

  std::shared_ptr<const JwkSet> Keys() const override;
  void OnUnknownKid() const override;

  // Starts the refresh timer on `io`; it runs until `io` stops.
  void Start();

 private:
  JwksCache(boost::asio::io_context& io, JwksFetch fetch, const Clock& clock, obs::Logger& logger,
            JwksCacheOptions options, std::shared_ptr<const JwkSet> keys);

  Task<void> RefreshLoop();
  // Fetches and, when the document is usable, replaces the keys. A call
  // while another refresh runs does nothing.
  Task<void> Refresh(std::string_view why) const;

  boost::asio::io_context& io_;
  const JwksFetch fetch_;
  const Clock& clock_;
  obs::Logger& logger_;
  const JwksCacheOptions options_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const JwkSet> keys_;            // guarded by mutex_
  mutable std::int64_t last_unknown_kid_refresh_ms_ = 0;  // guarded by mutex_; 0: never
  mutable std::atomic<bool> refreshing_{false};
};

}  // namespace wdrbe
