#include "wdrbe/domain/item_validation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <functional>
#include <string>
#include <vector>

#include "wdrbe/domain/item_validation_text.hpp"

namespace wdrbe {
namespace {

namespace json = boost::json;

std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out.append(piece);
  return out;
}

// Boost.JSON makes values from string views only.
json::value Str(std::string_view text) { return json::string(text); }

// A minimal valid body with `extra` members added (or replaced).
json::value Body(std::initializer_list<std::pair<std::string_view, json::value>> extra = {}) {
  json::object body{{"name", "Navy Blazer"}, {"category", "outerwear"}};
  for (const auto& [key, value] : extra) body[key] = value;
  return body;
}

CreateItemInput MustCreate(const json::value& body, std::optional<std::string_view> header = std::nullopt) {
  Result<CreateItemInput> result = ParseCreateItem(body, header);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message) << " for " << json::serialize(body);
  return result.ok() ? *std::move(result) : CreateItemInput{};
}

// The field errors of a body that must fail validation.
std::vector<FieldError> CreateErrors(const json::value& body,
                                     std::optional<std::string_view> header = std::nullopt) {
  Result<CreateItemInput> result = ParseCreateItem(body, header);
  if (result.ok()) {
    ADD_FAILURE() << "accepted " << json::serialize(body);
    return {};
  }
  EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(result.error().message, "request validation failed");
  return result.error().field_errors;
}

std::vector<std::string> FieldsOf(const std::vector<FieldError>& errors) {
  std::vector<std::string> fields;
  for (const FieldError& e : errors) fields.push_back(e.field);
  return fields;
}

// True when `value` for `field` is rejected with exactly one error on that field.
bool Rejects(std::string_view field, json::value value) {
  const auto errors = CreateErrors(Body({{field, std::move(value)}}));
  return errors.size() == 1 && errors[0].field == field;
}

std::vector<std::string> V(std::initializer_list<std::string> fields) { return fields; }

// ---------------------------------------------------------------- create

TEST(ParseCreateItemTest, MinimalBodyLeavesOptionalFieldsUnset) {
  const CreateItemInput input = MustCreate(Body());
  EXPECT_EQ(input.fields.name, "Navy Blazer");
  EXPECT_EQ(input.fields.category, "outerwear");
  EXPECT_FALSE(input.item_id);
  EXPECT_FALSE(input.fields.season);
  EXPECT_FALSE(input.fields.color);
  EXPECT_FALSE(input.fields.brand);
  EXPECT_FALSE(input.fields.purchase_date);
  EXPECT_FALSE(input.fields.image_url);
  EXPECT_FALSE(input.idempotency_key);
}

TEST(ParseCreateItemTest, FullBodyIsNormalised) {
  const CreateItemInput input = MustCreate(json::parse(R"({
    "itemId": "itm_123", "name": "  Navy Blazer\t", "category": " outerwear ", "season": " FALL ",
    "color": " navy ", "brand": "Acme ", "purchaseDate": "2025-10-01",
    "imageUrl": "https://img.example.com/itm_123.jpg", "idempotencyKey": "key-1"})"));
  EXPECT_EQ(input.item_id, "itm_123");
  EXPECT_EQ(input.fields.name, "Navy Blazer");
  EXPECT_EQ(input.fields.category, "outerwear");
  EXPECT_EQ(input.fields.season, "autumn");
  EXPECT_EQ(input.fields.color, "navy");
  EXPECT_EQ(input.fields.brand, "Acme");
  EXPECT_EQ(input.fields.purchase_date, "2025-10-01");
  EXPECT_EQ(input.fields.image_url, "https://img.example.com/itm_123.jpg");
  EXPECT_EQ(input.idempotency_key, "key-1");
}

TEST(ParseCreateItemTest, BodyThatIsNotAnObjectIsBadRequest) {
  for (const char* text : {"[]", "\"name\"", "null", "42", "true"}) {
    Result<CreateItemInput> result = ParseCreateItem(json::parse(text), std::nullopt);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.error().code, ErrorCode::kBadRequest) << text;
    EXPECT_EQ(result.error().message, "request body must be a JSON object");
  }
}

TEST(ParseCreateItemTest, UnknownFieldsAreIgnored) {
  const CreateItemInput input = MustCreate(Body({{"userId", 5}, {"sharedCount", "x"}, {"isPublic", true}}));
  EXPECT_EQ(input.fields.name, "Navy Blazer");
}

