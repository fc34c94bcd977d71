// HTTPS: with --tls-cert and --tls-key the listener speaks TLS 1.2 or newer
// only, with the HTTP behaviour of the plain listener; a client speaking
// plain HTTP or an old protocol is refused without disturbing anyone else;
// and TLS configuration that cannot work stops the start with a message.
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"
#include "testing/tls_certificate.hpp"

namespace wdrbe::testing {
namespace {

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> TlsArgs(const TlsCertificate& certificate) {
  return {"--tls-cert", certificate.cert_file.string(), "--tls-key", certificate.key_file.string()};
}

// The message of the exception `send` throws; "" when it throws none.
template <typename Send>
std::string FailureOf(Send&& send) {
  try {
    send();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// One HTTPS server for the suite, with a certificate made for it.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificate_dir_ = new TempDir();
    certificate_ = MakeSelfSignedCertificate(certificate_dir_->path());
    ServerOptions options;
    options.extra_args = TlsArgs(certificate_);
    try {
      server_ = TestServer::Start(options).release();
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete certificate_dir_;
    certificate_dir_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(server_, nullptr) << start_error_; }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_TRUE(server_->CheckAlive()) << server_->Output();
    }
  }

  static TestServer& server() { return *server_; }
  static std::uint16_t port() { return server_->port(); }
  static const TlsCertificate& certificate() { return certificate_; }

  static HttpClient HttpsClient(int max_version = 0) {
    return HttpClient(port(), TlsClientOptions{certificate_.cert_file, max_version});
  }

 private:
  static inline TempDir* certificate_dir_ = nullptr;
  static inline TlsCertificate certificate_;
  static inline TestServer* server_ = nullptr;
  static inline std::string start_error_;
};

TEST_F(TlsTest, TheServerAnnouncesHttps) { EXPECT_EQ(server().scheme(), "https") << server().Output(); }

TEST_F(TlsTest, HealthAndAnAuthenticatedCreateAndGetWorkOverHttps) {
  HttpClient https = HttpsClient();
  const Response health = https.Get("/healthz");
  EXPECT_EQ(health.status, 200) << health;
  EXPECT_EQ(health.String("status"), "ok");
  EXPECT_TRUE(health.Header("X-Request-Id").has_value());

  const std::string user = "u-tls-owner";
  const std::string token = MakeToken(user);
  const Response created =
      https.Post("/users/" + user + "/items", ItemBody("Silk Scarf", "accessories"), token);
  ASSERT_EQ(created.status, 201) << created;
  const std::string item_id = created.String("itemId");
  const Response fetched = https.Get("/items/" + item_id, token);
  EXPECT_EQ(fetched.status, 200) << fetched;
  EXPECT_EQ(fetched.String("name"), "Silk Scarf");
  EXPECT_EQ(https.Get("/items/" + item_id).status, 401);
}

TEST_F(TlsTest, AClientThatTrustsAnotherCertificateRefusesTheServer) {
  TempDir other_dir;
  const TlsCertificate other = MakeSelfSignedCertificate(other_dir.path(), "other");
  HttpClient https(port(), TlsClientOptions{other.cert_file});
  const std::string failure = FailureOf([&] { https.Get("/healthz"); });
  EXPECT_TRUE(Contains(failure, "certificate verify failed")) << failure;
  EXPECT_EQ(HttpsClient().Get("/healthz").status, 200);
}

TEST_F(TlsTest, SeveralRequestsShareOneKeptAliveConnection) {
  HttpClient https = HttpsClient();
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    const Response response =
        https.Get("/healthz", "", {{"X-Request-Id", "tls-keep-alive-" + std::to_string(i)}});
    EXPECT_EQ(response.status, 200) << response;
    EXPECT_EQ(response.Header("X-Request-Id").value_or(""), "tls-keep-alive-" + std::to_string(i));
  }
  EXPECT_EQ(https.connections_opened(), 1);
}

TEST_F(TlsTest, PlainHttpToTheTlsPortFailsAtOnceAndHttpsGoesOn) {
  const auto started = std::chrono::steady_clock::now();
  HttpClient plain(port());
  const std::string failure = FailureOf([&] { plain.Get("/healthz"); });
  const auto took = std::chrono::steady_clock::now() - started;

  EXPECT_FALSE(failure.empty()) << "a plain HTTP request to the TLS port was answered";
  EXPECT_FALSE(Contains(failure, "no answer within")) << failure;
  EXPECT_LT(took, std::chrono::seconds(5)) << "the server held the plain connection open";
  const Response after = HttpsClient().Get("/healthz");
  EXPECT_EQ(after.status, 200) << after;
  const std::string output = server().Output();
  EXPECT_FALSE(Contains(output, "\"level\":\"error\"")) << output;
  EXPECT_FALSE(Contains(output, "\"level\":\"warn\"")) << output;
}

TEST_F(TlsTest, ATls12ClientIsServedAndATls11ClientIsRefused) {
  const Response tls12 = HttpsClient(TLS1_2_VERSION).Get("/healthz");
  EXPECT_EQ(tls12.status, 200) << tls12;

  HttpClient tls11 = HttpsClient(TLS1_1_VERSION);
  const std::string failure = FailureOf([&] { tls11.Get("/healthz"); });
  // The server's alert, not the client's own refusal to offer TLS 1.1.
  EXPECT_TRUE(Contains(failure, "alert protocol version")) << failure;
  EXPECT_EQ(HttpsClient().Get("/healthz").status, 200);
}

