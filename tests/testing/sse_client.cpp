#include "testing/sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "testing/response_recorder.hpp"

namespace wdrbe::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A head is a few hundred bytes; this only stops a broken server from
// making the test buffer without bound before it fails.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kMaxChunkSizeLine = 1024;

std::runtime_error Failure(const std::string& what) { return std::runtime_error("SSE client: " + what); }

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// SSE drops one space after the colon of a field or a comment.
std::string WithoutOneLeadingSpace(std::string_view value) {
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return std::string(value);
}

void SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) throw Failure(std::string("cannot send the request: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::uint64_t ParseChunkSize(std::string_view line) {
  const std::string_view hex = Trim(line.substr(0, line.find(';')));
  if (hex.empty() || hex.size() > 15) throw Failure("bad chunk size line '" + std::string(line) + "'");
  std::uint64_t size = 0;
  for (const char c : hex) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                  : -1;
    if (digit < 0) throw Failure("bad chunk size line '" + std::string(line) + "'");
    size = size * 16 + static_cast<std::uint64_t>(digit);
  }
  return size;
}

SseItem Outcome(SseItem::Kind kind) {
  SseItem item;
  item.kind = kind;
  return item;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, SseItem::Kind kind) {
  switch (kind) {
    case SseItem::Kind::kEvent:
      return out << "event";
    case SseItem::Kind::kComment:
      return out << "comment";
    case SseItem::Kind::kBodyEnded:
      return out << "end of body";
    case SseItem::Kind::kConnectionClosed:
      return out << "connection closed after the body";
    case SseItem::Kind::kCutShort:
      return out << "connection ended before the terminator";
    case SseItem::Kind::kTimeout:
      return out << "timeout";
  }
  return out << "?";
}

std::ostream& operator<<(std::ostream& out, const SseItem& item) {
  out << item.kind;
  if (item.kind == SseItem::Kind::kEvent) {
    out << " id=" << item.event.id << " event=" << item.event.event << " data=" << item.event.data;
  } else if (item.kind == SseItem::Kind::kComment) {
    out << " ':" << item.comment << "'";
  }
  return out;
}

std::unique_ptr<SseStream> SseStream::Open(std::uint16_t port, const std::string& target,
                                           const Headers& headers, const SseOptions& options) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Failure(std::string("socket: ") + std::strerror(errno));
  std::unique_ptr<SseStream> stream(new SseStream(fd));
  if (options.receive_buffer_bytes) {
    const int bytes = *options.receive_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
      throw Failure(std::string("setsockopt(SO_RCVBUF): ") + std::strerror(errno));
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw Failure("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }

  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  SendAll(fd, request);
  if (options.read_head) {
    stream->ReadHead();
    // The head, and the whole body of a response that is not a stream.
    RecordResponse(Request{.method = "GET", .target = target, .headers = headers, .body = std::nullopt},
                   stream->response_);
  }
  return stream;
}

SseStream::~SseStream() { Close(); }

void SseStream::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool SseStream::ReadSome(Clock::time_point deadline) {
  if (fd_ < 0) throw Failure("read on a closed stream");
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd ready{fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (polled < 0 && errno == EINTR) continue;
    if (polled < 0) throw Failure(std::string("poll: ") + std::strerror(errno));
    if (polled == 0) return false;
    char buffer[16 * 1024];
    const ssize_t received = ::recv(fd_, buffer, sizeof buffer, 0);
    if (received < 0 && errno == EINTR) continue;
    if (received < 0 && errno != ECONNRESET) throw Failure(std::string("recv: ") + std::strerror(errno));
    if (received <= 0) {
      eof_ = true;
    } else {
      raw_.append(buffer, static_cast<std::size_t>(received));
    }
    return true;
  }
}

void SseStream::ReadHead() {
  const auto deadline = Clock::now() + kNetworkDeadline;
  std::size_t end = std::string::npos;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (eof_) throw Failure("the connection ended before a response head: '" + raw_ + "'");
    if (raw_.size() > kMaxHeadBytes) throw Failure("a response head of more than 64 KiB");
    if (!ReadSome(deadline)) throw Failure("no response head within the network deadline");
  }
  const std::string head = raw_.substr(0, end);
  raw_.erase(0, end + 4);

  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.1 ") || status_line.size() < 12) {
    throw Failure("bad status line '" + status_line + "'");
  }
  response_.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = std::string_view(head).substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw Failure("bad header line '" + std::string(line) + "'");
    response_.headers.emplace_back(std::string(line.substr(0, colon)),
                                   std::string(Trim(line.substr(colon + 1))));
  }

  chunked_ = Lower(response_.Header("Transfer-Encoding").value_or("")).find("chunked") != std::string::npos;
  if (chunked_) return;
  const std::optional<std::string> length = response_.Header("Content-Length");
  if (!length) return;  // a body up to EOF: parsed as it comes, without a terminator
  // Not a stream: an error (or a HEAD-like answer); read all of it.
  const std::size_t size = std::stoul(*length);
  while (raw_.size() < size) {
    if (eof_) throw Failure("the connection ended inside a body of " + *length + " bytes");
    if (!ReadSome(deadline)) throw Failure("no complete body within the network deadline");
  }
  response_.body = raw_.substr(0, size);
  raw_.erase(0, size);
  chunk_ = Chunk::kDone;
  const std::string content_type = Lower(response_.Header("Content-Type").value_or(""));
  if (content_type.starts_with("application/json")) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(response_.body, ec);
    if (!ec) response_.json = std::move(parsed);
  }
}

