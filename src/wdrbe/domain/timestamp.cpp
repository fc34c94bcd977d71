#include "wdrbe/domain/timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>

namespace wdrbe {
namespace {

using std::chrono::milliseconds;

// RFC 3339 has room for years 0000-9999 only. That covers every clock the
// service will see; anything outside is pinned to the nearest end rather
// than printed in a shape no parser accepts.
constexpr milliseconds kEarliest = std::chrono::sys_days{std::chrono::year{0} / 1 / 1}.time_since_epoch();
constexpr milliseconds kLatest =
    std::chrono::sys_days{std::chrono::year{10000} / 1 / 1}.time_since_epoch() - milliseconds{1};

// Writes `value` as exactly `width` decimal digits ending at `end`.
void PutDigits(char* end, unsigned value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string FormatTimestamp(std::int64_t unix_ms) {
  std::string out(kTimestampLength, '\0');
  FormatTimestampInto(out.data(), unix_ms);
  return out;
}

void FormatTimestampInto(char* out, std::int64_t unix_ms) {
  using namespace std::chrono;
  // The civil calendar of <chrono> is pure arithmetic: no time zone database,
  // no locale and no shared state, so it is thread-safe and cheap per item.
  const sys_time<milliseconds> time{std::clamp(milliseconds{unix_ms}, kEarliest, kLatest)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock_time{time - day};

  constexpr std::string_view kShape = "0000-00-00T00:00:00.000Z";
  static_assert(kShape.size() == kTimestampLength);
  char* p = out;
  kShape.copy(p, kShape.size());
  PutDigits(p + 4, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  PutDigits(p + 7, static_cast<unsigned>(date.month()), 2);
  PutDigits(p + 10, static_cast<unsigned>(date.day()), 2);
  PutDigits(p + 13, static_cast<unsigned>(clock_time.hours().count()), 2);
  PutDigits(p + 16, static_cast<unsigned>(clock_time.minutes().count()), 2);
  PutDigits(p + 19, static_cast<unsigned>(clock_time.seconds().count()), 2);
  PutDigits(p + 23, static_cast<unsigned>(clock_time.subseconds().count()), 3);
}

}  // namespace wdrbe
