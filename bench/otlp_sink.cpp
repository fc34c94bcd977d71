// An OTLP/HTTP collector that takes every post and keeps nothing: the far
// end of span export for bench/observability.sh's `traced` configuration.
// The server under test pays for making, queueing, encoding and posting its
// spans; the sink must cost the client's core as little as it can, or it
// would slow the load generator beside it and count against the spans. So it
// is native, reads each body without parsing it and answers `{}`.
//
// Prints its port, then serves (a thread per connection: the exporter keeps
// one) until killed. `--port 0` (the default) takes any free port.
#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// An export batch is at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans of a few
// hundred bytes each; a generous bound keeps a runaway client from eating
// the machine.
constexpr std::uint64_t kMaxBodyBytes = 64ULL * 1024 * 1024;

void Serve(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    boost::system::error_code error;
    http::read(socket, buffer, parser, error);
    if (error) return;  // the client closed, or sent what no collector takes
    http::response<http::string_body> answer{http::status::ok, parser.get().version()};
    answer.set(http::field::content_type, "application/json");
    answer.keep_alive(parser.get().keep_alive());
    answer.body() = "{}";
    answer.prepare_payload();
    http::write(socket, answer, error);
    if (error || !answer.keep_alive()) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OTLP/HTTP sink for the span-export benchmark"};
  std::uint16_t port = 0;
  app.add_option("--port", port, "port on 127.0.0.1 (0: any free one)");
  CLI11_PARSE(app, argc, argv);

  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port));
  std::printf("%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  for (;;) {
    tcp::socket socket(io);
    acceptor.accept(socket);
    std::thread(Serve, std::move(socket)).detach();
  }
}