TEST(ParseCreateItemTest, NullOptionalFieldsMeanNotSet) {
  const CreateItemInput input = MustCreate(Body({{"itemId", nullptr},
                                                 {"season", nullptr},
                                                 {"color", nullptr},
                                                 {"brand", nullptr},
                                                 {"purchaseDate", nullptr},
                                                 {"imageUrl", nullptr},
                                                 {"idempotencyKey", nullptr}}));
  EXPECT_FALSE(input.item_id);
  EXPECT_FALSE(input.fields.season);
  EXPECT_FALSE(input.fields.color);
  EXPECT_FALSE(input.fields.brand);
  EXPECT_FALSE(input.fields.purchase_date);
  EXPECT_FALSE(input.fields.image_url);
  EXPECT_FALSE(input.idempotency_key);
}

TEST(ParseCreateItemTest, WrongJsonTypeIsAFieldError) {
  const std::vector<json::value> wrong = {5, 1.5, true, json::array{"a"}, json::object{{"a", 1}}};
  for (const char* field : {"itemId", "name", "category", "season", "color", "brand", "purchaseDate",
                            "imageUrl", "idempotencyKey"}) {
    for (const json::value& value : wrong) {
      const auto errors = CreateErrors(Body({{field, value}}));
      ASSERT_EQ(errors.size(), 1u) << field << " = " << json::serialize(value);
      EXPECT_EQ(errors[0], (FieldError{field, "must be a string"}));
    }
  }
}

TEST(ParseCreateItemTest, NameAndCategoryAreRequired) {
  EXPECT_EQ(CreateErrors(json::object{}),
            (std::vector<FieldError>{{"name", "is required"}, {"category", "is required"}}));
  EXPECT_EQ(FieldsOf(CreateErrors(Body({{"name", nullptr}}))), V({"name"}));
  EXPECT_EQ(FieldsOf(CreateErrors(Body({{"category", nullptr}}))), V({"category"}));
}

TEST(ParseCreateItemTest, EveryProblemIsReportedAtOnce) {
  const auto errors = CreateErrors(json::parse(R"({
    "itemId": "has space", "name": 5, "season": "monsoon", "color": [], "brand": "ok",
    "purchaseDate": "2023-02-29", "imageUrl": "ftp://example.com/x.jpg", "idempotencyKey": ""})"));
  EXPECT_EQ(FieldsOf(errors), V({"itemId", "name", "category", "season", "color", "purchaseDate", "imageUrl",
                                 "idempotencyKey"}));
}

TEST(ParseCreateItemTest, NameIsTrimmedOfAsciiAndUnicodeWhitespace) {
  EXPECT_EQ(MustCreate(Body({{"name", " \t\r\nShirt \n"}})).fields.name, "Shirt");
  // U+00A0 no-break space, U+3000 ideographic space, U+2003 em space.
  EXPECT_EQ(MustCreate(Body({{"name", "\u00A0\u3000Shirt\u2003"}})).fields.name, "Shirt");
  // Inner whitespace is part of the name.
  EXPECT_EQ(MustCreate(Body({{"name", "  Navy  Blazer "}})).fields.name, "Navy  Blazer");
}

TEST(ParseCreateItemTest, NameEmptyAfterTrimIsRejected) {
  EXPECT_TRUE(Rejects("name", ""));
  EXPECT_TRUE(Rejects("name", "   \t"));
  EXPECT_TRUE(Rejects("name", "\u00A0"));
}

TEST(ParseCreateItemTest, NameLengthCountsCodePointsNotBytes) {
  // "é" is 2 bytes, "😀" is 4: 200 of them are 400 and 800 bytes, yet allowed.
  EXPECT_EQ(MustCreate(Body({{"name", Str(Repeat("é", 200))}})).fields.name, Repeat("é", 200));
  EXPECT_EQ(MustCreate(Body({{"name", Str(Repeat("😀", 200))}})).fields.name, Repeat("😀", 200));
  EXPECT_EQ(MustCreate(Body({{"name", Str(Repeat("a", 200))}})).fields.name.size(), 200u);
  EXPECT_TRUE(Rejects("name", Str(Repeat("é", 201))));
  EXPECT_TRUE(Rejects("name", Str(Repeat("😀", 201))));
  EXPECT_TRUE(Rejects("name", Str(Repeat("a", 201))));
}

TEST(ParseCreateItemTest, NameLengthIsMeasuredAfterTrimming) {
  EXPECT_EQ(MustCreate(Body({{"name", Str("  " + Repeat("é", 200) + "  ")}})).fields.name, Repeat("é", 200));
}

