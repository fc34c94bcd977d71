// RFC 3339 UTC timestamps with milliseconds: 2026-11-25T10:00:00.123Z.
#pragma once

#include <cstdint>
#include <string>

namespace wdrbe {

std::string FormatTimestamp(std::int64_t unix_ms);

}  // namespace wdrbe
