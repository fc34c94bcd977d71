// Transport rules on the real binary: every part of a request is bounded
// before it is buffered, framing that a proxy could read otherwise is
// refused (no request smuggling), HEAD answers as GET without a body,
// `Expect: 100-continue` invites the body only of a request that would be
// accepted, and open connections are capped.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/metric_samples.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

// The value of one unlabelled sample of a /metrics page; -1 when absent.
double ResidentBytes(std::uint16_t port) {
  return MetricSample(HttpClient(port).Get("/metrics").body, "process_resident_memory_bytes");
}

class TransportTest : public SharedServerTest {};

// --- Bounded before buffered -----------------------------------------------

// Sends `prefix`, then `filler` bytes of 'a' in pieces, until the server
// stops reading; returns the server's answer (nullopt if it only closed).
std::optional<Response> SendEndlessly(std::uint16_t port, const std::string& prefix, std::size_t filler) {
  RawConnection raw(port);
  if (!raw.Send(prefix)) return std::nullopt;
  const std::string piece(64 * 1024, 'a');
  for (std::size_t sent = 0; sent < filler; sent += piece.size()) {
    if (!raw.Send(piece)) break;
  }
  return raw.ReadResponse();
}

TEST_F(TransportTest, AnEndlessChunkExtensionOrTrailerIsRefusedWithoutBeingBuffered) {
  const std::string head =
      "POST /users/u/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const double before = ResidentBytes(port());
  ASSERT_GT(before, 0);
  // Four connections at once, 8 MiB each: buffered, they would cost 32 MiB.
  constexpr std::size_t kFiller = 8 * 1024 * 1024;
  std::vector<std::optional<Response>> answers(4);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const std::string prefix = i % 2 == 0 ? head + "1;" : head + "1\r\na\r\n0\r\nX-Trailer: ";
    clients.emplace_back([&, i, prefix] { answers[i] = SendEndlessly(port(), prefix, kFiller); });
  }
  for (auto& client : clients) client.join();
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.has_value()) << "the server must answer before closing";
    EXPECT_EQ(answer->status, 400) << *answer;
    EXPECT_EQ(answer->ErrorCode(), "bad_request") << *answer;
  }
  const double after = ResidentBytes(port());
  EXPECT_LT(after - before, 16.0 * 1024 * 1024) << "resident memory grew from " << before << " to " << after;
  EXPECT_EQ(HttpClient(port()).Get("/healthz").status, 200);
}

TEST_F(TransportTest, AChunkedBodyWithinTheLimitsIsAccepted) {
  const std::string user = UniqueUserId();
  const std::string body = R"({"name":"Scarf","category":"accessories"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  RawConnection raw(port());
  ASSERT_TRUE(raw.Send("POST /users/" + user + "/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       MakeToken(user) +
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size +
                       ";note=small\r\n" + body + "\r\n0\r\nX-Checksum: none\r\n\r\n"));
  auto created = raw.ReadResponse();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->status, 201) << *created;
}

// --- Framing that could be read two ways ---------------------------------

struct FramingCase {
  std::string name;
  std::string request;  // header block and body, as sent
};

TEST_F(TransportTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  const std::string user = UniqueUserId();
  const std::string auth = "Authorization: Bearer " + MakeToken(user) + "\r\n";
  // A body that, read as no body, is a second request of its own.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: SMUGGLED\r\n\r\n";
  const std::string post =
      "POST /users/" + user + "/items HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n";
  const std::string json_body = R"({"name":"n","category":"c"})";
  const std::string length = "Content-Length: " + std::to_string(json_body.size()) + "\r\n";
  const std::vector<FramingCase> cases = {
      {"chunked twice", post + "Transfer-Encoding: chunked, chunked\r\n\r\n" + smuggled},
      {"gzip", post + "Transfer-Encoding: gzip\r\n\r\n" + smuggled},
      {"chunked then gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n" + smuggled},
      {"gzip then chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"two Transfer-Encoding fields",
       post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"chunked on HTTP/1.0",
       "POST /users/" + user + "/items HTTP/1.0\r\n" + auth +
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"Content-Length and Transfer-Encoding",
       post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"Transfer-Encoding and Content-Length",
       post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled},
      {"Content-Length twice, equal", post + length + length + "\r\n" + json_body + smuggled},
      {"Content-Type twice",
       post + "Content-Type: application/json\r\n" + length + "\r\n" + json_body + smuggled},
      {"Authorization twice", post + auth + length + "\r\n" + json_body + smuggled},
      {"Idempotency-Key twice",
       post + "Idempotency-Key: k1\r\nIdempotency-Key: k2\r\n" + length + "\r\n" + json_body + smuggled},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(c.request));
    auto answer = raw.ReadResponse();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 400) << *answer;
    EXPECT_EQ(answer->ErrorCode(), "bad_request") << *answer;
    EXPECT_NE(answer->Header("X-Request-Id").value_or(""), "SMUGGLED");
    EXPECT_TRUE(raw.ReadsEndOfStream()) << "no second response: the connection is closed";
  }
  ApiClient owner(port(), user);
  EXPECT_TRUE(owner.WalkItemIds({}, 100).empty()) << "none of the refused requests created anything";
}

