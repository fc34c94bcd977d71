// RS256/ES256 tokens against the real binary: keys from --jwks-file, and
// from --jwks-url served by the test itself on loopback (rotation, refresh
// on an unknown kid, the timer, a provider that goes down), plus the
// algorithm-confusion attacks a JWKS invites.
#include <poll.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/signing_keys.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"
#include "testing/tls_certificate.hpp"
#include "wdrbe/base/base64.hpp"

namespace wdrbe::testing {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;

// How long a rotation may take to show; it bounds a failure, not the speed.
constexpr auto kRotationDeadline = std::chrono::seconds(15);

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t Count(const std::string& haystack, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++count;
  return count;
}

// A JWKS provider on 127.0.0.1:<kernel port>: one thread, one connection at
// a time, answering every GET with the current document (or status); over
// HTTPS when given a certificate.
class JwksProvider {
 public:
  explicit JwksProvider(std::optional<TlsCertificate> tls = std::nullopt)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (tls) {
      tls_.emplace(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->cert_file.string());
      tls_->use_private_key_file(tls->key_file.string(), asio::ssl::context::pem);
    }
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { ServeLoop(); });
  }
  ~JwksProvider() { Stop(); }

  std::string url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
           "/.well-known/jwks.json";
  }
  void Serve(const json::object& document) {
    std::lock_guard lock(mutex_);
    status_ = 200;
    body_ = json::serialize(document);
  }
  void FailWith(int status) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = R"({"error":"down"})";
  }
  int requests() const { return requests_.load(); }
  int handshakes() const { return handshakes_.load(); }
  // Closes the listening socket: later fetches are refused connections.
  void Stop() {
    if (stop_.exchange(true)) return;
    thread_.join();
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void ServeLoop() {
    while (!stop_) {
      pollfd fd{acceptor_.native_handle(), POLLIN, 0};
      if (::poll(&fd, 1, 20) <= 0) continue;
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) continue;
      if (!tls_) {
        Answer(socket);
      } else {
        asio::ssl::stream<tcp::socket&> stream(socket, *tls_);
        stream.handshake(asio::ssl::stream_base::server, ec);
        ++handshakes_;
        if (ec) continue;  // a client that does not trust the certificate
        Answer(stream);
        stream.shutdown(ec);
      }
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  template <typename Stream>
  void Answer(Stream& stream) {
    boost::system::error_code ec;
    asio::streambuf request;
    asio::read_until(stream, request, "\r\n\r\n", ec);
    if (ec) return;
    ++requests_;
    std::string response;
    {
      std::lock_guard lock(mutex_);
      response = "HTTP/1.1 " + std::to_string(status_) + (status_ == 200 ? " OK" : " Error") +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_.size()) +
                 "\r\nConnection: close\r\n\r\n" + body_;
    }
    asio::write(stream, asio::buffer(response), ec);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> handshakes_{0};
  std::optional<asio::ssl::context> tls_;
  mutable std::mutex mutex_;
  int status_ = 500;
  std::string body_;
};

json::object Claims(std::string_view sub) { return {{"sub", sub}, {"exp", NowSeconds() + 3600}}; }

// The status of listing `user`'s items with `token`.
int StatusWith(std::uint16_t port, std::string_view user, const std::string& token) {
  HttpClient http(port);
  return http.Get("/users/" + std::string(user) + "/items", token).status;
}

// Polls until `token` gets `status` or the deadline passes; true if it did.
bool EventuallyAnswers(std::uint16_t port, std::string_view user, const std::string& token, int status) {
  const auto deadline = std::chrono::steady_clock::now() + kRotationDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (StatusWith(port, user, token) == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::filesystem::path WriteFile(const TempDir& dir, std::string_view name, const std::string& text) {
  const auto path = dir.path() / std::string(name);
  std::ofstream(path) << text;
  return path;
}

std::string Hs256With(std::string_view key, const json::object& header, const json::object& claims) {
  const std::string unsigned_token = RawToken(header, claims, "");
  return unsigned_token + Hs256Signature(unsigned_token.substr(0, unsigned_token.size() - 1), key);
}

// ------------------------------------------------------------ --jwks-file

class JwksFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new SigningKey(SigningKey::Rsa(2048));
    ec_ = new SigningKey(SigningKey::Ec("P-256"));
    p384_ = new SigningKey(SigningKey::Ec("P-384"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
    delete p384_;
  }

  std::unique_ptr<TestServer> StartWithFile(std::optional<std::string> secret) {
    keys_file_ =
        WriteFile(dir_, "jwks.json",
                  json::serialize(JwksDocument({rsa_->Jwk("rsa-1"), ec_->Jwk("ec-1"), p384_->Jwk("p384")})));
    ServerOptions options;
    options.jwt_secret = std::move(secret);
    options.extra_args = {"--jwks-file", keys_file_.string()};
    return TestServer::Start(options);
  }

  static SigningKey* rsa_;
  static SigningKey* ec_;
  static SigningKey* p384_;
  TempDir dir_;
  std::filesystem::path keys_file_;
};
SigningKey* JwksFileTest::rsa_ = nullptr;
SigningKey* JwksFileTest::ec_ = nullptr;
SigningKey* JwksFileTest::p384_ = nullptr;

TEST_F(JwksFileTest, Rs256AndEs256TokensAreAcceptedAndWrongSignaturesRefused) {
  auto server = StartWithFile(std::nullopt);
  EXPECT_EQ(StatusWith(server->port(), "alice", rsa_->Token(Claims("alice"), "rsa-1")), 200);
  EXPECT_EQ(StatusWith(server->port(), "bob", ec_->Token(Claims("bob"), "ec-1")), 200);
  // The subject still decides whose items: another user's path is 403.
  EXPECT_EQ(StatusWith(server->port(), "bob", rsa_->Token(Claims("alice"), "rsa-1")), 403);
  EXPECT_EQ(StatusWith(server->port(), "alice", SigningKey::Rsa().Token(Claims("alice"), "rsa-1")), 401);
  EXPECT_EQ(StatusWith(server->port(), "alice", SigningKey::Ec().Token(Claims("alice"), "ec-1")), 401);
  // The skipped P-384 key was reported at start.
  EXPECT_TRUE(Contains(server->Output(), "P-384")) << server->Output();
}

TEST_F(JwksFileTest, AlgorithmConfusionIsRefused) {
  auto server = StartWithFile(std::nullopt);
  const std::uint16_t port = server->port();
  const json::object claims = Claims("mallory");
  const std::string pem = rsa_->PublicPem();
  const std::string n = std::string(rsa_->Jwk("")["n"].as_string());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HS256 signed with the RSA public key PEM",
       Hs256With(pem, {{"alg", "HS256"}, {"kid", "rsa-1"}}, claims)},
      {"HS256 signed with the JWK n", Hs256With(n, {{"alg", "HS256"}, {"kid", "rsa-1"}}, claims)},
      {"HS256 signed with the n bytes", Hs256With(*Base64UrlDecode(n), {{"alg", "HS256"}}, claims)},
      {"HS256 with only a JWKS configured", MakeToken("mallory")},
      {"alg none", RawToken({{"alg", "none"}, {"kid", "rsa-1"}}, claims, "")},
      {"alg none without kid", RawToken({{"alg", "none"}}, claims, "")},
      {"ES256 with a P-384 key (skipped)", p384_->Token(claims, "p384", "ES256")},
      {"ES384", p384_->Token(claims, "p384")},
      {"RS256 naming the EC key", rsa_->Token(claims, "ec-1")},
      {"ES256 naming the RSA key", ec_->Token(claims, "rsa-1")},
  };
  for (const auto& [name, token] : cases) {
    SCOPED_TRACE(name);
    HttpClient http(port);
    const Response response = http.Get("/users/mallory/items", token);
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << response;
  }
}

TEST_F(JwksFileTest, Hs256AndJwksTogetherAcceptBothKinds) {
  auto server = StartWithFile(std::string(kTestJwtSecret));
  EXPECT_EQ(StatusWith(server->port(), "carol", MakeToken("carol")), 200);
  EXPECT_EQ(StatusWith(server->port(), "carol", rsa_->Token(Claims("carol"), "rsa-1")), 200);
  EXPECT_EQ(StatusWith(server->port(), "carol", ec_->Token(Claims("carol"), "ec-1")), 200);
  // The secret is not a JWKS key, nor a JWKS key a secret.
  EXPECT_EQ(StatusWith(server->port(), "carol",
                       MakeToken("carol", std::chrono::hours(1), "a-different-secret-of-sufficient-length!")),
            401);
}

// ----------------------------------------------------------- start errors

ProcessOutcome Serve(const TempDir& data_dir, std::vector<std::string> extra,
                     std::optional<std::string> secret = std::nullopt) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                   (data_dir.path() / "data").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunToExit(args, secret);
}

