// Any text as a cursor: decoding must never crash, and must accept only
// what the codec itself made (re-encoding a decoded cursor gives it back).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/domain/cursor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const wdrbe::CursorCodec codec(std::string(32, 'k'));
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto position = codec.Decode("items|5:usr_1|-|-", text);
  if (position.ok() && codec.Encode("items|5:usr_1|-|-", *position) != text) __builtin_trap();
  return 0;
}
