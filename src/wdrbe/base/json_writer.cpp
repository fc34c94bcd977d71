#include "wdrbe/base/json_writer.hpp"

#include <charconv>

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

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const char escape = EscapeFor(c);
    if (escape == 0) continue;
    out.append(value.data() + run_start, i - run_start);  // the bytes that need nothing, in one copy
    run_start = i + 1;
    out.push_back('\\');
    if (escape != 'u') {
      out.push_back(escape);
      continue;
    }
    out.append("u00");
    out.push_back(kHexDigits[c >> 4]);
    out.push_back(kHexDigits[c & 0xF]);
  }
  out.append(value.data() + run_start, value.size() - run_start);
  out.push_back('"');
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