// --- HEAD ------------------------------------------------------------------

TEST_F(TransportTest, HeadAnswersAsGetWouldWithoutABody) {
  const std::string user = UniqueUserId();
  const std::string token = MakeToken(user);
  ApiClient owner(port(), user);
  ASSERT_EQ(owner.CreateItem({{"name", "Coat"}, {"category", "outerwear"}}).status, 201);

  const std::vector<std::string> targets = {"/healthz", "/users/" + user + "/items",
                                            "/users/" + user + "/activities", "/users/someone-else/items",
                                            "/no-such-route"};
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    HttpClient http(port());
    const Response get = http.Get(target, token);
    const Response head = http.Send({"HEAD", target, {{"Authorization", Bearer(token)}}, std::nullopt});
    EXPECT_EQ(head.status, get.status) << head;
    EXPECT_TRUE(head.body.empty()) << head;
    EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size())) << head;
  }

  // A client reading no body after HEAD stays in step: a GET pipelined
  // behind it is answered whole.
  RawConnection raw(port());
  ASSERT_TRUE(raw.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = raw.ReadResponse(/*to_head=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  auto get = raw.ReadResponse();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 200) << *get;
  EXPECT_EQ(get->String("status"), "ok") << *get;
}

TEST_F(TransportTest, HeadIsAllowedWhereGetIsAndNowhereElse) {
  HttpClient http(port());
  const Response not_allowed = http.Send({"PUT", "/healthz", {}, std::nullopt});
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(not_allowed.Header("Allow").value_or(""), "GET, HEAD, OPTIONS");
  const Response share_head = http.Send({"HEAD", "/items/i1/share", {}, std::nullopt});
  EXPECT_EQ(share_head.status, 405);
  EXPECT_EQ(share_head.Header("Allow").value_or(""), "POST, OPTIONS");
}

// --- Expect: 100-continue ----------------------------------------------------

std::string CreateHeader(const std::string& user, const std::string& authorization, const std::string& body,
                         const std::string& expect, const std::string& version = "HTTP/1.1") {
  return "POST /users/" + user + "/items " + version + "\r\nHost: x\r\n" + authorization +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nExpect: " + expect + "\r\n\r\n";
}

TEST_F(TransportTest, ContinueInvitesTheBodyOfAnAcceptableRequestOnly) {
  const std::string user = UniqueUserId();
  const std::string body = R"({"name":"Hat","category":"accessories"})";
  {
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(
        CreateHeader(user, "Authorization: Bearer " + MakeToken(user) + "\r\n", body, "100-continue")));
    auto interim = raw.ReadResponse();
    ASSERT_TRUE(interim.has_value());
    ASSERT_EQ(interim->status, 100) << *interim;
    ASSERT_TRUE(raw.Send(body));
    auto created = raw.ReadResponse();
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 201) << *created;
  }
  for (const std::string& authorization :
       {std::string(), std::string("Authorization: Bearer not-a-token\r\n")}) {
    SCOPED_TRACE(authorization.empty() ? "no token" : "bad token");
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(CreateHeader(user, authorization, body, "100-continue")));
    auto refused = raw.ReadResponse();
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 401) << "refused at once, never invited: " << *refused;
    EXPECT_EQ(refused->ErrorCode(), "unauthorized");
  }
  {
    // Another user's path: the route and token are fine, so the body is
    // invited, and the handler refuses it as always.
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(CreateHeader("someone-else", "Authorization: Bearer " + MakeToken(user) + "\r\n",
                                      body, "100-continue")));
    auto interim = raw.ReadResponse();
    ASSERT_TRUE(interim.has_value());
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(raw.Send(body));
    auto forbidden = raw.ReadResponse();
    ASSERT_TRUE(forbidden.has_value());
    EXPECT_EQ(forbidden->status, 403) << *forbidden;
  }
  ApiClient owner(port(), user);
  EXPECT_EQ(owner.WalkItemIds({}, 100).size(), 1u);
}

TEST_F(TransportTest, OtherExpectationsFailAndHttp10IgnoresContinue) {
  const std::string user = UniqueUserId();
  const std::string authorization = "Authorization: Bearer " + MakeToken(user) + "\r\n";
  const std::string body = R"({"name":"Hat","category":"accessories"})";
  {
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(CreateHeader(user, authorization, body, "200-ok")));
    auto failed = raw.ReadResponse();
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->status, 417) << *failed;
    EXPECT_EQ(failed->ErrorCode(), "expectation_failed") << *failed;
    EXPECT_TRUE(raw.ReadsEndOfStream());
  }
  {
    // HTTP/1.0 has no interim responses: the expectation is ignored and
    // the request answered once its body is in.
    RawConnection raw(port());
    ASSERT_TRUE(raw.Send(CreateHeader(user, authorization, body, "100-continue", "HTTP/1.0") + body));
    auto created = raw.ReadResponse();
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 201) << *created;
  }
}

// --- The connection cap --------------------------------------------------------

TEST(ConnectionCapTest, ConnectionsOverTheCapAreClosedAtOnceAndTheOthersKeepWorking) {
  ServerOptions options;
  options.extra_args = {"--max-connections", "3"};
  auto server = TestServer::Start(options);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(server->port()));
    // A full exchange proves each one is being served before the next comes.
    ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto answer = held.back()->ReadResponse();
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->status, 200);
  }
  {
    // The reset may even reach the client before its connect completes.
    bool closed_at_once = true;
    try {
      RawConnection over(server->port());
      (void)over.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      closed_at_once = over.ReadsEndOfStream();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("reset"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(closed_at_once) << "the fourth connection is closed without an answer";
  }
  // The held connections are still served; one of them reads the figures.
  ASSERT_TRUE(held[0]->Send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto metrics = held[0]->ReadResponse();
  ASSERT_TRUE(metrics.has_value());
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(MetricSample(metrics->body, "wdrbe_http_connections_open"), 3) << metrics->body;
  EXPECT_EQ(MetricSample(metrics->body, "wdrbe_http_connections_max"), 3);
  EXPECT_GE(MetricSample(metrics->body, "wdrbe_http_connections_refused_total"), 1);

  // Once one closes, a new connection is served again.
  held.pop_back();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    // Refused (reset) until the server has seen the close.
    try {
      RawConnection again(server->port());
      if (again.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
        if (auto answer = again.ReadResponse()) status = answer->status;
      }
    } catch (const std::runtime_error&) {
    }
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

// Out of descriptors, accept fails; the server must keep accepting once
// descriptors are free again.
TEST(ConnectionCapTest, AcceptFailuresDoNotStopTheServer) {
#if WDRBE_SANITIZED_BUILD
  // A sanitizer's runtime needs descriptors of its own (UBSan opens a pipe
  // to check memory before it reports), so out of descriptors it aborts the
  // server with a false report. The release build runs this test.
  GTEST_SKIP() << "needs an unsanitized server: sanitizer runtimes fail without free descriptors";
#endif
  auto server = TestServer::Start();
  rlimit tight{};
  ASSERT_EQ(::prlimit(server->pid(), RLIMIT_NOFILE, nullptr, &tight), 0);
  const rlimit original = tight;
  tight.rlim_cur = 64;
  ASSERT_EQ(::prlimit(server->pid(), RLIMIT_NOFILE, &tight, nullptr), 0) << std::strerror(errno);
  {
    // More connections than descriptors: the kernel queues them, accept
    // fails with EMFILE for the rest.
    std::vector<std::unique_ptr<RawConnection>> flood;
    for (int i = 0; i < 100; ++i) {
      try {
        flood.push_back(std::make_unique<RawConnection>(server->port()));
      } catch (const std::runtime_error&) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_EQ(::prlimit(server->pid(), RLIMIT_NOFILE, &original, nullptr), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    try {
      status = HttpClient(server->port()).Get("/healthz").status;
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(status, 200) << "the accept loop survived running out of descriptors";
  EXPECT_TRUE(server->CheckAlive()) << server->Output();
}

TEST(ConnectionCapTest, TheCapMustBeAPositiveNumber) {
  const ProcessOutcome outcome = RunToExit({"serve", "--max-connections", "0"}, std::string(kTestJwtSecret));
  EXPECT_FALSE(outcome.status.ExitedWith(0)) << outcome.output;
  EXPECT_NE(outcome.output.find("--max-connections"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace wdrbe::testing
