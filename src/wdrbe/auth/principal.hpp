// Who is calling: the verified `sub` of the bearer token.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace wdrbe {

struct Principal {
  std::string user_id;
  // The last second (Unix time) at which the token that proved it is still
  // accepted: its `exp` plus the leeway.
  std::int64_t accepted_until_s = std::numeric_limits<std::int64_t>::max();
};

}  // namespace wdrbe
