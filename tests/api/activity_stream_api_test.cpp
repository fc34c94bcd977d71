// The activity stream, GET /users/{userId}/activities/stream, on the real
// binary: Server-Sent Events of a user's new activities, each exactly as the
// feed shows it, in commit order, soon after its commit; resuming from a
// Last-Event-ID with no gap and no duplicate; the token in the query for
// browsers' EventSource (and never in the log); heartbeats; the caps on open
// streams; a client that stops reading; SIGTERM; and the stream's metrics.
// The suite runs on both backends: on the AWS one the stream polls the
// store, so its servers poll often and the latency bounds follow.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/aws_test_backend.hpp"
#include "testing/http_client.hpp"
#include "testing/metric_samples.hpp"
#include "testing/sse_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Kind = SseItem::Kind;

// How soon a committed activity must reach an open stream: the contract's
// 50 ms on the embedded backend (ten times that under a sanitizer, which
// slows the server about as much); the poll interval plus the settle time
// plus the local engines' answers on AWS.
milliseconds DeliveryBound() {
  if (OnAwsTestBackend()) return milliseconds(3000);
  return milliseconds(WDRBE_SANITIZED_BUILD ? 500 : 50);
}

// How long a test watches a stream to tell that nothing more comes: what
// would come, if anything, would come within the delivery bound.
milliseconds QuietPeriod() { return DeliveryBound() + milliseconds(500); }

// How long to wait for what must come: it bounds a failure, not speed.
constexpr milliseconds kEventDeadline{10'000};

// `args`, and on the AWS backend, where the stream polls the store and by
// default waits 1000 + 2000 ms, a poll interval and settle time that keep
// every test's waits short.
ServerOptions StreamServerOptions(std::vector<std::string> args) {
  ServerOptions options;
  options.extra_args = std::move(args);
  if (OnAwsTestBackend()) {
    for (const char* arg : {"--stream-poll-interval", "200", "--stream-settle", "300"}) {
      options.extra_args.emplace_back(arg);
    }
  }
  return options;
}

std::string StreamPath(std::string_view user_id) {
  return "/users/" + std::string(user_id) + "/activities/stream";
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The media type of a Content-Type, without parameters.
std::string MediaType(const std::optional<std::string>& content_type) {
  const std::string value = content_type.value_or("");
  return Lower(value.substr(0, value.find(';')));
}

// Opens a stream as EventSource does (Accept: text/event-stream) and
// returns at the response's head; for an error, its whole body.
std::unique_ptr<SseStream> OpenStream(std::uint16_t port, const std::string& target, Headers headers = {},
                                      const SseOptions& options = {}) {
  headers.emplace_back("Accept", "text/event-stream");
  return SseStream::Open(port, target, headers, options);
}

// Opens the user's stream with its token in the Authorization header and
// reads the ": connected" comment: from then on every new activity is
// delivered. Throws (failing the test) when it does not open so.
std::unique_ptr<SseStream> MustSubscribe(std::uint16_t port, const ApiClient& api, Headers headers = {},
                                         const Query& query = {}) {
  headers.emplace_back("Authorization", Bearer(api.token()));
  std::unique_ptr<SseStream> stream = OpenStream(port, WithQuery(StreamPath(api.user_id()), query), headers);
  std::ostringstream failure;
  if (stream->response().status != 200) {
    failure << "the stream of " << api.user_id() << " did not open:" << stream->response();
    throw std::runtime_error(failure.str());
  }
  const SseItem first = stream->Next(kEventDeadline);
  if (first.kind != Kind::kComment || first.comment != "connected") {
    failure << "the stream of " << api.user_id() << " began with " << first << ", not ': connected'";
    throw std::runtime_error(failure.str());
  }
  return stream;
}

// The next event, skipping comments (heartbeats), or how the stream ended.
SseItem NextEvent(SseStream& stream, milliseconds timeout = kEventDeadline) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    SseItem item = stream.Next(left);
    if (item.kind != Kind::kComment) return item;
  }
}

// The next `count` events; throws when anything else comes first.
std::vector<SseEvent> ReadEvents(SseStream& stream, std::size_t count) {
  std::vector<SseEvent> events;
  while (events.size() < count) {
    SseItem item = NextEvent(stream);
    if (item.kind != Kind::kEvent) {
      std::ostringstream failure;
      failure << "expected " << count << " events; after " << events.size() << " came " << item;
      throw std::runtime_error(failure.str());
    }
    events.push_back(std::move(item.event));
  }
  return events;
}

// Watches the stream for `period`: a failure when an event comes, or the
// stream ends, meanwhile.
::testing::AssertionResult NoEventFor(SseStream& stream, milliseconds period) {
  const auto until = Clock::now() + period;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left <= milliseconds(0)) return ::testing::AssertionSuccess();
    const SseItem item = stream.Next(left);
    if (item.kind == Kind::kTimeout) return ::testing::AssertionSuccess();
    if (item.kind != Kind::kComment) return ::testing::AssertionFailure() << "unexpected " << item;
  }
}

