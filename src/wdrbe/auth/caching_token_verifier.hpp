// Remembers tokens it has verified, so that a client sending the same
// bearer token on every request pays for its signature (an HMAC or an
// RSA/ECDSA check), its base64 and its claims once, not per request: about
// a fifth of the CPU of a GET item (docs/performance.md).
//
// A token is answered from memory only if it is byte-for-byte one the inner
// verifier accepted, while its `exp` plus leeway has not passed, for at most
// `max_age_s` after that verification, and only while the JWKS key set (when
// there is one) is the very set it was verified against: a refresh that
// drops a key makes every token verified before it be verified again.
// Rejections are never remembered. The cache holds at most `max_entries`
// tokens, in shards with a lock each (network threads rarely meet on one);
// a full shard is emptied (a simple bound that costs one verification per
// live token afterwards). Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wdrbe/auth/jwk_source.hpp"
#include "wdrbe/auth/token_verifier.hpp"

namespace wdrbe {

struct TokenCacheOptions {
  std::size_t max_entries = 4096;
  std::int64_t max_age_s = 60;
};

class CachingTokenVerifier final : public TokenVerifier {
 public:
  // `keys` (optional, must outlive this): the JWKS the inner verifier uses.
  CachingTokenVerifier(std::unique_ptr<TokenVerifier> inner, const JwkSource* keys,
                       TokenCacheOptions options = {});
  Result<Principal> Verify(std::string_view token, std::int64_t now_s) const override;

 private:
  struct Entry {
    Principal principal;
    std::int64_t verified_at_s;
    std::shared_ptr<const JwkSet> keys;  // held, so that its address is never another set's
  };
  // Looks tokens up by string_view, without copying each into a string.
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view token) const { return std::hash<std::string_view>{}(token); }
  };

  std::shared_ptr<const JwkSet> CurrentKeys() const;

  const std::unique_ptr<TokenVerifier> inner_;
  const JwkSource* const keys_;
  const TokenCacheOptions options_;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry, TokenHash, std::equal_to<>> entries;  // guarded by mutex
  };
  static constexpr std::size_t kShards = 16;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace wdrbe
