// The contract's field rules for items: type checks, trimming, lengths in
// Unicode characters, the characters free text may hold
// (item_validation_text.hpp), season normalisation, calendar dates, URLs.
// Every problem of a body is reported at once as FieldErrors.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe {

// Limits of the contract, in Unicode characters unless said otherwise.
inline constexpr std::size_t kMaxItemIdLength = 128;
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxCategoryLength = 100;
inline constexpr std::size_t kMaxColorLength = 50;
inline constexpr std::size_t kMaxBrandLength = 100;
inline constexpr std::size_t kMaxImageUrlLength = 2048;
inline constexpr std::size_t kMaxIdempotencyKeyLength = 128;

// Validates a create body. `header_key` is the Idempotency-Key header, if
// sent. Errors: kBadRequest when the body is not a JSON object or the header
// and body keys differ; kValidationFailed with every field problem.
Result<CreateItemInput> ParseCreateItem(const boost::json::value& body,
                                        std::optional<std::string_view> header_key);

// Validates a PATCH body (kBadRequest if not an object; kValidationFailed
// for field problems, including null for name or category).
Result<ItemPatch> ParseItemPatch(const boost::json::value& body);

// Validates and normalises a season (query parameter or field): trimmed,
// case-insensitive, `fall` becomes `autumn`. nullopt when not a season.
std::optional<std::string> NormaliseSeason(std::string_view raw);

// A list's `category` filter, trimmed like the field; nullopt unless it is
// 1-100 characters (no stored category could match anything else).
std::optional<std::string> NormaliseCategoryFilter(std::string_view raw);

// True for 1-128 printable ASCII characters (0x20-0x7E).
bool IsValidIdempotencyKey(std::string_view key);

// True for 1-128 characters of [A-Za-z0-9_-].
bool IsValidItemId(std::string_view id);

// A stable digest of what a create request asks for (item id if given and
// the normalised fields, not the key itself): two requests with one key are
// "the same payload" exactly when their fingerprints are equal.
std::string PayloadFingerprint(const CreateItemInput& input);

}  // namespace wdrbe