TEST(ParseCreateItemTest, CategoryIsOneToHundredCharactersAfterTrim) {
  EXPECT_EQ(MustCreate(Body({{"category", " tops "}})).fields.category, "tops");
  EXPECT_EQ(MustCreate(Body({{"category", Str(Repeat("ü", 100))}})).fields.category, Repeat("ü", 100));
  EXPECT_TRUE(Rejects("category", Str(Repeat("ü", 101))));
  EXPECT_TRUE(Rejects("category", " "));
}

TEST(ParseCreateItemTest, SeasonIsNormalised) {
  EXPECT_EQ(MustCreate(Body({{"season", "FALL"}})).fields.season, "autumn");
  EXPECT_EQ(MustCreate(Body({{"season", "fall"}})).fields.season, "autumn");
  EXPECT_EQ(MustCreate(Body({{"season", " Winter "}})).fields.season, "winter");
  EXPECT_EQ(MustCreate(Body({{"season", "All-Season"}})).fields.season, "all-season");
  EXPECT_EQ(MustCreate(Body({{"season", "SUMMER"}})).fields.season, "summer");
  EXPECT_TRUE(Rejects("season", "monsoon"));
  EXPECT_TRUE(Rejects("season", "all season"));
  EXPECT_TRUE(Rejects("season", ""));
}

TEST(ParseCreateItemTest, ColorAndBrandAreTrimmedAndBounded) {
  EXPECT_EQ(MustCreate(Body({{"color", Str(Repeat("é", 50))}})).fields.color, Repeat("é", 50));
  EXPECT_TRUE(Rejects("color", Str(Repeat("é", 51))));
  EXPECT_EQ(MustCreate(Body({{"brand", Str(Repeat("b", 100))}})).fields.brand, Repeat("b", 100));
  EXPECT_TRUE(Rejects("brand", Str(Repeat("b", 101))));
  EXPECT_EQ(MustCreate(Body({{"color", " navy "}})).fields.color, "navy");
  EXPECT_EQ(MustCreate(Body({{"brand", Str(" " + Repeat("b", 100) + " ")}})).fields.brand, Repeat("b", 100));
}

TEST(ParseCreateItemTest, EmptyColorOrBrandMeansNotSet) {
  const CreateItemInput input = MustCreate(Body({{"color", "  "}, {"brand", ""}}));
  EXPECT_FALSE(input.fields.color);
  EXPECT_FALSE(input.fields.brand);
}

TEST(ParseCreateItemTest, PurchaseDateMustBeARealCalendarDate) {
  for (const char* good :
       {"2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01", "9999-12-31", "2025-04-30"}) {
    EXPECT_EQ(MustCreate(Body({{"purchaseDate", good}})).fields.purchase_date, good);
  }
  for (const char* bad : {"2023-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00",
                          "2025-01-32", "0000-01-01", "2025-1-01", "25-01-01", "2025/01/01", " 2025-01-01",
                          "2025-01-01 ", "2025-01-01T00:00:00Z", "+202-01-01", "2025-0a-01", ""}) {
    EXPECT_TRUE(Rejects("purchaseDate", bad)) << bad;
  }
}

TEST(ParseCreateItemTest, ImageUrlMustBeAbsoluteHttpOrHttps) {
  for (const char* good :
       {"https://img.example.com/itm_123.jpg", "http://example.com", "HTTPS://Example.COM/a.png",
        "https://example.com:8443/a.jpg?size=large#top", "http://127.0.0.1/x.jpg", "http://[::1]/x.jpg"}) {
    EXPECT_EQ(MustCreate(Body({{"imageUrl", good}})).fields.image_url, good);
  }
  for (const char* bad :
       {"ftp://example.com/x.jpg", "/images/x.jpg", "x.jpg", "//example.com/x.jpg", "https://",
        "https:///x.jpg", "http:example.com/x.jpg", "mailto:a@example.com", "javascript:alert(1)",
        "https://exa mple.com/x.jpg", "https://example.com/x y.jpg", "https://example.com/x.jpg\n",
        "https://example.com/\x7f", "https://example.com/é.jpg", " https://example.com/x.jpg", ""}) {
    EXPECT_TRUE(Rejects("imageUrl", bad)) << bad;
  }
}

