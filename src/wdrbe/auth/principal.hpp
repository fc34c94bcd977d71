// Who is calling: the verified `sub` of the bearer token.
#pragma once

#include <string>

namespace wdrbe {

struct Principal {
  std::string user_id;
};

}  // namespace wdrbe
