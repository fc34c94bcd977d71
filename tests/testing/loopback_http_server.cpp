#include "testing/loopback_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <thread>

namespace wdrbe::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

}  // namespace

std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(key[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return value;
  }
  return "";
}

struct LoopbackHttpServer::Impl {
  RequestHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<asio::ssl::context> tls;
  mutable std::mutex mutex;
  std::vector<RecordedRequest> requests;  // guarded by mutex
  int connections = 0;                    // guarded by mutex
  std::thread thread;

  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, int connection) {
    beast::flat_buffer buffer;
    while (true) {
      bhttp::request<bhttp::string_body> request;
      auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, request, kNoThrow);
      (void)read;
      if (read_ec) co_return;
      RecordedRequest recorded{std::string(request.method_string()),
                               std::string(request.target()),
                               {},
                               request.body(),
                               connection};
      for (const auto& field : request) {
        recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      {
        std::lock_guard lock(mutex);
        requests.push_back(recorded);
      }
      const CannedResponse canned = handler(recorded);
      if (canned.delay.count() > 0) {
        asio::steady_timer timer(io, canned.delay);
        auto [wait_ec] = co_await timer.async_wait(kNoThrow);
        (void)wait_ec;
      }
      if (canned.drop) co_return;
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(canned.status), 11};
      for (const auto& [name, value] : canned.headers) response.insert(name, value);
      response.body() = canned.body;
      response.prepare_payload();
      response.keep_alive(!canned.close && request.keep_alive());
      auto [write_ec, written] = co_await bhttp::async_write(stream, response, kNoThrow);
      (void)written;
      if (write_ec || !response.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> Connection(tcp::socket socket, int connection) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await Serve(stream, connection);
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (handshake_ec) co_return;
    co_await Serve(stream, connection);
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<void> Accept() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) co_return;
      int number = 0;
      {
        std::lock_guard lock(mutex);
        number = ++connections;
      }
      asio::co_spawn(io, Connection(std::move(socket), number), asio::detached);
    }
  }
};

LoopbackHttpServer::LoopbackHttpServer(RequestHandler handler, std::optional<TlsCertificate> tls,
                                       const std::string& address)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  if (tls) {
    impl_->tls.emplace(asio::ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->cert_file.string());
    impl_->tls->use_private_key_file(tls->key_file.string(), asio::ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address(address), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::vector<RecordedRequest> LoopbackHttpServer::Requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

int LoopbackHttpServer::Connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

}  // namespace wdrbe::testing