json::value DataOf(const SseEvent& event) {
  boost::system::error_code ec;
  json::value data = json::parse(event.data, ec);
  if (ec) return json::string("<not JSON: " + event.data + ">");
  return data;
}

std::string ItemIdOf(const SseEvent& event) {
  const json::value data = DataOf(event);
  return data.is_object() ? Str(data.as_object(), "itemId") : "";
}

std::vector<std::string> IdsOf(const std::vector<SseEvent>& events) {
  std::vector<std::string> ids;
  for (const SseEvent& event : events) ids.push_back(event.id);
  return ids;
}

// Whether the stream's next event is the activity of `item_id`.
::testing::AssertionResult NextEventIsFor(SseStream& stream, const std::string& item_id) {
  const SseItem item = NextEvent(stream);
  if (item.kind == Kind::kEvent && ItemIdOf(item.event) == item_id) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected the event of " << item_id << ", got " << item;
}

// The user's whole feed, oldest first: the order a stream sends in.
std::vector<json::object> FeedOldestFirst(ApiClient& api) {
  std::vector<json::object> activities;
  for (const Page& page : api.ActivityPages(100)) {
    for (const json::value& activity : page.response.Json().at("activities").as_array()) {
      activities.push_back(activity.as_object());
    }
  }
  std::reverse(activities.begin(), activities.end());
  return activities;
}

std::vector<std::string> ActivityIdsOf(const std::vector<json::object>& activities) {
  std::vector<std::string> ids;
  for (const json::object& activity : activities) ids.push_back(Str(activity, "activityId"));
  return ids;
}

// Each event has the id, type and JSON of the feed's activity at its place.
void ExpectEventsAreTheFeeds(const std::vector<SseEvent>& events, const std::vector<json::object>& feed) {
  ASSERT_EQ(events.size(), feed.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(events[i].id, Str(feed[i], "activityId"));
    EXPECT_EQ(events[i].event, Str(feed[i], "activityType"));
    EXPECT_TRUE(JsonEquals(DataOf(events[i]), feed[i]));
  }
}

std::map<std::string, double> Metrics(std::uint16_t port) {
  HttpClient http(port);
  const Response page = http.Get("/metrics");
  if (page.status != 200) {
    std::ostringstream failure;
    failure << "/metrics did not answer 200:" << page;
    throw std::runtime_error(failure.str());
  }
  return ParseMetricSamples(page.body);
}

// Polls /metrics until the sample `key` is `value` or `deadline` passes;
// the last value seen (-1 when the page has no such sample).
double AwaitMetric(std::uint16_t port, const std::string& key, double value,
                   milliseconds deadline = kEventDeadline) {
  const auto until = Clock::now() + deadline;
  double seen = MetricSample(Metrics(port), key);
  while (seen != value && Clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(20));
    seen = MetricSample(Metrics(port), key);
  }
  return seen;
}

// A counter of the stream, 0 while the page does not print it yet (a
// labelled series may appear only once counted).
double Counter(const std::map<std::string, double>& samples, const std::string& key) {
  return std::max(0.0, MetricSample(samples, key));
}

constexpr char kOpenStreams[] = "wdrbe_activity_streams_open";
constexpr char kEventsSent[] = "wdrbe_activity_stream_events_total";
std::string Disconnects(std::string_view reason) {
  return R"(wdrbe_activity_stream_disconnects_total{reason=")" + std::string(reason) + R"("})";
}

// One server for the suite's tests, with heartbeats every second: a closed
// client is noticed (at the next write) within a second. The per-user
// request limit is off, so that tests may poll the feed often; what limits
// streams is tested on servers of their own.
class ActivityStreamApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    start_error_.clear();
    try {
      server_ = TestServer::Start(StreamServerOptions({"--stream-heartbeat", "1", "--user-rate-limit", "0"}));
    } catch (const std::exception& e) {
      server_.reset();
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    if (server_ == nullptr) GTEST_FAIL() << "the stream suite's server did not start: " << start_error_;
    // An earlier test crashed it (and failed for that): a new one on the
    // same data directory, so that one crash fails one test.
    if (!server_->CheckAlive()) server_->Restart();
  }
  void TearDown() override {
    if (server_ != nullptr && !server_->CheckAlive()) {
      ADD_FAILURE() << "the server died during this test (" << server_->last_exit() << "); output:\n"
                    << server_->Output();
    }
  }

  static TestServer& server() { return *server_; }
  static std::uint16_t port() { return server_->port(); }

  // A user of this test's own on the suite's server: "u-" + the test's name
  // (+ "-" + label); within the 128 characters a token's subject may have.
  static std::string UserId(std::string_view label = "") {
    std::string id = std::string("u-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    if (!label.empty()) id += "-" + std::string(label);
    return id;
  }

 private:
  static std::unique_ptr<TestServer> server_;
  static std::string start_error_;
};

std::unique_ptr<TestServer> ActivityStreamApiTest::server_;
std::string ActivityStreamApiTest::start_error_;