void ExpectStartFailure(const ProcessOutcome& outcome, std::string_view mention) {
  EXPECT_FALSE(outcome.status.timed_out) << outcome.output;
  EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
  EXPECT_FALSE(Contains(outcome.output, "listening on")) << outcome.output;
  EXPECT_TRUE(Contains(outcome.output, mention)) << outcome.output;
}

TEST(JwksStartTest, AnUnusableKeySourceStopsTheStart) {
  TempDir dir;
  const auto unusable =
      WriteFile(dir, "p384.json", json::serialize(JwksDocument({SigningKey::Ec("P-384").Jwk("k")})));
  ExpectStartFailure(Serve(dir, {"--jwks-file", unusable.string()}), "no usable RS256/ES256 key");
  ExpectStartFailure(Serve(dir, {"--jwks-file", (dir.path() / "missing.json").string()}),
                     "cannot read --jwks-file");
  ExpectStartFailure(Serve(dir, {"--jwks-file", unusable.string(), "--jwks-url", "http://127.0.0.1:1/k"}),
                     "exclusive");
  ExpectStartFailure(Serve(dir, {"--jwks-url", "http://example.com/jwks.json"}), "loopback");
  ExpectStartFailure(Serve(dir, {"--jwks-url", "https://127.0.0.1:1/jwks.json", "--jwks-refresh", "0"}),
                     "--jwks-refresh");
  // A provider that is down at start: nothing to verify with, so no start.
  JwksProvider provider;
  const std::string url = provider.url();
  provider.Stop();
  ExpectStartFailure(Serve(dir, {"--jwks-url", url}), "--jwks-url");
  // Neither a secret nor a JWKS: the error says how to configure either.
  const ProcessOutcome neither = Serve(dir, {});
  ExpectStartFailure(neither, "WDRBE_JWT_SECRET");
  EXPECT_TRUE(Contains(neither.output, "--jwks-url")) << neither.output;
}

