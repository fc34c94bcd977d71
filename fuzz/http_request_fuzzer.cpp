// Raw bytes as a client's side of a connection, read the way the server
// reads them: the same parser limits and bounded buffer (request_reading),
// header first, then the framing rules, then the body, request after
// request until the bytes run out or one is refused. The bytes arrive in
// pieces whose sizes the input also chooses, as TCP would split them.
//
// Asserted: nothing crashes; the unparsed bytes held never exceed the
// buffer's bound; no accepted request has a header or body over its limit;
// every refusal has a status the contract names.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wdrbe/http/request_reading.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = wdrbe::http;

constexpr http::RequestLimits kLimits{8 * 1024, 64 * 1024, 16 * 1024};

// A SyncReadStream over the fuzz input. The first byte seeds the piece
// sizes (1-256 bytes per read); the end of the input is the end of stream.
class PiecewiseStream {
 public:
  explicit PiecewiseStream(std::string_view bytes) : seed_(bytes.empty() ? 1 : bytes[0] | 1), rest_(bytes) {}

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    if (rest_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    seed_ = seed_ * 1103515245u + 12345u;
    const std::size_t piece = std::min<std::size_t>(rest_.size(), 1 + ((seed_ >> 16) & 0xFF));
    const std::size_t n = asio::buffer_copy(buffers, asio::buffer(rest_.data(), piece));
    rest_.remove_prefix(n);
    return n;
  }

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  unsigned seed_;
  std::string_view rest_;
};

bool IsPeerGone(const boost::system::error_code& ec) {
  return ec == http::beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == http::beast_http::error::partial_message;
}

void CheckRefusal(const http::Refusal& refusal) {
  const auto code = refusal.error.code;
  if (code != wdrbe::ErrorCode::kBadRequest && code != wdrbe::ErrorCode::kPayloadTooLarge &&
      code != wdrbe::ErrorCode::kExpectationFailed) {
    __builtin_trap();
  }
  if (refusal.error.message.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  PiecewiseStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  beast::flat_buffer buffer(kLimits.max_unparsed_bytes);
  for (int request = 0; request < 64; ++request) {
    http::RequestParser parser;
    http::ApplyLimits(parser, kLimits);
    boost::system::error_code ec;
    http::beast_http::read_header(stream, buffer, parser, ec);
    if (buffer.size() > kLimits.max_unparsed_bytes) __builtin_trap();
    if (ec) {
      if (!IsPeerGone(ec)) CheckRefusal(http::RefusalForReadError(ec, http::ReadPhase::kHeader, kLimits));
      return 0;
    }
    bool expects_continue = false;
    if (auto refusal = http::RefusalForHeader(parser, kLimits, expects_continue)) {
      CheckRefusal(*refusal);
      return 0;
    }
    http::beast_http::read(stream, buffer, parser, ec);
    if (buffer.size() > kLimits.max_unparsed_bytes) __builtin_trap();
    if (ec) {
      if (ec == http::beast_http::error::body_limit || !IsPeerGone(ec)) {
        CheckRefusal(http::RefusalForReadError(ec, http::ReadPhase::kBody, kLimits));
      }
      return 0;
    }
    const http::HttpRequest& accepted = parser.get();
    if (accepted.body().size() > kLimits.max_body_bytes) __builtin_trap();
    std::size_t header_bytes = accepted.target().size() + accepted.method_string().size();
    for (const auto& field : accepted) header_bytes += field.name_string().size() + field.value().size();
    if (header_bytes > kLimits.max_header_bytes) __builtin_trap();
    if (!accepted.keep_alive()) return 0;
  }
  return 0;
}
