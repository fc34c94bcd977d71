#include "wdrbe/base/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace wdrbe {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648 section 10, with the padding removed as base64url-for-JWT does.
struct Vector {
  std::string_view bytes;
  std::string_view text;
};
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlEncode(v.bytes), v.text) << "bytes: " << v.bytes;
  }
}

TEST(Base64UrlTest, DecodesRfc4648VectorsWithoutPadding) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlDecode(v.text), std::string(v.bytes)) << "text: " << v.text;
  }
}

TEST(Base64UrlTest, UsesUrlSafeCharactersWhereStandardBase64UsesPlusAndSlash) {
  // 0xfb 0xff is "+/8" in standard base64.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64UrlTest, EveryByteValueRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)), all);

  // Each byte alone exercises the one-byte tail with every bit pattern.
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(one)), one) << "byte " << b;
  }
}

TEST(Base64UrlTest, EveryLengthRoundTrips) {
  std::string bytes;
  for (int n = 0; n < 64; ++n) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << "length " << n;
    bytes += static_cast<char>(n * 37 + 11);
  }
}

TEST(Base64UrlTest, RejectsPadding) {
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zg="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm8="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("===="), std::nullopt);
}

TEST(Base64UrlTest, RejectsStandardBase64Characters) {
  EXPECT_EQ(Base64UrlDecode("+_8"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("-/8"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("ab+c"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("ab/c"), std::nullopt);
}

TEST(Base64UrlTest, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_EQ(Base64UrlDecode("Zm9v.Zg"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9v Zg"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9v\nZg"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode(std::string_view("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9\xc3\xa9"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9\xff"), std::nullopt);
}

TEST(Base64UrlTest, RejectsLengthOneModFour) {
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFyZ"), std::nullopt);
}

TEST(Base64UrlTest, RejectsNonZeroTrailingBits) {
  // "Zg" is "f"; "Zh" carries the same byte plus a set bit after it.
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Z_"), std::nullopt);
  // "Zm8" is "fo"; "Zm9" sets one of the two trailing bits.
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vYh"), std::nullopt);
}

// The strictness promise in the header, checked exhaustively for the short
// tails where trailing bits exist: whatever decodes re-encodes to itself.
TEST(Base64UrlTest, EveryAcceptedShortTextIsTheCanonicalEncoding) {
  int accepted = 0;
  for (char a : kAlphabet) {
    for (char b : kAlphabet) {
      const std::string two{a, b};
      if (const auto bytes = Base64UrlDecode(two)) {
        ++accepted;
        EXPECT_EQ(Base64UrlEncode(*bytes), two);
      }
      for (char c : kAlphabet) {
        const std::string three{a, b, c};
        if (const auto bytes3 = Base64UrlDecode(three)) {
          ++accepted;
          EXPECT_EQ(Base64UrlEncode(*bytes3), three);
        }
      }
    }
  }
  // Exactly one text per 1-byte and per 2-byte string.
  EXPECT_EQ(accepted, 256 + 256 * 256);
}

}  // namespace
}  // namespace wdrbe

namespace wdrbe {
namespace {

constexpr std::pair<std::string_view, std::string_view> kPaddedVectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesAndDecodesRfc4648VectorsWithPadding) {
  for (const auto& [bytes, text] : kPaddedVectors) {
    EXPECT_EQ(Base64Encode(bytes), text) << "bytes: " << bytes;
    EXPECT_EQ(Base64Decode(text), std::string(bytes)) << "text: " << text;
  }
}

TEST(Base64Test, UsesPlusAndSlash) {
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Decode("+/8="), std::string("\xfb\xff"));
  EXPECT_EQ(Base64Decode("-_8="), std::nullopt);
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(Base64Decode(Base64Encode(all)), all);
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_EQ(Base64Decode(Base64Encode(one)), one) << "byte " << b;
  }
}

TEST(Base64Test, RejectsWhatIsNotStrictPaddedBase64) {
  for (std::string_view bad :
       {"Zg", "Zg=", "Zm8", "Z===", "Zg==Zg==", "Zm=v", "Zh==", "Zm9=", "Zm9v\n", " Zm9v", "Zm9v===="}) {
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace wdrbe