TEST_F(ActivityStreamApiTest, AStreamIsAnUncachedChunkedEventStreamThatBeginsWithAConnectedComment) {
  ApiClient api(port(), UserId());
  const auto stream = OpenStream(port(), StreamPath(api.user_id()), {{"Authorization", Bearer(api.token())}});
  const Response& head = stream->response();
  ASSERT_EQ(head.status, 200) << head;
  EXPECT_EQ(MediaType(head.Header("Content-Type")), "text/event-stream") << head;
  EXPECT_EQ(head.Header("Cache-Control").value_or(""), "no-store") << head;
  EXPECT_EQ(Lower(head.Header("Transfer-Encoding").value_or("")), "chunked") << head;
  EXPECT_FALSE(head.Header("Content-Length").has_value()) << head;

  const SseItem first = stream->Next(kEventDeadline);
  EXPECT_EQ(first.kind, Kind::kComment) << first;
  EXPECT_EQ(first.comment, "connected") << first;
  // It stays open: what comes next (with no activity) is a heartbeat.
  const SseItem next = stream->Next(kEventDeadline);
  EXPECT_EQ(next.kind, Kind::kComment) << next;
}

TEST_F(ActivityStreamApiTest, EachNewActivityOfTheUserIsOneEventWithTheFeedsIdTypeAndJson) {
  ApiClient api(port(), UserId());
  ApiClient other(port(), UserId("other"));
  const auto stream = MustSubscribe(port(), api);

  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) {
    other.MustCreate(ItemBody("not theirs", "misc"));
    created.push_back(Str(api.MustCreate(ItemBody("item " + std::to_string(i), "tops")), "itemId"));
  }
  const std::vector<SseEvent> events = ReadEvents(*stream, created.size());

  const std::vector<json::object> feed = FeedOldestFirst(api);
  ExpectEventsAreTheFeeds(events, feed);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event, "ItemCreated");
    EXPECT_EQ(ItemIdOf(events[i]), created[i]) << "in the order of the creates";
  }
  EXPECT_TRUE(NoEventFor(*stream, QuietPeriod())) << "another user's activities are not on this stream";
}

TEST_F(ActivityStreamApiTest, WithoutALastEventIdOnlyActivitiesAfterTheSubscriptionAreSent) {
  ApiClient api(port(), UserId());
  api.MustCreate(ItemBody("before 1", "misc"));
  api.MustCreate(ItemBody("before 2", "misc"));
  const auto stream = MustSubscribe(port(), api);

  const std::string after = Str(api.MustCreate(ItemBody("after", "misc")), "itemId");

  EXPECT_TRUE(NextEventIsFor(*stream, after));
  EXPECT_TRUE(NoEventFor(*stream, QuietPeriod()));
}

TEST_F(ActivityStreamApiTest, AnActivityReachesAnOpenStreamWithinTheDeliveryBoundOfTheCreatesResponse) {
  ApiClient api(port(), UserId());
  const auto stream = MustSubscribe(port(), api);
  constexpr int kCreates = 10;
  for (int i = 0; i < kCreates; ++i) {
    SCOPED_TRACE("create " + std::to_string(i));
    const std::string item_id = Str(api.MustCreate(ItemBody("timed " + std::to_string(i), "misc")), "itemId");
    const auto answered = Clock::now();
    const SseItem item = NextEvent(*stream);
    const auto latency = std::chrono::duration_cast<milliseconds>(Clock::now() - answered);
    ASSERT_EQ(item.kind, Kind::kEvent) << item;
    EXPECT_EQ(ItemIdOf(item.event), item_id);
    EXPECT_LE(latency.count(), DeliveryBound().count()) << "ms from the create's response to the event";
  }
}