TEST(ParseCreateItemTest, ImageUrlIsAtMost2048Characters) {
  const std::string prefix = "https://example.com/";
  const std::string at_limit = prefix + Repeat("a", 2048 - prefix.size());
  ASSERT_EQ(at_limit.size(), 2048u);
  EXPECT_EQ(MustCreate(Body({{"imageUrl", Str(at_limit)}})).fields.image_url, at_limit);
  EXPECT_TRUE(Rejects("imageUrl", Str(at_limit + "a")));
}

TEST(ParseCreateItemTest, ItemIdRule) {
  EXPECT_EQ(MustCreate(Body({{"itemId", "itm_123-ABC"}})).item_id, "itm_123-ABC");
  EXPECT_EQ(MustCreate(Body({{"itemId", Str(Repeat("x", 128))}})).item_id, Repeat("x", 128));
  for (const std::string& bad :
       {Repeat("x", 129), std::string(""), std::string("itm 1"), std::string("itm/1"), std::string("itm.1"),
        std::string("é"), std::string(" itm")}) {
    EXPECT_TRUE(Rejects("itemId", Str(bad))) << bad;
  }
}

TEST(ParseCreateItemTest, IdempotencyKeyFromBodyOrHeader) {
  EXPECT_EQ(MustCreate(Body({{"idempotencyKey", "body key"}})).idempotency_key, "body key");
  EXPECT_EQ(MustCreate(Body(), "header key").idempotency_key, "header key");
  EXPECT_EQ(MustCreate(Body({{"idempotencyKey", "same"}}), "same").idempotency_key, "same");
}

TEST(ParseCreateItemTest, DifferentHeaderAndBodyKeysAreBadRequest) {
  Result<CreateItemInput> result = ParseCreateItem(Body({{"idempotencyKey", "one"}}), "two");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(result.error().message, "Idempotency-Key header and idempotencyKey field differ");
}

TEST(ParseCreateItemTest, FieldErrorsAreReportedBeforeAKeyConflict) {
  EXPECT_EQ(FieldsOf(CreateErrors(Body({{"name", 5}, {"idempotencyKey", "one"}}), "two")), V({"name"}));
}

TEST(ParseCreateItemTest, IdempotencyKeyRuleAppliesToBodyAndHeader) {
  const std::string too_long = Repeat("k", 129);
  EXPECT_EQ(MustCreate(Body({{"idempotencyKey", Str(Repeat("k", 128))}})).idempotency_key, Repeat("k", 128));
  EXPECT_EQ(MustCreate(Body(), " ~!").idempotency_key, " ~!");
  for (const std::string& bad :
       {too_long, std::string(""), std::string("tab\there"), std::string("é"), std::string("del\x7f")}) {
    EXPECT_TRUE(Rejects("idempotencyKey", Str(bad))) << bad;
    EXPECT_EQ(FieldsOf(CreateErrors(Body(), bad)), V({"idempotencyKey"})) << bad;
  }
}

// ---------------------------------------------------------------- text characters

// The message of the one error a body gets on `field`, or "" when it gets
// none or more than one.
std::string MessageFor(std::string_view field, json::value value) {
  const auto errors = CreateErrors(Body({{field, std::move(value)}}));
  if (errors.size() != 1 || errors[0].field != field) return "";
  return errors[0].message;
}

const std::vector<std::string_view> kFreeTextFields = {"name", "category", "color", "brand"};

TEST(TextCharactersTest, ControlCharactersAreRefusedInEveryTextField) {
  // C0 (NUL, BEL, ESC, an inner tab), DEL and C1 (U+0080, U+009B CSI).
  const std::vector<std::string> controls = {std::string("a\0b", 3),
                                             "a\x07z",
                                             "a\x1b[31mz",
                                             "a\tb",
                                             "a\x7f"
                                             "b",
                                             "a\xC2\x80"
                                             "b",
                                             "a\xC2\x9B"
                                             "b"};
  for (std::string_view field : kFreeTextFields) {
    for (const std::string& value : controls) {
      SCOPED_TRACE(std::string(field) + " = " + json::serialize(Str(value)));
      EXPECT_EQ(MessageFor(field, Str(value)),
                "must not contain control characters (U+0000-U+001F, U+007F-U+009F)");
    }
  }
  // imageUrl and idempotencyKey were ASCII-printable only already.
  EXPECT_TRUE(Rejects("imageUrl", Str(std::string("https://example.com/a\0.jpg", 26))));
  EXPECT_TRUE(Rejects("idempotencyKey", Str(std::string("k\0", 2))));
}

