#include "wdrbe/queue/sqs/share_message.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace wdrbe::sqs {
namespace {

constexpr std::int64_t kT = 1'764'064'800'123;  // 2025-11-25T10:00:00.123Z
constexpr char kTrace[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

ShareEvent AnEvent() {
  return ShareEvent{"01JDX0000000000000000000AB", "usr_1", "itm_1", kT, "req_1", kTrace};
}

TEST(ShareMessageTest, TheBodyIsTheContractsShapeWithTheTimeAsTheApiShowsIt) {
  const boost::json::value body = boost::json::parse(ShareEventBody(AnEvent()));

  EXPECT_EQ(body, boost::json::parse(R"({"type":"SHARE_ITEM","eventId":"01JDX0000000000000000000AB",
      "userId":"usr_1","itemId":"itm_1","timestamp":"2025-11-25T10:00:00.123Z","requestId":"req_1"})"));
}

TEST(ShareMessageTest, AnEventSurvivesItsBodyWithTheTraceContextBeside) {
  Result<ShareEvent> parsed = ParseShareEventBody(ShareEventBody(AnEvent()), kTrace);

  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, AnEvent());
}

TEST(ShareMessageTest, AnEventWithoutTraceContextOrRequestIdSurvivesToo) {
  ShareEvent event = AnEvent();
  event.trace_context.clear();
  event.request_id.clear();

  Result<ShareEvent> parsed = ParseShareEventBody(ShareEventBody(event), "");

  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, event);
}

TEST(ShareMessageTest, UnknownMembersAreIgnored) {
  Result<ShareEvent> parsed = ParseShareEventBody(
      R"({"type":"SHARE_ITEM","eventId":"e","userId":"u","itemId":"i","timestamp":"2025-11-25T10:00:00.123Z",
          "requestId":"r","extra":[1,2]})",
      "");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->timestamp_ms, kT);
}

TEST(ShareMessageTest, AMalformedBodyIsABadRequestThatSaysWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"eventId":"e"})", "\"type\""},
      {R"({"type":"OTHER","eventId":"e","userId":"u","itemId":"i","timestamp":"2025-11-25T10:00:00Z","requestId":"r"})",
       "\"type\""},
      {R"({"type":"SHARE_ITEM","userId":"u","itemId":"i","timestamp":"2025-11-25T10:00:00Z","requestId":"r"})",
       "\"eventId\""},
      {R"({"type":"SHARE_ITEM","eventId":"","userId":"u","itemId":"i","timestamp":"2025-11-25T10:00:00Z","requestId":"r"})",
       "\"eventId\" is empty"},
      {R"({"type":"SHARE_ITEM","eventId":"e","userId":7,"itemId":"i","timestamp":"2025-11-25T10:00:00Z","requestId":"r"})",
       "\"userId\""},
      {R"({"type":"SHARE_ITEM","eventId":"e","userId":"u","timestamp":"2025-11-25T10:00:00Z","requestId":"r"})",
       "\"itemId\""},
      {R"({"type":"SHARE_ITEM","eventId":"e","userId":"u","itemId":"i","timestamp":"2025-11-25T10:00:00Z"})",
       "\"requestId\""},
      {R"({"type":"SHARE_ITEM","eventId":"e","userId":"u","itemId":"i","timestamp":1764064800123,"requestId":"r"})",
       "\"timestamp\""},
      {R"({"type":"SHARE_ITEM","eventId":"e","userId":"u","itemId":"i","timestamp":"yesterday","requestId":"r"})",
       "\"timestamp\""},
  };
  for (const auto& [body, says] : cases) {
    Result<ShareEvent> parsed = ParseShareEventBody(body, "");
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest) << body;
    EXPECT_NE(parsed.error().message.find(says), std::string::npos)
        << body << " -> " << parsed.error().message;
  }
}

TEST(ShareMessageTest, TimestampsAreRfc3339UtcWithUpToNanoseconds) {
  EXPECT_EQ(ParseUtcTimestamp("2025-11-25T10:00:00.123Z"), kT);
  EXPECT_EQ(ParseUtcTimestamp("2025-11-25T10:00:00Z"), kT - 123);
  EXPECT_EQ(ParseUtcTimestamp("2025-11-25T10:00:00.1Z"), kT - 23);
  EXPECT_EQ(ParseUtcTimestamp("2025-11-25T10:00:00.123999999Z"), kT) << "cut to milliseconds";
  EXPECT_EQ(ParseUtcTimestamp("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(ParseUtcTimestamp("2024-02-29T00:00:00Z"), 1'709'164'800'000);
}

TEST(ShareMessageTest, AnythingElseIsNoTimestamp) {
  for (const char* text :
       {"", "2025-11-25", "2025-11-25T10:00:00", "2025-11-25T10:00:00+01:00", "2025-11-25 10:00:00Z",
        "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-11-25T24:00:00Z", "2025-11-25T10:60:00Z",
        "2025-11-25T10:00:00.Z", "2025-11-25T10:00:00.1234567890Z", "2025-11-25T10:00:00.123Zx",
        "2025-1a-25T10:00:00Z"}) {
    EXPECT_EQ(ParseUtcTimestamp(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace wdrbe::sqs