// The server answers before it has read the body, then closes; over TLS the
// client is still sending, and closing on unread input would reset the
// connection and could destroy the 413 before the client reads it.
TEST_F(TlsTest, ABodyOver64KiBIs413OverTlsTooAndTheClientReadsIt) {
  const std::string user = "u-tls-large";
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i));
    HttpClient https = HttpsClient();
    const Response response = https.Send({"POST",
                                          "/users/" + user + "/items",
                                          {{"Authorization", Bearer(MakeToken(user))},
                                           {"Content-Type", "application/json"},
                                           {"Origin", "https://app.example.com"}},
                                          std::string(70 * 1024, ' ')});
    ASSERT_EQ(response.status, 413) << response;
    EXPECT_EQ(response.ErrorCode(), "payload_too_large");
    EXPECT_EQ(response.Header("Access-Control-Allow-Origin").value_or(""), "*");
  }
  EXPECT_EQ(HttpsClient().Get("/healthz").status, 200);
}

// ------------------------------------------------------ start and shutdown

std::vector<std::string> ServeArgs(const TempDir& data_dir, std::vector<std::string> tls_args) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                   data_dir.path().string()};
  args.insert(args.end(), tls_args.begin(), tls_args.end());
  return args;
}

// Runs `wdrbe serve` with these TLS flags, which must stop the start.
std::string StartFailure(std::vector<std::string> tls_args) {
  TempDir data_dir;
  const ProcessOutcome outcome =
      RunToExit(ServeArgs(data_dir, std::move(tls_args)), std::string(kTestJwtSecret));
  EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
  EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
  EXPECT_FALSE(Contains(outcome.output, "listening on")) << outcome.output;
  return outcome.output;
}

TEST(TlsStartTest, OnlyOneOfTheTwoFlagsIsRefused) {
  TempDir dir;
  const TlsCertificate certificate = MakeSelfSignedCertificate(dir.path());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--tls-cert", certificate.cert_file.string()}, {"--tls-key", certificate.key_file.string()}}) {
    SCOPED_TRACE(args[0]);
    const std::string output = StartFailure(args);
    EXPECT_TRUE(Contains(output, "--tls-cert and --tls-key go together")) << output;
  }
}

TEST(TlsStartTest, AMissingFileIsNamed) {
  TempDir dir;
  const TlsCertificate certificate = MakeSelfSignedCertificate(dir.path());
  const std::string missing = (dir.path() / "missing.pem").string();

  std::string output = StartFailure({"--tls-cert", certificate.cert_file.string(), "--tls-key", missing});
  EXPECT_TRUE(Contains(output, "--tls-key " + missing)) << output;
  EXPECT_TRUE(Contains(output, "No such file or directory")) << output;

  output = StartFailure({"--tls-cert", missing, "--tls-key", certificate.key_file.string()});
  EXPECT_TRUE(Contains(output, "--tls-cert " + missing)) << output;
  EXPECT_TRUE(Contains(output, "No such file or directory")) << output;
}

TEST(TlsStartTest, AFileWithoutPemIsRefused) {
  TempDir dir;
  const TlsCertificate certificate = MakeSelfSignedCertificate(dir.path());
  // Each file where the other belongs: neither holds what is expected.
  const std::string output =
      StartFailure({"--tls-cert", certificate.key_file.string(), "--tls-key", certificate.key_file.string()});
  EXPECT_TRUE(Contains(output, "holds no PEM certificate")) << output;
  const std::string key_output = StartFailure(
      {"--tls-cert", certificate.cert_file.string(), "--tls-key", certificate.cert_file.string()});
  EXPECT_TRUE(Contains(key_output, "holds no PEM private key")) << key_output;
}

TEST(TlsStartTest, AKeyThatDoesNotMatchTheCertificateIsRefused) {
  TempDir dir;
  const TlsCertificate first = MakeSelfSignedCertificate(dir.path(), "first");
  const TlsCertificate second = MakeSelfSignedCertificate(dir.path(), "second");
  const std::string output =
      StartFailure({"--tls-cert", first.cert_file.string(), "--tls-key", second.key_file.string()});
  EXPECT_TRUE(Contains(output, "does not match the certificate")) << output;
  EXPECT_TRUE(Contains(output, second.key_file.string())) << output;
}

TEST(TlsLifecycleTest, SigtermExitsWithStatus0EvenWithAnIdleTlsConnectionOpen) {
  TempDir dir;
  const TlsCertificate certificate = MakeSelfSignedCertificate(dir.path());
  ServerOptions options;
  options.extra_args = TlsArgs(certificate);
  const auto server = TestServer::Start(options);
  HttpClient idle(server->port(), TlsClientOptions{certificate.cert_file});
  ASSERT_EQ(idle.Get("/healthz").status, 200);

  const ExitStatus status = server->Stop();

  EXPECT_TRUE(status.ExitedWith(0)) << status << "; output:\n" << server->Output();
}

}  // namespace
}  // namespace wdrbe::testing