TEST(TextCharactersTest, ControlCharactersAtTheEdgesAreTrimmedWhenWhitespace) {
  // Tabs and line breaks at either end are whitespace, trimmed as always;
  // a NUL is not whitespace, so it stays and is refused.
  EXPECT_EQ(MustCreate(Body({{"name", "\tShirt\r\n"}})).fields.name, "Shirt");
  EXPECT_TRUE(Rejects("name", Str(std::string("Shirt\0", 6))));
  EXPECT_TRUE(Rejects("brand", Str(std::string("\0", 1))));
}

TEST(TextCharactersTest, BidiOverridesEmbeddingsAndIsolatesAreRefusedAnywhere) {
  const std::string expected =
      "must not contain bidirectional embedding, override or isolate characters (U+202A-U+202E, "
      "U+2066-U+2069)";
  for (std::string_view field : kFreeTextFields) {
    for (const char* value : {"\u202AShirt", "Shirt\u202B", "a\u202Cb", "a\u202Db", "gpj.\u202Eexe",
                              "a\u2066b", "a\u2067b", "a\u2068b", "a\u2069b"}) {
      SCOPED_TRACE(std::string(field) + " = " + json::serialize(Str(value)));
      EXPECT_EQ(MessageFor(field, Str(value)), expected);
    }
  }
  // Right-to-left text, and the left-to-right and right-to-left marks
  // (which reorder nothing) are fine.
  EXPECT_EQ(MustCreate(Body({{"name", "\u05E9\u05DE\u05DC\u05D4"}})).fields.name, "\u05E9\u05DE\u05DC\u05D4");
  EXPECT_EQ(MustCreate(Body({{"name", "Robe \u200Fd'\u00E9t\u00E9\u200E"}})).fields.name,
            "Robe \u200Fd'\u00E9t\u00E9\u200E");
}

TEST(TextCharactersTest, RequiredFieldsMadeOnlyOfInvisibleCharactersAreRefused) {
  const std::vector<std::string> invisible = {"\u200B",
                                              "\u200B\u200C\u200D",
                                              "\u200E\u200F",
                                              "\uFEFF",
                                              "\u00AD",
                                              "\u2060\u2061\u2062\u2063\u2064",
                                              " \u200B \u00A0",
                                              "\u3000\u200B",
                                              "\u3164",
                                              "\u115F",
                                              "\u2800",
                                              "\uFE0F",
                                              "\U000E0020\U000E007F"};
  for (std::string_view field : {"name", "category"}) {
    for (const std::string& value : invisible) {
      SCOPED_TRACE(std::string(field) + " = " + json::serialize(Str(value)));
      EXPECT_EQ(MessageFor(field, Str(value)), "must not be made only of whitespace or invisible characters");
    }
    // Whitespace alone trims to nothing: the length rule speaks.
    EXPECT_TRUE(Rejects(field, "\u00A0\u2000\u200A\u3000"));
  }
  // Invisible characters next to visible ones are kept.
  EXPECT_EQ(MustCreate(Body({{"name", "Navy\u200BBlazer"}})).fields.name, "Navy\u200BBlazer");
  EXPECT_EQ(MustCreate(Body({{"name", "\U0001F469\u200D\U0001F4BB"}})).fields.name,
            "\U0001F469\u200D\U0001F4BB");
}

TEST(TextCharactersTest, OptionalFieldsMadeOnlyOfInvisibleCharactersAreRefused) {
  // Whitespace alone still means "not set"; invisible characters are not
  // whitespace, and a value made of nothing visible is refused.
  EXPECT_FALSE(MustCreate(Body({{"color", "\u00A0 "}})).fields.color);
  EXPECT_EQ(MessageFor("color", "\u200B"), "must not be made only of whitespace or invisible characters");
  EXPECT_EQ(MessageFor("brand", " \uFEFF "), "must not be made only of whitespace or invisible characters");
}

TEST(TextCharactersTest, LengthCountsCharactersAfterTrimming) {
  // 200 characters, each a letter and a zero-width joiner (2 characters).
  EXPECT_TRUE(Rejects("name", Str(Repeat("a\u200D", 101))));
  EXPECT_EQ(MustCreate(Body({{"name", Str("\u3000" + Repeat("a\u200D", 100) + " ")}})).fields.name,
            Repeat("a\u200D", 100));
}

