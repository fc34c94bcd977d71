#include "wdrbe/auth/jwks_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace wdrbe {
namespace {

namespace asio = boost::asio;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// A fetch that throws (a bug, or std::bad_alloc) counts as a failed fetch.
Task<Result<std::string>> FetchNoThrow(const JwksFetch& fetch) {
  try {
    Task<Result<std::string>> fetching = fetch();
    co_return co_await std::move(fetching);
  } catch (const std::exception& e) {
    co_return Error::Internal(std::string("JWKS fetch failed: ") + e.what());
  }
}

Result<std::shared_ptr<const JwkSet>> Parse(Result<std::string> document) {
  if (!document.ok()) return document.error();
  Result<JwkSet> keys = ParseJwkSet(*document);
  if (!keys.ok()) return keys.error();
  return std::make_shared<const JwkSet>(std::move(*keys));
}

}  // namespace

JwksCache::JwksCache(asio::io_context& io, JwksFetch fetch, const Clock& clock, obs::Logger& logger,
                     JwksCacheOptions options, std::shared_ptr<const JwkSet> keys)
    : io_(io),
      fetch_(std::move(fetch)),
      clock_(clock),
      logger_(logger),
      options_(std::move(options)),
      keys_(std::move(keys)) {}

Result<std::unique_ptr<JwksCache>> JwksCache::Open(asio::io_context& io, JwksFetch fetch, const Clock& clock,
                                                   obs::Logger& logger, JwksCacheOptions options) {
  asio::io_context first_fetch;
  std::optional<Result<std::string>> document;
  const auto first = [&]() -> Task<void> {
    Task<Result<std::string>> fetching = FetchNoThrow(fetch);
    document = co_await std::move(fetching);
  };
  asio::co_spawn(first_fetch, first(), asio::detached);
  first_fetch.run();
  if (!document) return Error::Unavailable("JWKS fetch did not finish");
  Result<std::shared_ptr<const JwkSet>> keys = Parse(std::move(*document));
  if (!keys.ok()) return Error{keys.error().code, options.source_name + ": " + keys.error().message, {}};
  for (const std::string& skipped : (*keys)->skipped) {
    logger.Log(obs::LogLevel::kWarn, "JWKS key skipped",
               {{"source", options.source_name}, {"reason", skipped}});
  }
  return std::unique_ptr<JwksCache>(
      new JwksCache(io, std::move(fetch), clock, logger, std::move(options), std::move(*keys)));
}

std::shared_ptr<const JwkSet> JwksCache::Keys() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

void JwksCache::OnUnknownKid() const {
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.NowMillis();
    const std::int64_t min_gap_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.unknown_kid_min_interval).count();
    if (last_unknown_kid_refresh_ms_ != 0 && now - last_unknown_kid_refresh_ms_ < min_gap_ms) return;
    last_unknown_kid_refresh_ms_ = now;
  }
  asio::co_spawn(io_, Refresh("a token named an unknown kid"), asio::detached);
}

void JwksCache::Start() { asio::co_spawn(io_, RefreshLoop(), asio::detached); }

Task<void> JwksCache::RefreshLoop() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(options_.refresh_interval);
    auto [ec] = co_await timer.async_wait(kNoThrow);
    if (ec) co_return;
    Task<void> refreshing = Refresh("scheduled");
    co_await std::move(refreshing);
  }
}

Task<void> JwksCache::Refresh(std::string_view why) const {
  if (refreshing_.exchange(true)) co_return;
  Task<Result<std::string>> fetching = FetchNoThrow(fetch_);
  Result<std::string> document = co_await std::move(fetching);
  Result<std::shared_ptr<const JwkSet>> keys = Parse(std::move(document));
  if (!keys.ok()) {
    refreshing_ = false;
    logger_.Log(obs::LogLevel::kWarn, "JWKS refresh failed; the cached keys stay in use",
                {{"source", options_.source_name}, {"why", why}, {"error", keys.error().message}});
    co_return;
  }
  const auto count = static_cast<std::int64_t>((*keys)->keys.size());
  const auto skipped = static_cast<std::int64_t>((*keys)->skipped.size());
  {
    std::lock_guard lock(mutex_);
    keys_ = std::move(*keys);
  }
  refreshing_ = false;
  logger_.Log(obs::LogLevel::kInfo, "JWKS refreshed",
              {{"source", options_.source_name}, {"why", why}, {"keys", count}, {"skipped", skipped}});
}

}  // namespace wdrbe
