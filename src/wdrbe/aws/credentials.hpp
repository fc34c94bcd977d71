// AWS credentials and where they come from. A CredentialsProvider is one
// source (environment, shared file, container endpoint, EC2 instance
// metadata, web identity); DefaultCredentialsProvider (default_credentials.hpp)
// picks the first configured one in the SDKs' order, and
// RefreshingCredentialsProvider caches it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;                  // empty for long-term keys
  std::optional<std::int64_t> expiration_ms;  // Unix ms; none: never expires

  // Still usable at `now_ms` (always true without an expiration).
  bool ValidAt(std::int64_t now_ms) const { return !expiration_ms || now_ms < *expiration_ms; }
};

// Thread-safety is each implementation's to state; Fetch may be awaited on
// any executor. Errors (kUnavailable, kUnauthorized) say which source
// failed and what to fix.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Task<Result<Credentials>> Fetch() = 0;
  // For messages and logs: "environment", "shared credentials file", ...
  virtual std::string_view Name() const = 0;
};

// Always answers the same credentials (tests, and the environment source
// once read). Thread-safe.
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  StaticCredentialsProvider(Credentials credentials, std::string name)
      : credentials_(std::move(credentials)), name_(std::move(name)) {}
  Task<Result<Credentials>> Fetch() override { co_return credentials_; }
  std::string_view Name() const override { return name_; }

 private:
  const Credentials credentials_;
  const std::string name_;
};

// Parses the ISO 8601 UTC times the credential endpoints answer with
// ("2015-08-30T12:36:00Z", fractional seconds allowed) into Unix ms.
std::optional<std::int64_t> ParseIso8601Utc(std::string_view text);

}  // namespace wdrbe::aws
