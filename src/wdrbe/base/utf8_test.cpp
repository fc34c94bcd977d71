#include "wdrbe/base/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wdrbe {
namespace {

// Every code point of `text`, or nullopt at the first ill-formed sequence.
std::optional<std::u32string> Decode(std::string_view text) {
  std::u32string out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t before = at;
    const std::optional<char32_t> c = NextCodePoint(text, at);
    if (!c) {
      EXPECT_EQ(at, before) << "a failed decode must not advance";
      return std::nullopt;
    }
    out.push_back(*c);
  }
  return out;
}

TEST(Utf8Test, DecodesEveryLength) {
  EXPECT_EQ(Decode("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x91\x95"), std::u32string(U"a\u00E9\u20AC\U0001F455"));
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF"), std::u32string(U"\U0010FFFF"));
  EXPECT_EQ(Decode(std::string_view("\0", 1)), std::u32string(1, U'\0'));
}

TEST(Utf8Test, RefusesWhatRfc3629Forbids) {
  const std::vector<std::string> ill_formed = {
      "\x80",                  // a stray continuation byte
      "\xC3",                  // truncated
      "\xE2\x82",              // truncated
      "\xC3\x28",              // a continuation byte missing
      "\xC0\xAF",              // overlong '/'
      "\xE0\x80\xAF",          // overlong '/'
      "\xF0\x80\x80\xAF",      // overlong '/'
      "\xED\xA0\x80",          // a surrogate (U+D800)
      "\xF4\x90\x80\x80",      // above U+10FFFF
      "\xF8\x88\x80\x80\x80",  // a five-byte form
      "\xFF",
  };
  for (const std::string& text : ill_formed) {
    EXPECT_FALSE(Decode(text).has_value()) << ::testing::PrintToString(text);
  }
}

TEST(Utf8Test, ControlCodePointsAreC0AndC1) {
  EXPECT_TRUE(IsControlCodePoint(0x00));
  EXPECT_TRUE(IsControlCodePoint(0x1F));
  EXPECT_TRUE(IsControlCodePoint(0x7F));
  EXPECT_TRUE(IsControlCodePoint(0x9F));
  EXPECT_FALSE(IsControlCodePoint(0x20));
  EXPECT_FALSE(IsControlCodePoint(0xA0));
  EXPECT_FALSE(IsControlCodePoint(0x202E));  // a bidi control, but not C0/C1
}

}  // namespace
}  // namespace wdrbe

namespace wdrbe {
namespace {

TEST(Utf8Test, IsUtf8TellsWholeTexts) {
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_TRUE(IsUtf8("plain ascii"));
  EXPECT_TRUE(IsUtf8("caf\xc3\xa9 \xf0\x9f\x91\x97"));
  EXPECT_FALSE(IsUtf8("\xff"));
  EXPECT_FALSE(IsUtf8("ok then \xc3"));
  EXPECT_FALSE(IsUtf8("\xed\xa0\x80"));  // a surrogate
}

}  // namespace
}  // namespace wdrbe

namespace wdrbe {
namespace {

TEST(Utf8Test, IsUtf8FindsABadByteAfterLongAsciiRuns) {
  const std::string ascii(37, 'a');
  EXPECT_TRUE(IsUtf8(ascii));
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    std::string text = ascii;
    text.insert(at, "\xc3\xa9");
    EXPECT_TRUE(IsUtf8(text)) << at;
    text = ascii;
    text.insert(at, "\xc3");  // a truncated sequence, then ASCII
    EXPECT_FALSE(IsUtf8(text)) << at;
  }
}

}  // namespace
}  // namespace wdrbe