TEST_F(ActivityStreamApiTest, AnAppliedShareIsAnItemSharedEventSoonAfterTheFeedShowsIt) {
  ApiClient api(port(), UserId());
  const auto stream = MustSubscribe(port(), api);
  const std::string item_id = Str(api.MustCreate(ItemBody("Shared coat", "outerwear")), "itemId");
  const SseItem created = NextEvent(*stream);
  ASSERT_EQ(created.kind, Kind::kEvent) << created;
  ASSERT_EQ(created.event.event, "ItemCreated") << created;

  const Response shared = api.ShareItem(item_id);
  ASSERT_EQ(shared.status, 202) << shared;
  // When the feed first shows the applied share (the stream is not read
  // meanwhile: an event that comes earlier waits in the socket).
  std::optional<json::object> in_feed;
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  while (!in_feed && Clock::now() < give_up) {
    const Response newest = api.ListActivities({{"limit", "1"}});
    ASSERT_EQ(newest.status, 200) << newest;
    const json::array& activities = newest.Json().at("activities").as_array();
    if (!activities.empty() && Str(activities[0].as_object(), "activityType") == "ItemShared") {
      in_feed = activities[0].as_object();
    } else {
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  ASSERT_TRUE(in_feed.has_value()) << "the share was not applied";
  const auto seen_in_feed = Clock::now();

  const SseItem event = NextEvent(*stream);
  const auto after_feed = std::chrono::duration_cast<milliseconds>(Clock::now() - seen_in_feed);
  ASSERT_EQ(event.kind, Kind::kEvent) << event;
  EXPECT_EQ(event.event.event, "ItemShared");
  EXPECT_EQ(event.event.id, Str(*in_feed, "activityId"));
  EXPECT_TRUE(JsonEquals(DataOf(event.event), *in_feed));
  EXPECT_LE(after_feed.count(), DeliveryBound().count()) << "ms from the feed showing the share to the event";
}

TEST_F(ActivityStreamApiTest, ResumingFromLastEventIdSendsWhatWasMissedInOrderThenLiveOnes) {
  ApiClient api(port(), UserId());
  std::string last_seen;
  {
    const auto stream = MustSubscribe(port(), api);
    api.MustCreate(ItemBody("A", "misc"));
    api.MustCreate(ItemBody("B", "misc"));
    last_seen = ReadEvents(*stream, 2).back().id;
  }
  for (const std::string name : {"C", "D", "E"}) api.MustCreate(ItemBody(name, "misc"));

  const auto resumed = MustSubscribe(port(), api, {{"Last-Event-ID", last_seen}});
  const std::vector<SseEvent> missed = ReadEvents(*resumed, 3);

  const std::vector<json::object> feed = FeedOldestFirst(api);
  ASSERT_EQ(feed.size(), 5u);
  ASSERT_EQ(Str(feed[1], "activityId"), last_seen) << "B was the second activity";
  ExpectEventsAreTheFeeds(missed, {feed.begin() + 2, feed.end()});

  const std::string live = Str(api.MustCreate(ItemBody("F", "misc")), "itemId");
  EXPECT_TRUE(NextEventIsFor(*resumed, live));
  EXPECT_TRUE(NoEventFor(*resumed, QuietPeriod()));
}

TEST_F(ActivityStreamApiTest, TheLastEventIdQueryParameterResumesToo) {
  ApiClient api(port(), UserId());
  for (const std::string name : {"one", "two", "three"}) api.MustCreate(ItemBody(name, "misc"));
  const std::vector<json::object> feed = FeedOldestFirst(api);
  ASSERT_EQ(feed.size(), 3u);

  const auto stream = MustSubscribe(port(), api, {}, {{"lastEventId", Str(feed[0], "activityId")}});

  ExpectEventsAreTheFeeds(ReadEvents(*stream, 2), {feed.begin() + 1, feed.end()});
  const std::string live = Str(api.MustCreate(ItemBody("four", "misc")), "itemId");
  EXPECT_TRUE(NextEventIsFor(*stream, live));
}

TEST_F(ActivityStreamApiTest, TheLastEventIdHeaderWinsOverTheQueryParameter) {
  ApiClient api(port(), UserId());
  for (const std::string name : {"one", "two", "three"}) api.MustCreate(ItemBody(name, "misc"));
  const std::vector<json::object> feed = FeedOldestFirst(api);
  ASSERT_EQ(feed.size(), 3u);

  const auto stream = MustSubscribe(port(), api, {{"Last-Event-ID", Str(feed[1], "activityId")}},
                                    {{"lastEventId", Str(feed[0], "activityId")}});

  const SseItem first = NextEvent(*stream);
  ASSERT_EQ(first.kind, Kind::kEvent) << first;
  EXPECT_EQ(first.event.id, Str(feed[2], "activityId")) << "resumed after the header's id, not the query's";
  EXPECT_TRUE(NoEventFor(*stream, QuietPeriod()));
}

TEST_F(ActivityStreamApiTest, ResumingWhileCreatesGoOnHasNoGapAndNoDuplicate) {
  ApiClient api(port(), UserId());
  constexpr int kBefore = 10;
  constexpr int kDuring = 60;
  for (int i = 0; i < kBefore; ++i) api.MustCreate(ItemBody("before " + std::to_string(i), "misc"));
  const std::string resume_from = Str(FeedOldestFirst(api)[kBefore / 2 - 1], "activityId");

  std::atomic<int> created{0};
  std::atomic<int> failed{0};
  std::thread writer([&] {
    ApiClient writer_api(port(), api.user_id());
    for (int i = 0; i < kDuring; ++i) {
      try {
        if (writer_api.CreateItem(ItemBody("during " + std::to_string(i), "misc")).status == 201) {
          ++created;
          continue;
        }
      } catch (const std::exception&) {
      }
      ++failed;
    }
  });
  // Resume once creates are under way, so that some commit while the
  // server reads what was missed and subscribes.
  while (created + failed < 5) std::this_thread::sleep_for(milliseconds(1));
  std::unique_ptr<SseStream> stream;
  try {
    stream = MustSubscribe(port(), api, {{"Last-Event-ID", resume_from}});
  } catch (...) {
    writer.join();
    throw;
  }
  const int created_while_resuming = created;
  writer.join();
  ASSERT_EQ(failed.load(), 0);
  EXPECT_LT(created_while_resuming, kDuring) << "the writer finished before the stream opened";

  const std::vector<std::string> feed_ids = ActivityIdsOf(FeedOldestFirst(api));
  ASSERT_EQ(feed_ids.size(), static_cast<std::size_t>(kBefore + kDuring));
  const auto after = std::find(feed_ids.begin(), feed_ids.end(), resume_from) + 1;
  const std::vector<std::string> expected(after, feed_ids.end());
  EXPECT_EQ(IdsOf(ReadEvents(*stream, expected.size())), expected);
  EXPECT_TRUE(NoEventFor(*stream, QuietPeriod())) << "a duplicate after the last";
}

TEST_F(ActivityStreamApiTest, ALastEventIdThatIsNotAUlidIs400) {
  ApiClient api(port(), UserId());
  const std::vector<std::string> not_ulids = {
      "not-a-ulid",
      "01ARZ3NDEKTSV4RRFFQ69G5FA",    // 25 characters
      "01ARZ3NDEKTSV4RRFFQ69G5FAVV",  // 27
      "01ARZ3NDEKTSV4RRFFQ69G5FA!",   // 26, one not base32
      "01ARZ3NDEKTSV4RRFFQ69G5F-V",
  };
  const std::string path = StreamPath(api.user_id());
  const Headers auth = {{"Authorization", Bearer(api.token())}};
  for (const std::string& value : not_ulids) {
    Headers with_header = auth;
    with_header.emplace_back("Last-Event-ID", value);
    const std::pair<std::string, std::unique_ptr<SseStream>> attempts[] = {
        {"Last-Event-ID: " + value, OpenStream(port(), path, with_header)},
        {"?lastEventId=" + value, OpenStream(port(), WithQuery(path, {{"lastEventId", value}}), auth)},
    };
    for (const auto& [name, stream] : attempts) {
      SCOPED_TRACE(name);
      EXPECT_EQ(stream->response().status, 400) << stream->response();
      EXPECT_EQ(stream->response().ErrorCode(), "bad_request") << stream->response();
    }
  }
}

TEST_F(ActivityStreamApiTest, TheTokenMayComeAsTheAccessTokenQueryParameter) {
  ApiClient api(port(), UserId());
  const auto stream =
      OpenStream(port(), WithQuery(StreamPath(api.user_id()), {{"access_token", api.token()}}));
  ASSERT_EQ(stream->response().status, 200) << stream->response();
  const SseItem first = stream->Next(kEventDeadline);
  ASSERT_EQ(first.comment, "connected") << first;

  const std::string item_id = Str(api.MustCreate(ItemBody()), "itemId");
  EXPECT_TRUE(NextEventIsFor(*stream, item_id));
}

TEST_F(ActivityStreamApiTest, ATokenInBothTheHeaderAndTheQueryIs400) {
  ApiClient api(port(), UserId());
  const std::string path = StreamPath(api.user_id());
  const Headers header = {{"Authorization", Bearer(api.token())}};
  const std::pair<std::string, std::unique_ptr<SseStream>> attempts[] = {
      {"the same token twice", OpenStream(port(), WithQuery(path, {{"access_token", api.token()}}), header)},
      {"a valid header and a bad query token",
       OpenStream(port(), WithQuery(path, {{"access_token", "not-a-jwt"}}), header)},
  };
  for (const auto& [name, stream] : attempts) {
    SCOPED_TRACE(name);
    EXPECT_EQ(stream->response().status, 400) << stream->response();
    EXPECT_EQ(stream->response().ErrorCode(), "bad_request") << stream->response();
  }
}

TEST_F(ActivityStreamApiTest, AMissingOrBadTokenIs401) {
  const std::string user = UserId();
  const std::string path = StreamPath(user);
  const std::string expired = SignToken({{"sub", user}, {"exp", NowSeconds() - 180}});
  const std::string other_secret =
      MakeToken(user, std::chrono::hours(1), "another-secret-0123456789abcdefghijkl");
  struct Case {
    std::string name;
    std::string target;
    Headers headers;
  };
  const std::vector<Case> cases = {
      {"no token", path, {}},
      {"a header that is not a JWT", path, {{"Authorization", "Bearer not-a-jwt"}}},
      {"a header token of another secret", path, {{"Authorization", Bearer(other_secret)}}},
      {"a query token that is not a JWT", WithQuery(path, {{"access_token", "not-a-jwt"}}), {}},
      {"a query token of another secret", WithQuery(path, {{"access_token", other_secret}}), {}},
      {"an expired query token", WithQuery(path, {{"access_token", expired}}), {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto stream = OpenStream(port(), c.target, c.headers);
    EXPECT_EQ(stream->response().status, 401) << stream->response();
    EXPECT_EQ(stream->response().ErrorCode(), "unauthorized") << stream->response();
  }
}

TEST_F(ActivityStreamApiTest, AnotherUsersStreamIs403LikeTheirFeed) {
  ApiClient owner(port(), UserId("owner"));
  ApiClient intruder(port(), UserId("intruder"));
  const std::string path = StreamPath(owner.user_id());
  const std::pair<std::string, std::unique_ptr<SseStream>> attempts[] = {
      {"token in the header", OpenStream(port(), path, {{"Authorization", Bearer(intruder.token())}})},
      {"token in the query", OpenStream(port(), WithQuery(path, {{"access_token", intruder.token()}}))},
  };
  for (const auto& [name, stream] : attempts) {
    SCOPED_TRACE(name);
    EXPECT_EQ(stream->response().status, 403) << stream->response();
    EXPECT_EQ(stream->response().ErrorCode(), "forbidden") << stream->response();
  }
  const Response feed = intruder.http().Get("/users/" + owner.user_id() + "/activities", intruder.token());
  EXPECT_EQ(feed.status, 403) << "the feed's rule, which the stream follows: " << feed;
}

TEST_F(ActivityStreamApiTest, TheAccessTokenParameterIsAcceptedOnTheStreamRouteOnly) {
  ApiClient api(port(), UserId());
  HttpClient http(port());
  for (const std::string route : {"/activities", "/items"}) {
    SCOPED_TRACE(route);
    const Response response =
        http.Get(WithQuery("/users/" + api.user_id() + route, {{"access_token", api.token()}}));
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << response;
  }
}

// Waits until the server's output holds `text` (log lines are written by a
// thread of their own, a moment after the request).
bool AwaitOutputContains(const TestServer& server, std::string_view text) {
  const auto until = Clock::now() + kEventDeadline;
  while (server.Output().find(text) == std::string::npos) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

TEST_F(ActivityStreamApiTest, TheAccessTokenNeverReachesTheLog) {
  ApiClient api(port(), UserId());
  ApiClient intruder(port(), UserId("intruder"));
  const std::string path = StreamPath(api.user_id());
  const std::string bad_token = "not.a.valid-stream-token";
  {
    const auto stream = OpenStream(port(), WithQuery(path, {{"access_token", api.token()}}),
                                   {{"X-Request-Id", "req-stream-token-ok"}});
    ASSERT_EQ(stream->response().status, 200) << stream->response();
    ASSERT_EQ(stream->Next(kEventDeadline).comment, "connected");
    api.MustCreate(ItemBody());
    ASSERT_EQ(NextEvent(*stream).kind, Kind::kEvent);
  }
  const auto refused = OpenStream(port(), WithQuery(path, {{"access_token", bad_token}}),
                                  {{"X-Request-Id", "req-stream-token-bad"}});
  ASSERT_EQ(refused->response().status, 401) << refused->response();
  const auto forbidden = OpenStream(port(), WithQuery(path, {{"access_token", intruder.token()}}),
                                    {{"X-Request-Id", "req-stream-token-other"}});
  ASSERT_EQ(forbidden->response().status, 403) << forbidden->response();

  // Once the three requests are logged, their lines are there to check.
  for (const std::string request_id :
       {"req-stream-token-ok", "req-stream-token-bad", "req-stream-token-other"}) {
    ASSERT_TRUE(AwaitOutputContains(server(), request_id)) << request_id << " was not logged:\n"
                                                           << server().Output();
  }
  const std::string output = server().Output();
  EXPECT_EQ(output.find(api.token()), std::string::npos) << output;
  EXPECT_EQ(output.find(intruder.token()), std::string::npos) << output;
  EXPECT_EQ(output.find(bad_token), std::string::npos) << output;
  EXPECT_EQ(output.find("access_token="), std::string::npos) << output;
}

TEST_F(ActivityStreamApiTest, AnIdleStreamHasAHeartbeatCommentEverySecondWithStreamHeartbeat1) {
  ApiClient api(port(), UserId());
  const auto stream = MustSubscribe(port(), api);
  const auto until = Clock::now() + milliseconds(3500);
  int heartbeats = 0;
  while (heartbeats < 2) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    const SseItem item = stream->Next(std::max(left, milliseconds(0)));
    if (item.kind == Kind::kTimeout) break;
    ASSERT_EQ(item.kind, Kind::kComment) << item;
    ++heartbeats;
  }
  EXPECT_GE(heartbeats, 2) << "heartbeats within 3.5 s";
}

// ---------------------------------------------------------- start-up flags

TEST(ActivityStreamStartTest, StreamFlagsOutOfRangeAreRefusedAtStartUp) {
  const std::vector<std::vector<std::string>> bad_flags = {
      {"--stream-heartbeat", "0"},
      {"--stream-heartbeat", "16"},
      {"--stream-write-timeout", "0"},
      {"--stream-write-timeout", "301"},
  };
  for (const std::vector<std::string>& flag : bad_flags) {
    SCOPED_TRACE(flag[0] + " " + flag[1]);
    TempDir data_dir;
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                     data_dir.path().string()};
    args.insert(args.end(), flag.begin(), flag.end());
    const ProcessOutcome outcome = RunToExit(args, std::string(kTestJwtSecret));
    EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
    EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
    EXPECT_NE(outcome.output.find(flag[0]), std::string::npos) << "the message names the flag:\n"
                                                               << outcome.output;
    EXPECT_EQ(outcome.output.find("listening on"), std::string::npos) << outcome.output;
  }
}

TEST(ActivityStreamStartTest, TheHighestHeartbeatAndWriteTimeoutAreAccepted) {
  const auto server =
      TestServer::Start(StreamServerOptions({"--stream-heartbeat", "15", "--stream-write-timeout", "300"}));
  ApiClient api(server->port(), "u-stream-flags");
  EXPECT_NO_THROW(MustSubscribe(server->port(), api));
  EXPECT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
}

// ------------------------------------------------------------------ limits

// Opens the user's stream until it is accepted (a closed stream's slot is
// free once the server notices the close, at its next heartbeat), up to
// kEventDeadline; the last answer.
std::unique_ptr<SseStream> AwaitAccepted(std::uint16_t port, const ApiClient& api) {
  const auto until = Clock::now() + kEventDeadline;
  for (;;) {
    auto stream = OpenStream(port, StreamPath(api.user_id()), {{"Authorization", Bearer(api.token())}});
    if (stream->response().status != 429 || Clock::now() >= until) return stream;
    std::this_thread::sleep_for(milliseconds(50));
  }
}

void ExpectTooManyStreams(const SseStream& stream) {
  const Response& response = stream.response();
  EXPECT_EQ(response.status, 429) << response;
  EXPECT_EQ(response.ErrorCode(), "too_many_requests") << response;
  const std::string retry_after = response.Header("Retry-After").value_or("");
  EXPECT_FALSE(retry_after.empty()) << response;
  EXPECT_TRUE(
      std::all_of(retry_after.begin(), retry_after.end(), [](unsigned char c) { return std::isdigit(c); }))
      << "Retry-After in seconds: " << response;
}

TEST(ActivityStreamLimitsTest, OverThePerUserOrServerWideCapIs429UntilAStreamCloses) {
  // The user request limit off: the 429s seen are the streams' caps.
  const auto server =
      TestServer::Start(StreamServerOptions({"--max-streams", "3", "--max-streams-per-user", "2",
                                             "--stream-heartbeat", "1", "--user-rate-limit", "0"}));
  const std::uint16_t port = server->port();
  ApiClient alice(port, "u-stream-cap-alice");
  ApiClient bob(port, "u-stream-cap-bob");
  ApiClient carol(port, "u-stream-cap-carol");

  auto alices_first = MustSubscribe(port, alice);
  const auto alices_second = MustSubscribe(port, alice);
  {
    SCOPED_TRACE("alice's third: over the per-user cap of 2");
    ExpectTooManyStreams(
        *OpenStream(port, StreamPath(alice.user_id()), {{"Authorization", Bearer(alice.token())}}));
  }
  auto bobs = MustSubscribe(port, bob);
  {
    SCOPED_TRACE("carol's first: over the server-wide cap of 3");
    ExpectTooManyStreams(
        *OpenStream(port, StreamPath(carol.user_id()), {{"Authorization", Bearer(carol.token())}}));
  }

  alices_first->Close();
  const auto alices_again = AwaitAccepted(port, alice);
  EXPECT_EQ(alices_again->response().status, 200)
      << "a closed stream frees its user's slot" << alices_again->response();
  bobs->Close();
  const auto carols = AwaitAccepted(port, carol);
  EXPECT_EQ(carols->response().status, 200)
      << "a closed stream frees its server-wide slot" << carols->response();
}

// ----------------------------------------------------------- slow consumer

TEST(ActivityStreamSlowConsumerTest, AStreamWhoseClientStopsReadingIsDisconnectedWithinTheWriteTimeout) {
  constexpr auto kWriteTimeout = std::chrono::seconds(1);
  // No request limits: the test creates items as fast as the server takes
  // them, and polls /metrics meanwhile.
  const auto server =
      TestServer::Start(StreamServerOptions({"--stream-write-timeout", std::to_string(kWriteTimeout.count()),
                                             "--rate-limit", "0", "--user-rate-limit", "0"}));
  const std::uint16_t port = server->port();
  const std::string user = "u-stream-slow-reader";
  ApiClient api(port, user);

  SseOptions never_reads;
  never_reads.receive_buffer_bytes = 4096;
  never_reads.read_head = false;
  const auto stalled =
      OpenStream(port, StreamPath(user), {{"Authorization", Bearer(api.token())}}, never_reads);
  ASSERT_EQ(AwaitMetric(port, kOpenStreams, 1), 1) << "the stream did not open";

  // Events of about 1 KB (a name of 200 four-byte characters), created
  // until the socket buffers are full (some megabytes on loopback) and a
  // write of the stream cannot complete.
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "\xF0\x9F\x98\x80";
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      ApiClient writer(port, user);
      while (!stop) {
        try {
          if (writer.CreateItem(ItemBody(long_name, "misc")).status == 201) {
            ++created;
            continue;
          }
        } catch (const std::exception&) {
        }
        ++failed;
        return;
      }
    });
  }
  // The count of events sent stops when a write of the stream blocks; the
  // disconnect must follow within the write timeout. A server that
  // buffered without bound would go on counting and never disconnect.
  const std::string slow = Disconnects("slow_consumer");
  double sent = -1;
  auto last_sent_at = Clock::now();
  std::optional<Clock::time_point> disconnected_at;
  const auto give_up = Clock::now() + std::chrono::seconds(OnAwsTestBackend() ? 120 : 60);
  while (!disconnected_at && failed == 0 && Clock::now() < give_up) {
    const auto samples = Metrics(port);
    const auto now = Clock::now();
    if (Counter(samples, slow) >= 1) {
      disconnected_at = now;
    } else if (Counter(samples, kEventsSent) != sent) {
      sent = Counter(samples, kEventsSent);
      last_sent_at = now;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  stop = true;
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(failed.load(), 0) << "creates failed while the stream was stalled";
  ASSERT_TRUE(disconnected_at.has_value())
      << "no slow_consumer disconnect after " << created.load() << " items; " << sent << " events sent";
  const auto stalled_for = std::chrono::duration_cast<milliseconds>(*disconnected_at - last_sent_at);
  EXPECT_LE(stalled_for.count(), milliseconds(kWriteTimeout + std::chrono::seconds(2)).count())
      << "ms from the stream's last event sent (of " << sent
      << ") to its disconnect, with --stream-write-timeout " << kWriteTimeout.count();
  EXPECT_EQ(MetricSample(Metrics(port), slow), 1);

  EXPECT_EQ(AwaitMetric(port, kOpenStreams, 0), 0) << "the slow stream's slot is freed";
  EXPECT_EQ(HttpClient(port).Get("/healthz").status, 200);
  const auto fresh = MustSubscribe(port, api);
  const std::string item_id = Str(api.MustCreate(ItemBody("seen live", "misc")), "itemId");
  EXPECT_TRUE(NextEventIsFor(*fresh, item_id)) << "a new stream works";
}

// ---------------------------------------------------------------- shutdown

TEST(ActivityStreamShutdownTest, SigtermEndsEachStreamsBodyCleanlyAndTheProcessExits0) {
  const auto server = TestServer::Start(StreamServerOptions({}));
  ApiClient alice(server->port(), "u-stream-sigterm-alice");
  ApiClient bob(server->port(), "u-stream-sigterm-bob");
  const std::unique_ptr<SseStream> streams[] = {MustSubscribe(server->port(), alice),
                                                MustSubscribe(server->port(), bob)};

  ASSERT_EQ(::kill(server->pid(), SIGTERM), 0);
  const auto signalled = Clock::now();
  constexpr auto kEndBound = std::chrono::seconds(5);

  for (const std::unique_ptr<SseStream>& stream : streams) {
    SseItem item;
    do {
      const auto left = std::chrono::duration_cast<milliseconds>(signalled + kEndBound - Clock::now());
      item = stream->Next(std::max(left, milliseconds(0)));
    } while (item.kind == Kind::kComment);
    const auto ended_after = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
    EXPECT_EQ(item.kind, Kind::kBodyEnded) << item;
    EXPECT_LE(ended_after.count(), milliseconds(kEndBound).count())
        << "ms from SIGTERM to the end of the body";
    const SseItem after = stream->Next(kEventDeadline);
    EXPECT_EQ(after.kind, Kind::kConnectionClosed) << after;
  }

  const auto until = Clock::now() + kStopDeadline;
  while (server->CheckAlive() && Clock::now() < until) std::this_thread::sleep_for(milliseconds(20));
  ASSERT_FALSE(server->CheckAlive()) << "still running " << kStopDeadline.count() << " s after SIGTERM";
  EXPECT_TRUE(server->last_exit().ExitedWith(0)) << server->last_exit() << "\n" << server->Output();
}

// ----------------------------------------------------------------- metrics

TEST(ActivityStreamMetricsTest, MetricsCountOpenStreamsEventsSentAndClientDisconnects) {
  const auto server = TestServer::Start(StreamServerOptions({"--stream-heartbeat", "1"}));
  const std::uint16_t port = server->port();
  ApiClient api(port, "u-stream-metrics");
  const auto before = Metrics(port);
  EXPECT_EQ(MetricSample(before, kOpenStreams), 0) << "the gauge is on the page from the start";
  EXPECT_EQ(Counter(before, kEventsSent), 0);
  EXPECT_EQ(Counter(before, Disconnects("client")), 0);

  auto stream = MustSubscribe(port, api);
  EXPECT_EQ(AwaitMetric(port, kOpenStreams, 1), 1);
  for (int i = 0; i < 3; ++i) api.MustCreate(ItemBody("counted " + std::to_string(i), "misc"));
  ReadEvents(*stream, 3);
  EXPECT_EQ(AwaitMetric(port, kEventsSent, 3), 3);

  stream->Close();
  EXPECT_EQ(AwaitMetric(port, kOpenStreams, 0), 0) << "the server notices the close at its next heartbeat";
  EXPECT_EQ(AwaitMetric(port, Disconnects("client"), 1), 1);
  const auto after = Metrics(port);
  EXPECT_EQ(MetricSample(after, kEventsSent), 3) << "one per event sent, heartbeats not counted";
  for (const std::string reason : {"slow_consumer", "shutdown", "error"}) {
    EXPECT_EQ(Counter(after, Disconnects(reason)), 0) << reason;
  }
}

}  // namespace
}  // namespace wdrbe::testing
