#include "wdrbe/queue/sqs/dead_letter_message.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "wdrbe/queue/sqs/share_message.hpp"

namespace wdrbe::sqs {
namespace {

constexpr char kTrace[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

ShareEvent AnEvent() { return ShareEvent{"evt_1", "usr_1", "itm_1", 1'764'064'800'123, "req_1", kTrace}; }

// A message as the dead-letter queue would answer it with `attributes`.
ReceivedMessage AsReceived(const boost::json::object& attributes, std::string body) {
  ReceivedMessage message;
  message.message_id = "m-1";
  message.receipt_handle = "h-1";
  message.body = std::move(body);
  message.receive_count = 4;
  message.first_received_ms = 5000;
  message.sent_ms = 4000;
  for (const auto& [name, attribute] : attributes) {
    message.attributes.emplace(std::string(name), std::string(attribute.at("StringValue").as_string()));
  }
  return message;
}

TEST(DeadLetterMessageTest, ErrorTextIsMadeFitForAnAttribute) {
  EXPECT_EQ(CleanErrorText(""), "(no error given)");
  EXPECT_EQ(CleanErrorText("store: timeout"), "store: timeout");
  EXPECT_EQ(CleanErrorText(std::string("a\0b\x01\tc\nd", 8)), "a?b?\tc\nd");
  EXPECT_EQ(CleanErrorText(std::string(5000, 'e')).size(), kMaxErrorBytes);
}

TEST(DeadLetterMessageTest, ALongErrorIsNeverCutInsideACharacter) {
  // "é" is two bytes; the limit falls between them.
  const std::string error = std::string(kMaxErrorBytes - 1, 'a') + "\xC3\xA9" + "tail";

  EXPECT_EQ(CleanErrorText(error), std::string(kMaxErrorBytes - 1, 'a'));
}

TEST(DeadLetterMessageTest, TheHistoryGrowsByOneAndKeepsOnlyTheLastEntries) {
  std::string history = AppendFailure("", 1, "first");
  EXPECT_EQ(boost::json::parse(history), boost::json::parse(R"([{"at":1,"error":"first"}])"));
  for (int i = 2; i <= 30; ++i) history = AppendFailure(history, i, "failure " + std::to_string(i));

  const boost::json::array entries = boost::json::parse(history).as_array();
  ASSERT_EQ(entries.size(), kMaxHistoryEntries);
  EXPECT_EQ(entries.front().at("at").as_int64(), 11);
  EXPECT_EQ(entries.back().at("error").as_string(), "failure 30");
  EXPECT_EQ(AppendFailure("not json", 3, "x"), R"([{"at":3,"error":"x"}])")
      << "a broken history starts afresh";
}

TEST(DeadLetterMessageTest, AnExplicitDeadLetteringReadsBackWhole) {
  const DeadLettering dead_lettering{"still broken", 3, 1000, 9000, AppendFailure("", 9000, "still broken"),
                                     kTrace,         ""};

  const DeadLetter letter =
      ReadDeadLetter(AsReceived(DeadLetterAttributes(dead_lettering), ShareEventBody(AnEvent())), 7);

  EXPECT_EQ(letter.event, AnEvent());
  EXPECT_EQ(letter.last_error, "still broken");
  EXPECT_EQ(letter.attempts, 3) << "its own count, not the policy's";
  EXPECT_EQ(letter.first_seen_ms, 1000);
  EXPECT_EQ(letter.last_tried_ms, 9000);
  EXPECT_EQ(letter.dead_lettered_ms, 9000);
  EXPECT_EQ(boost::json::parse(letter.history_json),
            boost::json::parse(R"([{"at":9000,"error":"still broken"}])"));
}

TEST(DeadLetterMessageTest, AMessageTheRedrivePolicyMovedSaysItsWorkerStopped) {
  const DeadLetter letter = ReadDeadLetter(
      AsReceived(RedrivenAttributes(kTrace, AppendFailure("", 10, "earlier")), ShareEventBody(AnEvent())), 3);

  EXPECT_EQ(letter.event, AnEvent());
  EXPECT_EQ(letter.last_error, kStoppedWorkerError);
  EXPECT_EQ(letter.attempts, 3) << "the policy's maxReceiveCount";
  EXPECT_EQ(letter.first_seen_ms, 5000);
  EXPECT_EQ(boost::json::parse(letter.history_json),
            boost::json::parse(std::string(R"([{"at":10,"error":"earlier"},{"at":5000,"error":")") +
                               kStoppedWorkerError + "\"}]"))
      << "what happened before a redrive is kept";
}

TEST(DeadLetterMessageTest, ABodyThatIsNoEventIsListedUnderItsSourceMessageId) {
  const DeadLettering dead_lettering{
      "the message body is not a share event: the body is not JSON", 1, 1000, 2000, "", "", "source-1"};

  const DeadLetter letter = ReadDeadLetter(AsReceived(DeadLetterAttributes(dead_lettering), "garbage"), 3);

  EXPECT_EQ(letter.event.event_id, "source-1") << "its MessageId on the share queue";
  EXPECT_TRUE(letter.event.user_id.empty());
  EXPECT_EQ(letter.last_error, "the message body is not a share event: the body is not JSON");
  EXPECT_EQ(letter.attempts, 1);
}

TEST(DeadLetterMessageTest, ARedrivenEventCarriesItsTraceAndHistoryOnlyWhenItHasThem) {
  EXPECT_TRUE(RedrivenAttributes("", "").empty());
  const boost::json::object both = RedrivenAttributes(kTrace, "[]");
  EXPECT_EQ(both.at(kTraceparentAttribute).at("StringValue").as_string(), kTrace);
  EXPECT_EQ(both.at(kHistoryAttribute).at("StringValue").as_string(), "[]");
}

}  // namespace
}  // namespace wdrbe::sqs
