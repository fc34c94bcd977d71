// Where the JWT verifier finds the current JWKS keys: a fixed set (from
// --jwks-file) or a cache that refreshes from a URL (jwks_cache.hpp).
#pragma once

#include <memory>

#include "wdrbe/auth/jwk.hpp"

namespace wdrbe {

// Thread-safe: called by every network thread while a refresher may replace
// the keys.
class JwkSource {
 public:
  virtual ~JwkSource() = default;
  // The keys as they are now; never null. A replaced set stays alive while
  // a caller holds it.
  virtual std::shared_ptr<const JwkSet> Keys() const = 0;
  // A token named a kid that Keys() lacks. Must not block: a source that
  // can refresh schedules it (rate-limited) and returns at once.
  virtual void OnUnknownKid() const = 0;
};

// Keys read once at start; an unknown kid changes nothing.
class FixedJwkSource final : public JwkSource {
 public:
  explicit FixedJwkSource(JwkSet keys) : keys_(std::make_shared<const JwkSet>(std::move(keys))) {}
  std::shared_ptr<const JwkSet> Keys() const override { return keys_; }
  void OnUnknownKid() const override {}

 private:
  const std::shared_ptr<const JwkSet> keys_;
};

}  // namespace wdrbe
