#include "wdrbe/api/authenticate.hpp"

#include "wdrbe/auth/jwt_hs256.hpp"

namespace wdrbe::api {

http::Authenticator MakeBearerAuthenticator(const TokenVerifier& verifier, const Clock& clock) {
  return [&verifier, &clock](const http::HttpRequest& request) -> Result<Principal> {
    auto header = request.find(http::beast_http::field::authorization);
    if (header == request.end()) return Error::Unauthorized("missing bearer token");
    auto token = ExtractBearerToken(header->value());
    if (!token) return Error::Unauthorized("Authorization header must be 'Bearer <token>'");
    return verifier.Verify(*token, clock.NowMillis() / 1000);
  };
}

}  // namespace wdrbe::api
