#include "wdrbe/base/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace wdrbe {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// What a byte needs: 0 none, 'u' a \u00XX escape, else the letter after '\'.
constexpr char EscapeFor(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return c < 0x20 ? 'u' : 0;
  }
}

// EscapeFor of every byte, looked up rather than branched on, where a
// string is scanned byte by byte (near its escapes).
struct EscapeTable {
  char of[256];
  constexpr EscapeTable() : of() {
    for (int c = 0; c < 256; ++c) of[c] = EscapeFor(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscapes;

// Whether some byte of `word` may need an escape (is below 0x20, a '"' or
// a '\\'): eight bytes tested at once, with the classic tests for a zero
// byte and for a byte below n. The answer is exact, but only a yes is
// relied on to stop; the table has the last word.
constexpr bool MayNeedEscape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighBits = 0x8080808080808080;
  const auto below = [](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHighBits; };
  return (below(word, 0x20) | below(word ^ (kOnes * '"'), 1) | below(word ^ (kOnes * '\\'), 1)) != 0;
}

// The bytes of `value` before the first one that needs an escape: most
// strings are ids, names and keys with none, scanned a word at a time,
// their last few bytes too (in the word that ends the string, which
// overlaps the one before).
std::size_t PlainPrefix(std::string_view value) {
  constexpr std::size_t kWord = sizeof(std::uint64_t);
  const auto word_at = [&](std::size_t at) {
    std::uint64_t word;
    std::memcpy(&word, value.data() + at, kWord);
    return word;
  };
  std::size_t i = 0;
  if (value.size() >= kWord) {
    for (; i + kWord <= value.size(); i += kWord) {
      if (MayNeedEscape(word_at(i))) break;
    }
    if (i + kWord > value.size() && !MayNeedEscape(word_at(value.size() - kWord))) return value.size();
  }
  while (i < value.size() && kEscapes.of[static_cast<unsigned char>(value[i])] == 0) ++i;
  return i;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
  const std::size_t plain = PlainPrefix(value);
  if (plain == value.size()) {  // the usual case: one copy
    out.reserve(out.size() + value.size() + 2);
    out.push_back('"');
    out.append(value);
    out.push_back('"');
    return;
  }
  AppendWritten(out, JsonStringBound(value.size()), [&](char* at) { return WriteJsonString(at, value); });
}

char* WriteJsonString(char* out, std::string_view value) {
  *out++ = '"';
  std::size_t run_start = 0;
  for (std::size_t i = PlainPrefix(value); i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const char escape = kEscapes.of[c];
    if (escape == 0) continue;
    // The bytes that need nothing, in one copy.
    out = std::copy(value.data() + run_start, value.data() + i, out);
    run_start = i + 1;
    *out++ = '\\';
    if (escape != 'u') {
      *out++ = escape;
      continue;
    }
    *out++ = 'u';
    *out++ = '0';
    *out++ = '0';
    *out++ = kHexDigits[c >> 4];
    *out++ = kHexDigits[c & 0xF];
  }
  out = std::copy(value.data() + run_start, value.data() + value.size(), out);
  *out++ = '"';
  return out;
}

void JsonWriter::BeforeValue() {
  if (after_value_) out_.push_back(',');
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(out_, key);
  out_.push_back(':');
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(out_, value);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  BeforeValue();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, end);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::OptionalMember(std::string_view key, const std::optional<std::string>& value) {
  if (value) Key(key).String(*value);
  return *this;
}

}  // namespace wdrbe
