// Any bytes as a create or PATCH body: parsing and validation must never
// crash, and whatever validates must fingerprint deterministically.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wdrbe/domain/item_validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(text, ec);
  if (ec) return 0;
  auto input = wdrbe::ParseCreateItem(body, std::nullopt);
  if (input.ok() && wdrbe::PayloadFingerprint(*input) != wdrbe::PayloadFingerprint(*input)) __builtin_trap();
  (void)wdrbe::ParseItemPatch(body);
  (void)wdrbe::NormaliseSeason(text);
  (void)wdrbe::NormaliseCategoryFilter(text);
  return 0;
}
