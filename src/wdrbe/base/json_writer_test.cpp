// JsonWriter: what it writes parses, and is byte-for-byte what Boost.JSON's
// serializer writes for the same value, so responses did not change when
// the DOM went away.
#include "wdrbe/base/json_writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace wdrbe {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(JsonWriterTest, EveryByteIsEscapedAsBoostJsonEscapesIt) {
  for (int c = 0; c < 256; ++c) {
    const std::string text = std::string("a") + static_cast<char>(c) + "b";
    EXPECT_EQ(Quoted(text), boost::json::serialize(boost::json::value(text))) << "byte " << c;
  }
}

TEST(JsonWriterTest, MultibyteUtf8PassesThroughUnchanged) {
  const std::string text = "Blåzer \xE2\x80\x94 \xF0\x9F\x91\x97 \"quoted\" back\\slash\n";
  EXPECT_EQ(Quoted(text), boost::json::serialize(boost::json::value(text)));
  EXPECT_EQ(boost::json::parse(Quoted(text)).as_string(), text);
}

TEST(JsonWriterTest, NestedObjectsAndArraysMatchTheSerializedDom) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject()
      .Member("name", "Tee")
      .OptionalMember("brand", std::nullopt)
      .OptionalMember("color", std::string("navy"));
  json.Key("count").Int(std::numeric_limits<std::int64_t>::min());
  json.Key("max").Int(std::numeric_limits<std::int64_t>::max());
  json.Key("zero").Int(0);
  json.Key("flags").BeginArray().Bool(true).Bool(false).Null().EndArray();
  json.Key("empty").BeginArray().EndArray();
  json.Key("objects")
      .BeginArray()
      .BeginObject()
      .EndObject()
      .BeginObject()
      .Member("a", "b")
      .EndObject()
      .EndArray();
  json.Key("raw").Raw(R"({"k":[1,2]})");
  json.Key("last").String("");
  json.EndObject();

  const boost::json::value expected = {
      {"name", "Tee"},
      {"color", "navy"},
      {"count", std::numeric_limits<std::int64_t>::min()},
      {"max", std::numeric_limits<std::int64_t>::max()},
      {"zero", 0},
      {"flags", boost::json::array{true, false, nullptr}},
      {"empty", boost::json::array{}},
      {"objects", boost::json::array{boost::json::object{}, boost::json::object{{"a", "b"}}}},
      {"raw", boost::json::object{{"k", boost::json::array{1, 2}}}},
      {"last", ""}};
  EXPECT_EQ(out, boost::json::serialize(expected));
  EXPECT_EQ(boost::json::parse(out), expected);
}

TEST(JsonWriterTest, ATopLevelArrayOfValuesIsCommaSeparated) {
  std::string out;
  JsonWriter json(out);
  json.BeginArray().Int(1).String("two").BeginArray().Int(3).EndArray().Null().EndArray();
  EXPECT_EQ(out, R"([1,"two",[3],null])");
}

}  // namespace
}  // namespace wdrbe