TEST(JwksStartTest, TheFlagsAlsoReadTheirEnvironmentVariables) {
  TempDir dir;
  const SigningKey key = SigningKey::Ec();
  const auto file = WriteFile(dir, "jwks.json", json::serialize(JwksDocument({key.Jwk("env")})));
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_env = {{"WDRBE_JWKS_FILE", file.string()}};
  auto server = TestServer::Start(options);
  EXPECT_EQ(StatusWith(server->port(), "dave", key.Token(Claims("dave"), "env")), 200);

  JwksProvider provider;
  provider.Serve(JwksDocument({key.Jwk("env")}));
  options.extra_env = {{"WDRBE_JWKS_URL", provider.url()}, {"WDRBE_JWKS_REFRESH", "0"}};
  ExpectStartFailure(
      RunToExit({"serve", "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "d").string()}, std::nullopt,
                options.extra_env),
      "--jwks-refresh");
}

// ------------------------------------------------------------- --jwks-url

TEST(JwksUrlTest, ANewKidIsAcceptedAfterTheRefreshItTriggers) {
  const SigningKey first = SigningKey::Rsa();
  const SigningKey second = SigningKey::Ec();
  JwksProvider provider;
  provider.Serve(JwksDocument({first.Jwk("k1")}));
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  // An hour: only the unknown kid can make the server fetch again.
  options.extra_args = {"--jwks-url", provider.url(), "--jwks-refresh", "3600"};
  auto server = TestServer::Start(options);
  EXPECT_EQ(provider.requests(), 1);
  EXPECT_EQ(StatusWith(server->port(), "erin", first.Token(Claims("erin"), "k1")), 200);

  provider.Serve(JwksDocument({first.Jwk("k1"), second.Jwk("k2")}));
  const std::string rotated = second.Token(Claims("erin"), "k2");
  // Refused at once (no waiting for the fetch), accepted once it is done.
  EXPECT_EQ(StatusWith(server->port(), "erin", rotated), 401);
  EXPECT_TRUE(EventuallyAnswers(server->port(), "erin", rotated, 200)) << server->Output();
  EXPECT_EQ(provider.requests(), 2);
  EXPECT_EQ(StatusWith(server->port(), "erin", first.Token(Claims("erin"), "k1")), 200);

  // Within 30 s of that refresh, more unknown kids fetch nothing.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(StatusWith(server->port(), "erin", second.Token(Claims("erin"), "k-unknown")), 401);
  }
  EXPECT_EQ(provider.requests(), 2);
}

