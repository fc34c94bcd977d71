// Bearer-token authentication for the API's protected routes.
#pragma once

#include "wdrbe/auth/token_verifier.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/http/dispatcher.hpp"

namespace wdrbe::api {

// Reads `Authorization: Bearer <token>` and verifies it at the clock's time.
// Both references must outlive the returned function.
http::Authenticator MakeBearerAuthenticator(const TokenVerifier& verifier, const Clock& clock);

}  // namespace wdrbe::api
