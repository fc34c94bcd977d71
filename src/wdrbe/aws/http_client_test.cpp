#include "wdrbe/aws/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "testing/loopback_http_server.hpp"
#include "testing/temp_dir.hpp"
#include "testing/tls_certificate.hpp"

namespace wdrbe::aws {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::RecordedRequest;

Task<void> StoreIn(Task<Result<HttpResponse>> task, std::vector<Result<HttpResponse>>& results) {
  Result<HttpResponse> result = co_await std::move(task);
  results.push_back(std::move(result));
}

// Runs `tasks` concurrently to completion on `io` (which the client is
// bound to) and returns their results in the order they finished.
std::vector<Result<HttpResponse>> RunOn(boost::asio::io_context& io,
                                        std::vector<Task<Result<HttpResponse>>> tasks) {
  std::vector<Result<HttpResponse>> results;
  for (auto& task : tasks) {
    boost::asio::co_spawn(io, StoreIn(std::move(task), results), [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
  }
  io.restart();
  io.run();
  return results;
}

EndpointUrl Loopback(std::uint16_t port, bool tls = false, std::string host = "127.0.0.1") {
  return *ParseEndpointUrl(std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port));
}

class HttpClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpClient> Client(HttpClientOptions options = {}) {
    auto client = HttpClient::Create(io, std::move(options));
    EXPECT_TRUE(client.ok()) << client.error().message;
    return std::move(*client);
  }
  Result<HttpResponse> Send(HttpClient& client, const EndpointUrl& endpoint, HttpRequest request = {}) {
    std::vector<Task<Result<HttpResponse>>> tasks;
    tasks.push_back(client.Send(endpoint, std::move(request)));
    return std::move(RunOn(io, std::move(tasks)).front());
  }

  boost::asio::io_context io;
};

TEST(EndpointUrlTest, ParsesSchemesHostsPortsAndPaths) {
  auto aws = ParseEndpointUrl("https://dynamodb.eu-west-1.amazonaws.com");
  ASSERT_TRUE(aws.ok());
  EXPECT_TRUE(aws->tls);
  EXPECT_EQ(aws->port, "443");
  EXPECT_EQ(aws->HostHeader(), "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws->base_path, "");
  auto local = ParseEndpointUrl("http://localhost:8000/");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->HostHeader(), "localhost:8000");
  EXPECT_EQ(local->PoolKey(), "http://localhost:8000");
  auto v6 = ParseEndpointUrl("http://[::1]:4566/prefix/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->host_is_ip);
  EXPECT_EQ(v6->HostHeader(), "[::1]:4566");
  EXPECT_EQ(v6->base_path, "/prefix");
  EXPECT_FALSE(ParseEndpointUrl("ftp://example.com").ok());
  EXPECT_FALSE(ParseEndpointUrl("https://user:pw@example.com").ok());
  EXPECT_FALSE(ParseEndpointUrl("https://example.com/?a=b").ok());
  EXPECT_FALSE(ParseEndpointUrl("dynamodb.eu-west-1.amazonaws.com").ok());
}

TEST_F(HttpClientTest, SendsTheRequestAndReadsTheAnswer) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{201, {{"X-Answer", "yes"}}, "created", false, false, {}};
  });
  auto client = Client();
  HttpRequest request{"POST", "/path?q=1", {{"Content-Type", "application/json"}}, "{\"a\":1}", {}};
  auto response = Send(*client, Loopback(server.port()), request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "created");
  EXPECT_EQ(response->Header("x-answer"), "yes");

  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/path?q=1");
  EXPECT_EQ(requests[0].body, "{\"a\":1}");
  EXPECT_EQ(requests[0].Header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(requests[0].Header("Content-Length"), "7");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/json");
}

TEST_F(HttpClientTest, APlainHttpClientServesHttpAndRefusesHttps) {
  LoopbackHttpServer server([](const RecordedRequest&) { return CannedResponse{200, {}, "plain"}; });
  auto client = Client(HttpClientOptions{.https = false});
  auto plain = Send(*client, Loopback(server.port()));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->body, "plain");
  auto secure = Send(*client, Loopback(server.port(), /*tls=*/true));
  ASSERT_FALSE(secure.ok());
  EXPECT_EQ(secure.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(secure.error().message.find("plain http only"), std::string::npos) << secure.error().message;
  EXPECT_EQ(server.Requests().size(), 1u) << "nothing was sent for the https request";
}

TEST_F(HttpClientTest, KeepsConnectionsAliveAndBoundsTheIdleOnes) {
  LoopbackHttpServer server([](const RecordedRequest&) { return CannedResponse{}; });
  auto client = Client(HttpClientOptions{.max_idle_per_endpoint = 1});
  const EndpointUrl endpoint = Loopback(server.port());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Send(*client, endpoint).ok());
  EXPECT_EQ(server.Connections(), 1);  // one connection carried all three
  EXPECT_EQ(client->IdleConnections(endpoint), 1u);

  // Two at once need two connections; only one may stay idle afterwards.
  std::vector<Task<Result<HttpResponse>>> tasks;
  tasks.push_back(client->Send(endpoint, {}));
  tasks.push_back(client->Send(endpoint, {}));
  const auto results = RunOn(io, std::move(tasks));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok() && results[1].ok());
  EXPECT_EQ(server.Connections(), 2);
  EXPECT_EQ(client->IdleConnections(endpoint), 1u);
}