// The provider's certificate is checked against the trusted CAs (OpenSSL's
// default paths, which SSL_CERT_FILE names here) and its name against the
// URL's host (an IP address here, as the certificate's subjectAltName).
TEST(JwksUrlTest, AnHttpsProviderIsUsedOnlyWithACertificateTheServerTrusts) {
  const SigningKey key = SigningKey::Ec();
  TempDir certs;
  const TlsCertificate certificate = MakeSelfSignedCertificate(certs.path(), "jwks");
  JwksProvider provider(certificate);
  provider.Serve(JwksDocument({key.Jwk("k1")}));
  ASSERT_TRUE(provider.url().starts_with("https://"));

  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_args = {"--jwks-url", provider.url()};
  options.extra_env = {{"SSL_CERT_FILE", certificate.cert_file.string()}};
  auto server = TestServer::Start(options);
  EXPECT_EQ(StatusWith(server->port(), "tess", key.Token(Claims("tess"), "k1")), 200);
  EXPECT_TRUE(server->Stop().ExitedWith(0)) << server->Output();

  // The same provider, its certificate trusted by nobody: no keys, no start.
  TempDir data;
  const TlsCertificate stranger = MakeSelfSignedCertificate(certs.path(), "stranger");
  const int handshakes = provider.handshakes();
  const ProcessOutcome refused = RunToExit(
      {"serve", "--listen", "127.0.0.1:0", "--data-dir", data.path().string(), "--jwks-url", provider.url()},
      std::nullopt, {{"SSL_CERT_FILE", stranger.cert_file.string()}});
  EXPECT_FALSE(refused.status.ExitedWith(0)) << refused.output;
  EXPECT_TRUE(Contains(refused.output, "--jwks-url")) << refused.output;
  EXPECT_GT(provider.handshakes(), handshakes) << "it did try the provider";
  EXPECT_EQ(provider.requests(), 1) << "no request was sent over an untrusted connection";
}

TEST(JwksUrlTest, TheTimerDropsRemovedKeysAndAProviderThatIsDownKeepsTheCachedOnes) {
  const SigningKey old_key = SigningKey::Ec();
  const SigningKey new_key = SigningKey::Rsa();
  JwksProvider provider;
  provider.Serve(JwksDocument({old_key.Jwk("old"), new_key.Jwk("new")}));
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_args = {"--jwks-url", provider.url(), "--jwks-refresh", "1"};
  auto server = TestServer::Start(options);
  const std::uint16_t port = server->port();
  const std::string old_token = old_key.Token(Claims("frank"), "old");
  const std::string new_token = new_key.Token(Claims("frank"), "new");
  EXPECT_EQ(StatusWith(port, "frank", old_token), 200);
  EXPECT_EQ(StatusWith(port, "frank", new_token), 200);

  provider.Serve(JwksDocument({new_key.Jwk("new")}));
  EXPECT_TRUE(EventuallyAnswers(port, "frank", old_token, 401)) << server->Output();
  EXPECT_EQ(StatusWith(port, "frank", new_token), 200);

  // Down with 500s, then not listening at all: each failed refresh logs a
  // warning, and the cached key keeps working throughout.
  const auto await_failed_refreshes = [&](std::size_t at_least) {
    const auto deadline = std::chrono::steady_clock::now() + kRotationDeadline;
    while (Count(server->Output(), "JWKS refresh failed") < at_least &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Count(server->Output(), "JWKS refresh failed");
  };
  provider.FailWith(500);
  EXPECT_GE(await_failed_refreshes(2), 2u) << server->Output();
  EXPECT_TRUE(Contains(server->Output(), "answered 500")) << server->Output();
  EXPECT_EQ(StatusWith(port, "frank", new_token), 200);
  const std::size_t failed_so_far = Count(server->Output(), "JWKS refresh failed");
  provider.Stop();
  EXPECT_GE(await_failed_refreshes(failed_so_far + 2), failed_so_far + 2) << server->Output();
  EXPECT_EQ(StatusWith(port, "frank", new_token), 200);
  EXPECT_EQ(StatusWith(port, "frank", old_token), 401);
  EXPECT_TRUE(server->CheckAlive());
}

}  // namespace
}  // namespace wdrbe::testing
