#include "wdrbe/domain/cursor.hpp"

#include <gtest/gtest.h>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kScope = "items\x1fusr_1\x1fwinter\x1f";

const CursorCodec& Codec() {
  static const CursorCodec codec(std::string(32, 'k'));
  return codec;
}

void ExpectInvalid(const Result<CursorPosition>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidCursor);
  EXPECT_EQ(result.error().message, "cursor is invalid or was made for another query");
}

TEST(CursorCodecTest, RoundTrips) {
  for (const CursorPosition& position :
       {CursorPosition{1764064800123, "01KAX79B80248H248H248H248H"}, CursorPosition{0, "a"},
        CursorPosition{-1, "itm_1"}, CursorPosition{INT64_MAX, std::string(128, 'z')},
        CursorPosition{INT64_MIN, "itm-2"}}) {
    const std::string token = Codec().Encode(kScope, position);
    EXPECT_LE(token.size(), kMaxCursorLength);
    Result<CursorPosition> decoded = Codec().Decode(kScope, token);
    ASSERT_TRUE(decoded.ok()) << token;
    EXPECT_EQ(*decoded, position);
  }
}

TEST(CursorCodecTest, TokenIsUrlSafe) {
  const std::string token = Codec().Encode(kScope, {1764064800123, "itm_1"});
  EXPECT_EQ(token.find_first_not_of(kAlphabet), std::string::npos) << token;
}

TEST(CursorCodecTest, AnySingleCharacterChangeIsRejected) {
  const std::string token = Codec().Encode(kScope, {1764064800123, "01KAX79B80248H248H248H248H"});
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char replacement : kAlphabet) {
      if (replacement == token[i]) continue;
      std::string altered = token;
      altered[i] = replacement;
      Result<CursorPosition> decoded = Codec().Decode(kScope, altered);
      ASSERT_FALSE(decoded.ok()) << "position " << i << " as " << replacement;
      EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidCursor);
    }
  }
}

TEST(CursorCodecTest, OtherScopeIsRejected) {
  const std::string token = Codec().Encode(kScope, {1, "itm_1"});
  ExpectInvalid(Codec().Decode("items\x1fusr_2\x1fwinter\x1f", token));
  ExpectInvalid(Codec().Decode("items\x1fusr_1\x1fsummer\x1f", token));
  ExpectInvalid(Codec().Decode("activities\x1fusr_1\x1f", token));
  ExpectInvalid(Codec().Decode("", token));
}

TEST(CursorCodecTest, OtherKeyIsRejected) {
  const CursorCodec other(std::string(31, 'k') + "K");
  ExpectInvalid(other.Decode(kScope, Codec().Encode(kScope, {1, "itm_1"})));
}

TEST(CursorCodecTest, TruncatedOrExtendedTokensAreRejected) {
  const std::string token = Codec().Encode(kScope, {1764064800123, "itm_1"});
  for (std::size_t length = 0; length < token.size(); ++length) {
    const Result<CursorPosition> decoded = Codec().Decode(kScope, token.substr(0, length));
    EXPECT_FALSE(decoded.ok()) << "length " << length;
  }
  ExpectInvalid(Codec().Decode(kScope, token + "A"));
  ExpectInvalid(Codec().Decode(kScope, token + "AA"));
}

TEST(CursorCodecTest, MalformedTokensAreRejected) {
  ExpectInvalid(Codec().Decode(kScope, ""));
  ExpectInvalid(Codec().Decode(kScope, "not a cursor"));
  ExpectInvalid(Codec().Decode(kScope, "AAAA===="));
  ExpectInvalid(Codec().Decode(kScope, std::string(kMaxCursorLength + 1, 'A')));
}

TEST(CursorCodecTest, OverLongValidTokenIsRejected) {
  // A genuine cursor whose id makes it longer than the limit.
  const std::string token = Codec().Encode(kScope, {1, std::string(400, 'x')});
  ASSERT_GT(token.size(), kMaxCursorLength);
  ExpectInvalid(Codec().Decode(kScope, token));
}

TEST(CursorCodecTest, IdsOutsideOneToTheMaximumAreRejected) {
  ExpectInvalid(Codec().Decode(kScope, Codec().Encode(kScope, {1, ""})));
  ExpectInvalid(
      Codec().Decode(kScope, Codec().Encode(kScope, {1, std::string(kMaxCursorPositionIdLength + 1, 'z')})));
  const std::string longest = Codec().Encode(kScope, {1, std::string(kMaxCursorPositionIdLength, 'z')});
  EXPECT_LE(longest.size(), kMaxCursorLength);
  EXPECT_TRUE(Codec().Decode(kScope, longest).ok());
}

// Builds a token the way the format says, MAC included, so that one field
// at a time can be wrong while everything else is right.
std::string HandMadeToken(char version, std::string_view id) {
  std::string payload(1, version);
  payload.append(std::string(7, '\0') + "\x05");  // sort_ms = 5
  payload.append(id);
  std::string scoped = std::string(7, '\0') + static_cast<char>(kScope.size());
  scoped.append(kScope);
  scoped.append(payload);
  return Base64UrlEncode(payload + HmacSha256(std::string(32, 'k'), scoped).substr(0, 16));
}

TEST(CursorCodecTest, HandMadeTokenMatchesTheDocumentedFormat) {
  Result<CursorPosition> decoded = Codec().Decode(kScope, HandMadeToken(1, "itm_1"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, (CursorPosition{5, "itm_1"}));
}

TEST(CursorCodecTest, WrongVersionIsRejectedEvenWithAValidMac) {
  ExpectInvalid(Codec().Decode(kScope, HandMadeToken(0, "itm_1")));
  ExpectInvalid(Codec().Decode(kScope, HandMadeToken(2, "itm_1")));
}

TEST(CursorCodecTest, BadIdIsRejectedEvenWithAValidMac) {
  ExpectInvalid(Codec().Decode(kScope, HandMadeToken(1, "")));
  ExpectInvalid(Codec().Decode(kScope, HandMadeToken(1, std::string(kMaxCursorPositionIdLength + 1, 'z'))));
  EXPECT_TRUE(Codec().Decode(kScope, HandMadeToken(1, std::string(kMaxCursorPositionIdLength, 'z'))).ok());
}

}  // namespace
}  // namespace wdrbe
