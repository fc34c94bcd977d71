#include "wdrbe/auth/caching_token_verifier.hpp"

#include <algorithm>
#include <utility>

namespace wdrbe {

CachingTokenVerifier::CachingTokenVerifier(std::unique_ptr<TokenVerifier> inner, const JwkSource* keys,
                                           TokenCacheOptions options)
    : inner_(std::move(inner)), keys_(keys), options_(options) {}

std::shared_ptr<const JwkSet> CachingTokenVerifier::CurrentKeys() const {
  return keys_ != nullptr ? keys_->Keys() : nullptr;
}

Result<Principal> CachingTokenVerifier::Verify(std::string_view token, std::int64_t now_s) const {
  // Taken before verifying: should a refresh land meanwhile, the entry names
  // the older set and the next lookup verifies again.
  std::shared_ptr<const JwkSet> keys = CurrentKeys();
  Shard& shard = shards_[TokenHash{}(token) % kShards];
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(token);
    if (it != shard.entries.end()) {
      const Entry& entry = it->second;
      // A clock that went back is a miss too: `nbf` is checked again.
      const bool fresh = now_s >= entry.verified_at_s && now_s - entry.verified_at_s < options_.max_age_s &&
                         now_s <= entry.principal.accepted_until_s && entry.keys == keys;
      if (fresh) return entry.principal;
      shard.entries.erase(it);
    }
  }
  Result<Principal> verified = inner_->Verify(token, now_s);
  if (!verified.ok()) return verified;
  std::lock_guard lock(shard.mutex);
  // At least one entry per shard, whatever max_entries says.
  if (shard.entries.size() >= std::max<std::size_t>(1, options_.max_entries / kShards)) shard.entries.clear();
  shard.entries.insert_or_assign(std::string(token), Entry{*verified, now_s, std::move(keys)});
  return verified;
}

}  // namespace wdrbe