TEST(TextCharactersTest, EveryTextProblemIsReportedAtOnce) {
  const auto errors = CreateErrors(json::value(json::object{{"name", "\u200B"},
                                                            {"category", Str(std::string("a\0", 2))},
                                                            {"color", "\u202Ered"},
                                                            {"brand", Str(std::string("b\x01", 2))}}));
  EXPECT_EQ(FieldsOf(errors), V({"name", "category", "color", "brand"}));
  const auto patch = ParseItemPatch(json::value(json::object{{"name", "\uFEFF"}, {"brand", "x\u2066y"}}));
  ASSERT_FALSE(patch.ok());
  EXPECT_EQ(FieldsOf(patch.error().field_errors), V({"name", "brand"}));
}

TEST(TextCharactersTest, MalformedUtf8IsRefused) {
  // The JSON parser refuses such bodies before validation sees them; the
  // rule holds for text that reaches it by any other way too.
  for (const std::string& bad :
       {std::string("\xff"), std::string("a\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82")}) {
    EXPECT_EQ(TextProblem(bad), "must be valid UTF-8") << json::serialize(Str(bad));
  }
  json::error_code ec;
  (void)json::parse("{\"name\": \"\xff\xfe\"}", ec);
  EXPECT_TRUE(ec) << "the parser took malformed UTF-8";
  (void)json::parse(R"({"name": "\ud800"})", ec);
  EXPECT_TRUE(ec) << "the parser took a lone surrogate escape";
}

// ---------------------------------------------------------------- patch

Result<ItemPatch> Patch(std::string_view text) { return ParseItemPatch(json::parse(text)); }

std::vector<FieldError> PatchErrors(std::string_view text) {
  Result<ItemPatch> result = Patch(text);
  if (result.ok()) {
    ADD_FAILURE() << "accepted " << text;
    return {};
  }
  EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
  return result.error().field_errors;
}

TEST(ParseItemPatchTest, BodyThatIsNotAnObjectIsBadRequest) {
  for (const char* text : {"[]", "null", "\"x\""}) {
    Result<ItemPatch> result = Patch(text);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kBadRequest);
  }
}

TEST(ParseItemPatchTest, EmptyObjectChangesNothing) {
  Result<ItemPatch> patch = Patch("{}");
  ASSERT_TRUE(patch.ok());
  EXPECT_FALSE(patch->name || patch->category || patch->season || patch->color || patch->brand ||
               patch->purchase_date || patch->image_url);
}

TEST(ParseItemPatchTest, PresentFieldsAreValidatedAndNormalised) {
  Result<ItemPatch> patch =
      Patch(R"({"name": " Shirt ", "season": "Fall", "color": " red ", "purchaseDate": "2024-02-29",
                "imageUrl": "http://example.com/a.jpg"})");
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(patch->name, "Shirt");
  EXPECT_FALSE(patch->category);
  EXPECT_EQ(patch->season, std::optional<std::string>("autumn"));
  EXPECT_EQ(patch->color, std::optional<std::string>("red"));
  EXPECT_FALSE(patch->brand);
  EXPECT_EQ(patch->purchase_date, std::optional<std::string>("2024-02-29"));
  EXPECT_EQ(patch->image_url, std::optional<std::string>("http://example.com/a.jpg"));
}

TEST(ParseItemPatchTest, NullClearsOptionalFields) {
  Result<ItemPatch> patch =
      Patch(R"({"season": null, "color": null, "brand": null, "purchaseDate": null, "imageUrl": null})");
  ASSERT_TRUE(patch.ok());
  for (const auto* field :
       {&patch->season, &patch->color, &patch->brand, &patch->purchase_date, &patch->image_url}) {
    ASSERT_TRUE(field->has_value());  // present in the body...
    EXPECT_FALSE(field->value());     // ...and asking to clear
  }
}

TEST(ParseItemPatchTest, EmptyColorOrBrandClearsIt) {
  Result<ItemPatch> patch = Patch(R"({"color": " ", "brand": ""})");
  ASSERT_TRUE(patch.ok());
  ASSERT_TRUE(patch->color.has_value());
  EXPECT_FALSE(patch->color->has_value());
  ASSERT_TRUE(patch->brand.has_value());
  EXPECT_FALSE(patch->brand->has_value());
}

TEST(ParseItemPatchTest, NullNameOrCategoryIsRejected) {
  EXPECT_EQ(PatchErrors(R"({"name": null, "category": null})"),
            (std::vector<FieldError>{{"name", "must not be null"}, {"category", "must not be null"}}));
}

