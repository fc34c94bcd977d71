// Writes JSON text straight into a string, for the responses on the hot
// paths (items, pages, errors): no DOM is built and destroyed per request.
// Strings are escaped exactly as boost::json::serialize escapes them, so a
// body is byte-for-byte what the DOM would have produced. The writer does
// not check nesting: callers write well-formed sequences (the tests of each
// shape parse what they wrote).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wdrbe {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);  // the next value is this key's

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON text (written verbatim).
  JsonWriter& Raw(std::string_view json);

  // Key and value; a member whose value is absent is left out.
  JsonWriter& Member(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& OptionalMember(std::string_view key, const std::optional<std::string>& value);

 private:
  void BeforeValue();

  std::string& out_;
  bool after_value_ = false;  // the next member or element needs a comma
};

// Appends `value` as a quoted, escaped JSON string.
void AppendJsonString(std::string& out, std::string_view value);

// The most bytes WriteJsonString writes for a value of `size` bytes: the
// quotes and a six-byte \u00XX escape for every byte.
constexpr std::size_t JsonStringBound(std::size_t size) { return 6 * size + 2; }

// Writes `value` as AppendJsonString does at `out`, which has room for
// JsonStringBound(value.size()) bytes; returns the end of what it wrote.
char* WriteJsonString(char* out, std::string_view value);

// Appends what `write` writes: it is given room for `bound` bytes at the
// end of `out` and returns the end of what it wrote. One capacity check for
// a whole value instead of one per piece.
template <typename Write>
void AppendWritten(std::string& out, std::size_t bound, Write write) {
  const std::size_t start = out.size();
  out.resize(start + bound);
  const char* end = write(out.data() + start);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace wdrbe
