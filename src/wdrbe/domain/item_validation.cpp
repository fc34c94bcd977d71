#include "wdrbe/domain/item_validation.hpp"

#include <array>
#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <chrono>
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "wdrbe/base/crypto.hpp"
#include "wdrbe/domain/item_validation_text.hpp"

namespace wdrbe {
namespace {

namespace json = boost::json;

// Unicode White_Space characters as UTF-8. Clients paste names from rich text,
// where no-break and ideographic spaces are as invisible as ASCII ones.
constexpr std::array<std::string_view, 25> kWhitespace = {
    "\x09",         "\x0A",         "\x0B",         "\x0C",         "\x0D",
    "\x20",         "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80",
    "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85",
    "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A",
    "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
};

std::size_t LeadingWhitespace(std::string_view text) {
  for (std::string_view ws : kWhitespace) {
    if (text.starts_with(ws)) return ws.size();
  }
  return 0;
}

// UTF-8 is self-synchronising, so a suffix match is always a whole character.
std::size_t TrailingWhitespace(std::string_view text) {
  for (std::string_view ws : kWhitespace) {
    if (text.ends_with(ws)) return ws.size();
  }
  return 0;
}

std::string_view Trim(std::string_view text) {
  while (std::size_t n = LeadingWhitespace(text)) text.remove_prefix(n);
  while (std::size_t n = TrailingWhitespace(text)) text.remove_suffix(n);
  return text;
}

// Counts code points: every byte that is not a continuation byte starts one.
std::size_t CodePoints(std::string_view utf8) {
  std::size_t count = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int ParseDigits(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// Why a field value breaks its rule, in words for the client.
struct Problem {
  std::string message;
};

// A field's normalised text, or why it was rejected. An empty normalised text
// means "not set" (only color and brand can produce one).
using Checked = std::variant<std::string, Problem>;
using Checker = Checked (*)(std::string_view raw);

// Free text: trimmed, then its characters checked (TextProblem), then its
// length.
Checked CheckTrimmedLength(std::string_view raw, std::size_t min, std::size_t max, std::string message) {
  const std::string_view trimmed = Trim(raw);
  if (std::optional<std::string> problem = TextProblem(trimmed)) return Problem{*std::move(problem)};
  const std::size_t length = CodePoints(trimmed);
  if (length < min || length > max) return Problem{std::move(message)};
  return std::string(trimmed);
}

Checked CheckName(std::string_view raw) {
  return CheckTrimmedLength(raw, 1, kMaxNameLength, "must be 1-200 characters after trimming");
}

Checked CheckCategory(std::string_view raw) {
  return CheckTrimmedLength(raw, 1, kMaxCategoryLength, "must be 1-100 characters after trimming");
}

Checked CheckColor(std::string_view raw) {
  return CheckTrimmedLength(raw, 0, kMaxColorLength, "must be at most 50 characters");
}

Checked CheckBrand(std::string_view raw) {
  return CheckTrimmedLength(raw, 0, kMaxBrandLength, "must be at most 100 characters");
}

Checked CheckSeason(std::string_view raw) {
  if (auto season = NormaliseSeason(raw)) return *std::move(season);
  return Problem{"must be one of spring, summer, autumn, winter, all-season"};
}

Checked CheckPurchaseDate(std::string_view raw) {
  const Problem problem{"must be a calendar date as YYYY-MM-DD"};
  if (raw.size() != 10 || raw[4] != '-' || raw[7] != '-') return problem;
  constexpr std::array<std::size_t, 8> kDigitPositions = {0, 1, 2, 3, 5, 6, 8, 9};
  for (std::size_t i : kDigitPositions) {
    if (!IsDigit(raw[i])) return problem;
  }
  const int year = ParseDigits(raw.substr(0, 4));
  const auto date = std::chrono::year_month_day{
      std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(ParseDigits(raw.substr(5, 2)))},
      std::chrono::day{static_cast<unsigned>(ParseDigits(raw.substr(8, 2)))}};
  // chrono accepts year 0; the contract's calendar starts at 0001.
  if (year < 1 || !date.ok()) return problem;
  return std::string(raw);
}

Checked CheckImageUrl(std::string_view raw) {
  const Problem problem{"must be an absolute http or https URL of at most 2048 characters"};
  if (raw.empty() || raw.size() > kMaxImageUrlLength) return problem;
  // A URL is ASCII, so bytes are characters; anything at or below space, DEL
  // or non-ASCII would have to be percent-encoded.
  for (unsigned char c : raw) {
    if (c <= 0x20 || c >= 0x7F) return problem;
  }
  // parse_uri rather than parse_absolute_uri: the latter refuses fragments,
  // which are harmless in an image address.
  const auto url = boost::urls::parse_uri(raw);
  if (!url) return problem;
  const auto scheme = url->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return problem;
  if (!url->has_authority() || url->encoded_host().empty()) return problem;
  return std::string(raw);
}

Checked CheckItemId(std::string_view raw) {
  if (!IsValidItemId(raw)) return Problem{"must be 1-128 characters of A-Z, a-z, 0-9, '_' and '-'"};
  return std::string(raw);
}

constexpr char kIdempotencyKeyProblem[] = "must be 1-128 printable ASCII characters";

Checked CheckIdempotencyKey(std::string_view raw) {
  if (!IsValidIdempotencyKey(raw)) return Problem{kIdempotencyKeyProblem};
  return std::string(raw);
}

// Reads fields of one body, keeping every problem it meets so the client
// hears about all of them in one response.
class FieldReader {
 public:
  explicit FieldReader(const json::object& body) : body_(body) {}

  // Create: absent or null is an error.
  std::optional<std::string> Required(std::string_view field, Checker check) {
    const json::value* value = body_.if_contains(field);
    if (value == nullptr || value->is_null()) {
      AddError(field, "is required");
      return std::nullopt;
    }
    return Check(field, *value, check);
  }

  // Create: absent, null and empty-after-trim all mean "not set".
  std::optional<std::string> Optional(std::string_view field, Checker check) {
    const json::value* value = body_.if_contains(field);
    if (value == nullptr || value->is_null()) return std::nullopt;
    auto text = Check(field, *value, check);
    if (text && text->empty()) return std::nullopt;
    return text;
  }

  // Patch of a required field: absent leaves it alone, null is an error.
  std::optional<std::string> NonNullable(std::string_view field, Checker check) {
    const json::value* value = body_.if_contains(field);
    if (value == nullptr) return std::nullopt;
    if (value->is_null()) {
      AddError(field, "must not be null");
      return std::nullopt;
    }
    return Check(field, *value, check);
  }

  // Patch of an optional field: absent leaves it alone; null or
  // empty-after-trim clears it.
  std::optional<std::optional<std::string>> Nullable(std::string_view field, Checker check) {
    const json::value* value = body_.if_contains(field);
    if (value == nullptr) return std::nullopt;
    if (value->is_null()) return std::optional<std::string>();
    auto text = Check(field, *value, check);
    if (!text) return std::nullopt;  // the error is recorded; the patch is not used
    if (text->empty()) return std::optional<std::string>();
    return text;
  }

  void AddError(std::string_view field, std::string message) {
    errors_.push_back(FieldError{std::string(field), std::move(message)});
  }

  bool ok() const { return errors_.empty(); }

  Error ToError() && {
    return Error{ErrorCode::kValidationFailed, "request validation failed", std::move(errors_)};
  }

 private:
  std::optional<std::string> Check(std::string_view field, const json::value& value, Checker check) {
    const json::string* text = value.if_string();
    if (text == nullptr) {
      AddError(field, "must be a string");
      return std::nullopt;
    }
    Checked checked = check(std::string_view(text->data(), text->size()));
    if (auto* problem = std::get_if<Problem>(&checked)) {
      AddError(field, std::move(problem->message));
      return std::nullopt;
    }
    return std::get<std::string>(std::move(checked));
  }

  const json::object& body_;
  std::vector<FieldError> errors_;
};

Error NotAnObject() { return Error::BadRequest("request body must be a JSON object"); }

// Length-prefixed so that no two different field lists share an encoding
// ("ab","c" vs "a","bc"), with a marker that tells absent from empty.
void AppendText(std::string& out, std::string_view text) {
  const std::uint64_t size = text.size();
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFF);
  out.append(text);
}

void AppendOptional(std::string& out, const std::optional<std::string>& text) {
  if (!text) {
    out += '\0';
    return;
  }
  out += '\1';
  AppendText(out, *text);
}

}  // namespace

Result<CreateItemInput> ParseCreateItem(const json::value& body, std::optional<std::string_view> header_key) {
  const json::object* object = body.if_object();
  if (object == nullptr) return NotAnObject();

  FieldReader reader(*object);
  CreateItemInput input;
  input.item_id = reader.Optional("itemId", CheckItemId);
  input.fields.name = reader.Required("name", CheckName).value_or("");
  input.fields.category = reader.Required("category", CheckCategory).value_or("");
  input.fields.season = reader.Optional("season", CheckSeason);
  input.fields.color = reader.Optional("color", CheckColor);
  input.fields.brand = reader.Optional("brand", CheckBrand);
  input.fields.purchase_date = reader.Optional("purchaseDate", CheckPurchaseDate);
  input.fields.image_url = reader.Optional("imageUrl", CheckImageUrl);
  const std::optional<std::string> body_key = reader.Optional("idempotencyKey", CheckIdempotencyKey);
  const bool header_key_valid = !header_key || IsValidIdempotencyKey(*header_key);
  if (!header_key_valid) {
    reader.AddError("idempotencyKey", std::string("Idempotency-Key header ") + kIdempotencyKeyProblem);
  }

  // Field problems come first: a key conflict would otherwise hide them.
  if (!reader.ok()) return std::move(reader).ToError();
  if (header_key && body_key && *header_key != *body_key) {
    return Error::BadRequest("Idempotency-Key header and idempotencyKey field differ");
  }
  if (body_key) {
    input.idempotency_key = body_key;
  } else if (header_key) {
    input.idempotency_key = std::string(*header_key);
  }
  return input;
}

Result<ItemPatch> ParseItemPatch(const json::value& body) {
  const json::object* object = body.if_object();
  if (object == nullptr) return NotAnObject();

  FieldReader reader(*object);
  ItemPatch patch;
  patch.name = reader.NonNullable("name", CheckName);
  patch.category = reader.NonNullable("category", CheckCategory);
  patch.season = reader.Nullable("season", CheckSeason);
  patch.color = reader.Nullable("color", CheckColor);
  patch.brand = reader.Nullable("brand", CheckBrand);
  patch.purchase_date = reader.Nullable("purchaseDate", CheckPurchaseDate);
  patch.image_url = reader.Nullable("imageUrl", CheckImageUrl);
  if (!reader.ok()) return std::move(reader).ToError();
  return patch;
}

std::optional<std::string> NormaliseSeason(std::string_view raw) {
  std::string season(Trim(raw));
  for (char& c : season) c = ToLowerAscii(c);
  if (season == "fall") return "autumn";
  for (std::string_view known : {"spring", "summer", "autumn", "winter", "all-season"}) {
    if (season == known) return season;
  }
  return std::nullopt;
}

std::optional<std::string> NormaliseCategoryFilter(std::string_view raw) {
  const std::string_view trimmed = Trim(raw);
  const std::size_t length = CodePoints(trimmed);
  if (length < 1 || length > kMaxCategoryLength) return std::nullopt;
  return std::string(trimmed);
}

bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (unsigned char c : key) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

bool IsValidItemId(std::string_view id) {
  if (id.empty() || id.size() > kMaxItemIdLength) return false;
  for (char c : id) {
    const bool allowed =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string PayloadFingerprint(const CreateItemInput& input) {
  // The leading tag versions the encoding: changing it must not let an old
  // fingerprint match a new one by accident.
  std::string encoded = "wdrbe.create-item.v1";
  AppendOptional(encoded, input.item_id);
  AppendText(encoded, input.fields.name);
  AppendText(encoded, input.fields.category);
  AppendOptional(encoded, input.fields.season);
  AppendOptional(encoded, input.fields.color);
  AppendOptional(encoded, input.fields.brand);
  AppendOptional(encoded, input.fields.purchase_date);
  AppendOptional(encoded, input.fields.image_url);
  return ToHex(Sha256(encoded));
}

}  // namespace wdrbe
