// RFC 3339 UTC timestamps with milliseconds: 2026-11-25T10:00:00.123Z.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wdrbe {

inline constexpr std::size_t kTimestampLength = 24;  // every timestamp has this many characters

std::string FormatTimestamp(std::int64_t unix_ms);
// Writes the kTimestampLength characters to `out` (no terminator).
void FormatTimestampInto(char* out, std::int64_t unix_ms);

}  // namespace wdrbe
