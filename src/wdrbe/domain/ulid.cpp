#include "wdrbe/domain/ulid.hpp"

#include <cassert>
#include <span>

namespace wdrbe {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::int64_t kMaxUlidMillis = (std::int64_t{1} << 48) - 1;

// Adds one to a big-endian 80-bit number. False when it wrapped to zero.
bool Increment(std::array<std::uint8_t, 10>& number) {
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    if (++*it != 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeUlid(std::int64_t ms, const std::array<std::uint8_t, 10>& random) {
  assert(ms >= 0 && ms <= kMaxUlidMillis);
  std::array<std::uint8_t, 16> bytes{};
  const auto time = static_cast<std::uint64_t>(ms);
  for (int i = 0; i < 6; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(time >> (40 - 8 * i));
  for (std::size_t i = 0; i < random.size(); ++i) bytes[6 + i] = random[i];

  // 26 characters carry 130 bits: the 128 of the id behind two zero bits, so
  // character i covers bits [5i - 2, 5i + 3) of the bytes, counted from the top.
  std::string out(26, '0');
  for (int i = 0; i < 26; ++i) {
    unsigned value = 0;
    for (int bit = 5 * i - 2; bit < 5 * i + 3; ++bit) {
      value <<= 1;
      if (bit >= 0) value |= (bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1u;
    }
    out[static_cast<std::size_t>(i)] = kCrockford[value];
  }
  return out;
}

std::string UlidGenerator::Next() {
  const std::int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mutex_);
  if (now > last_ms_) {
    last_ms_ = now;
    random_.Fill(std::span<std::uint8_t>(last_rand_));
  } else if (!Increment(last_rand_)) {
    // 2^80 ids in one millisecond cannot happen by chance; should the random
    // part wrap anyway, borrowing the next millisecond keeps ids ordered
    // where the ULID spec would fail.
    ++last_ms_;
    random_.Fill(std::span<std::uint8_t>(last_rand_));
  }
  return EncodeUlid(last_ms_, last_rand_);
}

}  // namespace wdrbe