TEST(ParseItemPatchTest, EveryProblemIsReportedAtOnce) {
  EXPECT_EQ(FieldsOf(PatchErrors(R"({"name": "  ", "category": 7, "season": "monsoon", "color": false,
                                     "brand": [], "purchaseDate": "2025-13-01", "imageUrl": "/x.jpg"})")),
            V({"name", "category", "season", "color", "brand", "purchaseDate", "imageUrl"}));
  EXPECT_EQ(FieldsOf(PatchErrors(R"({"name": )" + json::serialize(json::value(Repeat("é", 201))) + "}")),
            V({"name"}));
}

TEST(ParseItemPatchTest, OtherKeysAreIgnored) {
  Result<ItemPatch> patch =
      Patch(R"({"itemId": 5, "idempotencyKey": "", "isPublic": true, "sharedCount": 9})");
  ASSERT_TRUE(patch.ok());
  EXPECT_FALSE(patch->name);
}

TEST(ParseItemPatchTest, AppliesOnlyWhatItNames) {
  ItemFields fields{"Old", "tops", "winter", "blue", "Acme", "2020-01-01", "https://example.com/a.jpg"};
  Result<ItemPatch> patch = Patch(R"({"name": "New", "color": null})");
  ASSERT_TRUE(patch.ok());
  patch->ApplyTo(fields);
  EXPECT_EQ(fields, (ItemFields{"New", "tops", "winter", std::nullopt, "Acme", "2020-01-01",
                                "https://example.com/a.jpg"}));
}

// ---------------------------------------------------------------- helpers

TEST(NormaliseSeasonTest, AcceptsEverySeasonInAnyCase) {
  EXPECT_EQ(NormaliseSeason("spring"), "spring");
  EXPECT_EQ(NormaliseSeason("Summer"), "summer");
  EXPECT_EQ(NormaliseSeason("AUTUMN"), "autumn");
  EXPECT_EQ(NormaliseSeason("fAlL"), "autumn");
  EXPECT_EQ(NormaliseSeason("winter\n"), "winter");
  EXPECT_EQ(NormaliseSeason(" ALL-SEASON "), "all-season");
  EXPECT_EQ(NormaliseSeason(""), std::nullopt);
  EXPECT_EQ(NormaliseSeason("falls"), std::nullopt);
  EXPECT_EQ(NormaliseSeason("allseason"), std::nullopt);
  EXPECT_EQ(NormaliseSeason("win ter"), std::nullopt);
}

TEST(IsValidIdempotencyKeyTest, PrintableAsciiOneToHundredTwentyEight) {
  EXPECT_TRUE(IsValidIdempotencyKey("a"));
  EXPECT_TRUE(IsValidIdempotencyKey(" "));
  EXPECT_TRUE(IsValidIdempotencyKey("~"));
  EXPECT_TRUE(IsValidIdempotencyKey(Repeat("k", 128)));
  EXPECT_FALSE(IsValidIdempotencyKey(""));
  EXPECT_FALSE(IsValidIdempotencyKey(Repeat("k", 129)));
  EXPECT_FALSE(IsValidIdempotencyKey("\x1f"));
  EXPECT_FALSE(IsValidIdempotencyKey("\x7f"));
  EXPECT_FALSE(IsValidIdempotencyKey(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsValidIdempotencyKey("\xc3\xa9"));
}

TEST(IsValidItemIdTest, AlphanumericUnderscoreDash) {
  EXPECT_TRUE(IsValidItemId("itm_123"));
  EXPECT_TRUE(IsValidItemId("01JD0000000000000000000000"));
  EXPECT_TRUE(IsValidItemId("-_"));
  EXPECT_TRUE(IsValidItemId(Repeat("Z", 128)));
  EXPECT_FALSE(IsValidItemId(""));
  EXPECT_FALSE(IsValidItemId(Repeat("Z", 129)));
  for (const char* bad : {"a b", "a/b", "a.b", "a+b", "a%20", "\xc3\xa9", "a\n"})
    EXPECT_FALSE(IsValidItemId(bad)) << bad;
}

// ---------------------------------------------------------------- fingerprint

CreateItemInput FullInput() {
  CreateItemInput input;
  input.item_id = "itm_1";
  input.fields = {"Blazer", "outerwear", "autumn", "navy", "Acme", "2025-10-01", "https://example.com/a.jpg"};
  input.idempotency_key = "key";
  return input;
}

TEST(PayloadFingerprintTest, IsHexSha256AndStable) {
  const std::string fingerprint = PayloadFingerprint(FullInput());
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(PayloadFingerprint(FullInput()), fingerprint);
}

TEST(PayloadFingerprintTest, IgnoresTheIdempotencyKey) {
  CreateItemInput other = FullInput();
  other.idempotency_key = "another key";
  EXPECT_EQ(PayloadFingerprint(other), PayloadFingerprint(FullInput()));
  other.idempotency_key.reset();
  EXPECT_EQ(PayloadFingerprint(other), PayloadFingerprint(FullInput()));
}

TEST(PayloadFingerprintTest, EquivalentBodiesHaveEqualFingerprints) {
  const CreateItemInput a =
      MustCreate(json::parse(R"({"name": " Shirt ", "category": "tops", "season": "FALL",
                                                      "color": " ", "idempotencyKey": "k1"})"));
  const CreateItemInput b =
      MustCreate(json::parse(R"({"name": "Shirt", "category": "tops ", "season": "autumn",
                                                      "brand": null, "extra": 1})"),
                 "k2");
  EXPECT_EQ(PayloadFingerprint(a), PayloadFingerprint(b));
}