TEST_F(HttpClientTest, AConnectionThePeerClosedIsDroppedNotReused) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const RecordedRequest&) {
    CannedResponse response;
    response.close = ++calls == 1;  // the first answer closes its connection
    return response;
  });
  auto client = Client();
  const EndpointUrl endpoint = Loopback(server.port());
  ASSERT_TRUE(Send(*client, endpoint).ok());
  EXPECT_EQ(client->IdleConnections(endpoint), 0u);  // "Connection: close" is not pooled
  ASSERT_TRUE(Send(*client, endpoint).ok());
  EXPECT_EQ(server.Connections(), 2);
}

TEST_F(HttpClientTest, AReusedConnectionThatFailsBeforeAnswering_IsRetriedOnceOnAFreshOne) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const RecordedRequest&) {
    CannedResponse response;
    // The second request (on the kept-alive connection) is dropped
    // unanswered, as a server that timed the connection out would.
    response.drop = ++calls == 2;
    return response;
  });
  auto client = Client();
  const EndpointUrl endpoint = Loopback(server.port());
  ASSERT_TRUE(Send(*client, endpoint).ok());
  auto retried = Send(*client, endpoint);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].connection, 1);
  EXPECT_EQ(requests[2].connection, 2);  // sent again on a fresh connection
}

TEST_F(HttpClientTest, AFreshConnectionThatFailsIsNotRetried) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    CannedResponse response;
    response.drop = true;
    return response;
  });
  auto client = Client();
  auto failed = Send(*client, Loopback(server.port()));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(failed.error().message.find("no answer"), std::string::npos) << failed.error().message;
  EXPECT_EQ(server.Requests().size(), 1u);
}

TEST_F(HttpClientTest, ARequestTimesOutAtItsDeadline) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    CannedResponse response;
    response.delay = std::chrono::milliseconds(2000);
    return response;
  });
  auto client = Client();
  HttpRequest request;
  request.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto failed = Send(*client, Loopback(server.port()), request);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("timed out"), std::string::npos) << failed.error().message;
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(HttpClientTest, AnAnswerOverTheLimitFails) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, {}, std::string(2000, 'x'), false, false, {}};
  });
  auto client = Client(HttpClientOptions{.max_response_bytes = 1000});
  auto failed = Send(*client, Loopback(server.port()));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kPayloadTooLarge);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
  std::uint16_t port = 0;
  {
    LoopbackHttpServer gone([](const RecordedRequest&) { return CannedResponse{}; });
    port = gone.port();
  }
  auto client = Client();
  auto failed = Send(*client, Loopback(port));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(failed.error().message.find("cannot connect"), std::string::npos) << failed.error().message;
}

class HttpsClientTest : public HttpClientTest {
 protected:
  testing::TempDir dir;
  testing::TlsCertificate cert = testing::MakeSelfSignedCertificate(dir.path());
};

TEST_F(HttpsClientTest, VerifiesTheCertificateByNameAndByAddressAndReusesTheSession) {
  LoopbackHttpServer server(
      [](const RecordedRequest&) { return CannedResponse{200, {}, "secure", false, false, {}}; }, cert);
  auto client = Client(HttpClientOptions{.ca_file = cert.cert_file.string()});
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    auto response = Send(*client, Loopback(server.port(), true, host));
    ASSERT_TRUE(response.ok()) << host << ": " << response.error().message;
    EXPECT_EQ(response->body, "secure");
  }
  ASSERT_TRUE(Send(*client, Loopback(server.port(), true, "localhost")).ok());
  EXPECT_EQ(server.Connections(), 2);  // one per host; the third request reused the first
}

TEST_F(HttpsClientTest, AnUntrustedCertificateFailsTheHandshake) {
  LoopbackHttpServer server([](const RecordedRequest&) { return CannedResponse{}; }, cert);
  auto client = Client();  // the system's CAs do not include the test certificate
  auto failed = Send(*client, Loopback(server.port(), true, "localhost"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("certificate verification"), std::string::npos)
      << failed.error().message;
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(HttpsClientTest, ACertificateForAnotherHostIsRefused) {
  // A trusted certificate, but for DNS:localhost and IP:127.0.0.1 only,
  // served on 127.0.0.2: the chain verifies, the host check must refuse it.
  LoopbackHttpServer server([](const RecordedRequest&) { return CannedResponse{}; }, cert, "127.0.0.2");
  auto client = Client(HttpClientOptions{.ca_file = cert.cert_file.string()});
  auto failed = Send(*client, Loopback(server.port(), true, "127.0.0.2"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("certificate verification"), std::string::npos)
      << failed.error().message;
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(HttpsClientTest, AMissingCaFileIsAnError) {
  auto client = HttpClient::Create(io, HttpClientOptions{.ca_file = (dir.path() / "missing.pem").string()});
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.error().message.find("missing.pem"), std::string::npos);
}

}  // namespace
}  // namespace wdrbe::aws
