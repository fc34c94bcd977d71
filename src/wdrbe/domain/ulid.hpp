// ULIDs (https://github.com/ulid/spec): 26 Crockford base32 characters, 48-bit
// millisecond time then 80 random bits. Lexicographic order is time order.
//
// No id the server makes may tell a client which ids come next: a request id
// on a /healthz answer, an item id or an event id in a response are seen by
// one user, the ids made right after them go to others. The ULID spec's
// monotonic mode (add one within a millisecond) would give those away, so:
//   - Next() is ordered with a secret step: within one millisecond the random
//     part grows by a fresh CSPRNG increment of 1..2^64-1, so ids still sort in
//     creation order (the activity feed breaks ties of one millisecond by id)
//     yet each id carries 64 unknown bits over the previous one.
//   - NextUnordered() draws all 80 bits afresh: for ids nothing sorts by
//     (request ids).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe {

// Thread-safe. Next() is monotonic within one generator: when the clock has
// not moved (or went backwards), the next id is the previous one plus a random
// increment in its random part, so ids from one process always sort in
// creation order. Randomness is drawn from `random` in blocks (one call per
// few dozen ids), since one call per id costs more than the rest of the id.
class UlidGenerator {
 public:
  UlidGenerator(const Clock& clock, RandomSource& random) : clock_(clock), random_(random) {}

  std::string Next();
  std::string NextUnordered();

  // Bytes drawn from the random source at once.
  static constexpr std::size_t kRandomBlockBytes = 512;

 private:
  // Takes n bytes of the block, refilling it when used up. mutex_ is held.
  void TakeRandom(std::uint8_t* out, std::size_t n);

  const Clock& clock_;
  RandomSource& random_;
  std::mutex mutex_;
  std::int64_t last_ms_ = -1;                            // guarded by mutex_
  std::array<std::uint8_t, 10> last_rand_{};             // guarded by mutex_
  std::array<std::uint8_t, kRandomBlockBytes> block_{};  // guarded by mutex_
  std::size_t block_used_ = kRandomBlockBytes;           // guarded by mutex_
};

// Encodes a 48-bit time and 80 random bits (big-endian) as a ULID string.
std::string EncodeUlid(std::int64_t ms, const std::array<std::uint8_t, 10>& random);

// The millisecond time of a ULID as EncodeUlid writes it (26 characters of
// the upper-case Crockford alphabet, at most 7ZZZ... so it fits 128 bits);
// nullopt for anything else.
std::optional<std::int64_t> UlidTimeMs(std::string_view id);

}  // namespace wdrbe