void SseStream::DecodeBody() {
  if (!chunked_) {
    if (chunk_ != Chunk::kDone) {
      body_ += raw_;
    } else if (!raw_.empty()) {
      throw Failure("bytes after a complete response: '" + raw_ + "'");
    }
    raw_.clear();
    return;
  }
  for (;;) {
    switch (chunk_) {
      case Chunk::kSize: {
        const std::size_t end = raw_.find("\r\n");
        if (end == std::string::npos) {
          if (raw_.size() > kMaxChunkSizeLine) throw Failure("a chunk size line without an end");
          return;
        }
        chunk_left_ = ParseChunkSize(std::string_view(raw_).substr(0, end));
        raw_.erase(0, end + 2);
        chunk_ = chunk_left_ == 0 ? Chunk::kTrailers : Chunk::kData;
        break;
      }
      case Chunk::kData: {
        const std::size_t taken = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, raw_.size()));
        body_.append(raw_, 0, taken);
        raw_.erase(0, taken);
        chunk_left_ -= taken;
        if (chunk_left_ > 0) return;
        chunk_ = Chunk::kDataEnd;
        break;
      }
      case Chunk::kDataEnd:
        if (raw_.size() < 2) return;
        if (!raw_.starts_with("\r\n")) throw Failure("a chunk not followed by CRLF");
        raw_.erase(0, 2);
        chunk_ = Chunk::kSize;
        break;
      case Chunk::kTrailers: {
        const std::size_t end = raw_.find("\r\n");
        if (end == std::string::npos) return;
        raw_.erase(0, end + 2);
        if (end == 0) chunk_ = Chunk::kDone;  // the blank line after the trailers (usually none)
        break;
      }
      case Chunk::kDone:
        if (!raw_.empty()) throw Failure("bytes after the chunked terminator: '" + raw_ + "'");
        return;
    }
  }
}

std::optional<SseItem> SseStream::ParseLines() {
  for (std::size_t end; (end = body_.find('\n')) != std::string::npos;) {
    std::string line = body_.substr(0, end);
    body_.erase(0, end + 1);
    if (line.ends_with('\r')) line.pop_back();

    if (line.empty()) {
      if (!pending_has_field_) continue;
      SseItem item;
      item.kind = SseItem::Kind::kEvent;
      item.event = std::move(pending_);
      pending_ = {};
      pending_has_field_ = false;
      pending_has_data_ = false;
      return item;
    }
    if (line.front() == ':') {
      SseItem item;
      item.kind = SseItem::Kind::kComment;
      item.comment = WithoutOneLeadingSpace(std::string_view(line).substr(1));
      return item;
    }
    const std::size_t colon = line.find(':');
    const std::string field = line.substr(0, colon);
    const std::string value =
        colon == std::string::npos ? "" : WithoutOneLeadingSpace(std::string_view(line).substr(colon + 1));
    if (field == "data") {
      if (pending_has_data_) pending_.data += '\n';
      pending_.data += value;
      pending_has_data_ = true;
    } else if (field == "id") {
      pending_.id = value;
    } else if (field == "event") {
      pending_.event = value;
    } else {
      continue;  // "retry" and unknown fields carry nothing a test reads
    }
    pending_has_field_ = true;
  }
  return std::nullopt;
}

SseItem SseStream::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    DecodeBody();
    if (std::optional<SseItem> item = ParseLines()) return *item;
    if (chunk_ == Chunk::kDone && !reported_body_end_) {
      reported_body_end_ = true;
      return Outcome(SseItem::Kind::kBodyEnded);
    }
    if (eof_) {
      return Outcome(chunk_ == Chunk::kDone ? SseItem::Kind::kConnectionClosed : SseItem::Kind::kCutShort);
    }
    if (!ReadSome(deadline)) return Outcome(SseItem::Kind::kTimeout);
  }
}

}  // namespace wdrbe::testing
