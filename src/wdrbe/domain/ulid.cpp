#include "wdrbe/domain/ulid.hpp"

#include <algorithm>
#include <cassert>
#include <span>

namespace wdrbe {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::int64_t kMaxUlidMillis = (std::int64_t{1} << 48) - 1;

// Adds `increment` to a big-endian 80-bit number. False when it carried out
// of the top (the number wrapped).
bool Add(std::array<std::uint8_t, 10>& number, std::uint64_t increment) {
  unsigned carry = 0;
  for (std::size_t i = 0; i < number.size(); ++i) {
    const std::size_t at = number.size() - 1 - i;
    const unsigned addend = i < 8 ? static_cast<unsigned>((increment >> (8 * i)) & 0xFFu) : 0u;
    const unsigned sum = number[at] + addend + carry;
    number[at] = static_cast<std::uint8_t>(sum & 0xFFu);
    carry = sum >> 8;
  }
  return carry == 0;
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

void UlidGenerator::TakeRandom(std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (block_used_ == block_.size()) {
      random_.Fill(std::span<std::uint8_t>(block_));
      block_used_ = 0;
    }
    out[i] = block_[block_used_];
    block_[block_used_++] = 0;  // a byte handed out is not kept
  }
}

std::string UlidGenerator::Next() {
  const std::int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mutex_);
  bool fresh = now > last_ms_;
  if (!fresh) {
    std::array<std::uint8_t, 8> step{};
    TakeRandom(step.data(), step.size());
    std::uint64_t increment = 0;
    for (std::uint8_t byte : step) increment = (increment << 8) | byte;
    // Never zero, so ids stay distinct and strictly ordered.
    if (increment == 0) increment = 1;
    if (!Add(last_rand_, increment)) {
      // The random part ran over: borrowing the next millisecond keeps ids
      // ordered where the ULID spec would fail.
      ++last_ms_;
      fresh = true;
    }
  } else {
    last_ms_ = now;
  }
  if (fresh) {
    TakeRandom(last_rand_.data(), last_rand_.size());
    // The top bit clear leaves 2^79 of room for increments: tens of thousands
    // of ids in one millisecond before the time would have to be borrowed.
    last_rand_[0] &= 0x7F;
  }
  return EncodeUlid(last_ms_, last_rand_);
}

std::string UlidGenerator::NextUnordered() {
  const std::int64_t now = clock_.NowMillis();
  std::array<std::uint8_t, 10> random{};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    TakeRandom(random.data(), random.size());
  }
  return EncodeUlid(std::clamp<std::int64_t>(now, 0, kMaxUlidMillis), random);
}

std::optional<std::int64_t> UlidTimeMs(std::string_view id) {
  if (id.size() != 26 || id[0] > '7') return std::nullopt;
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char* digit = std::char_traits<char>::find(kCrockford, 32, id[i]);
    if (digit == nullptr) return std::nullopt;
    if (i < 10) ms = ms * 32 + (digit - kCrockford);
  }
  return ms;
}

}  // namespace wdrbe