TEST(PayloadFingerprintTest, AnyFieldDifferenceChangesIt) {
  using Mutation = std::function<void(CreateItemInput&)>;
  const std::vector<Mutation> mutations = {
      [](CreateItemInput& i) { i.item_id = "itm_2"; },
      [](CreateItemInput& i) { i.item_id.reset(); },
      [](CreateItemInput& i) { i.fields.name = "Blazer2"; },
      [](CreateItemInput& i) { i.fields.category = "tops"; },
      [](CreateItemInput& i) { i.fields.season = "winter"; },
      [](CreateItemInput& i) { i.fields.season.reset(); },
      [](CreateItemInput& i) { i.fields.color = "red"; },
      [](CreateItemInput& i) { i.fields.color.reset(); },
      [](CreateItemInput& i) { i.fields.color = ""; },
      [](CreateItemInput& i) { i.fields.brand.reset(); },
      [](CreateItemInput& i) { i.fields.purchase_date = "2025-10-02"; },
      [](CreateItemInput& i) { i.fields.purchase_date.reset(); },
      [](CreateItemInput& i) { i.fields.image_url = "https://example.com/b.jpg"; },
      [](CreateItemInput& i) { i.fields.image_url.reset(); },
      // Values moved between neighbouring fields must not collide.
      [](CreateItemInput& i) { std::swap(i.fields.color, i.fields.brand); },
  };
  const std::string base = PayloadFingerprint(FullInput());
  std::vector<std::string> seen = {base};
  for (std::size_t n = 0; n < mutations.size(); ++n) {
    CreateItemInput input = FullInput();
    mutations[n](input);
    const std::string fingerprint = PayloadFingerprint(input);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), fingerprint), 0) << "mutation " << n;
    seen.push_back(fingerprint);
  }
}

TEST(PayloadFingerprintTest, FieldBoundariesAreUnambiguous) {
  CreateItemInput a;
  a.fields.name = "ab";
  a.fields.category = "c";
  CreateItemInput b;
  b.fields.name = "a";
  b.fields.category = "bc";
  EXPECT_NE(PayloadFingerprint(a), PayloadFingerprint(b));

  // The same text in two different optional fields.
  CreateItemInput c;
  c.fields.color = "x";
  CreateItemInput d;
  d.fields.brand = "x";
  EXPECT_NE(PayloadFingerprint(c), PayloadFingerprint(d));
}

}  // namespace
}  // namespace wdrbe

namespace wdrbe {
namespace {

TEST(NormaliseCategoryFilterTest, TrimsAndBoundsLikeTheField) {
  EXPECT_EQ(NormaliseCategoryFilter("  outerwear "), "outerwear");
  EXPECT_EQ(NormaliseCategoryFilter("Outerwear"), "Outerwear");  // exact match: case is kept
  EXPECT_EQ(NormaliseCategoryFilter(""), std::nullopt);
  EXPECT_EQ(NormaliseCategoryFilter("   "), std::nullopt);
  EXPECT_TRUE(NormaliseCategoryFilter(std::string(100, 'c')).has_value());
  EXPECT_EQ(NormaliseCategoryFilter(std::string(101, 'c')), std::nullopt);
  // 100 two-byte characters are 100 characters, not 200.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "\xC3\xA9";
  EXPECT_TRUE(NormaliseCategoryFilter(accented).has_value());
}

}  // namespace
}  // namespace wdrbe
