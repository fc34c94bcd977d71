// A blocking Server-Sent Events client for black-box tests of wdrbe's
// activity stream: one plain loopback TCP connection, one GET, then the
// chunked body decoded as it arrives and parsed into SSE events and
// comments.
//
// A raw socket rather than HttpClient: a stream's body never ends on its
// own, a test must see each event the moment it arrives (to bound latency),
// tell a clean end of the body (the chunked terminator) from a cut, and set
// SO_RCVBUF before connecting (to play a slow consumer).
//
// Not thread-safe: one thread owns an SseStream.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "testing/http_client.hpp"

namespace wdrbe::testing {

struct SseOptions {
  // SO_RCVBUF, set before connecting so that the window the server sees is
  // small from the start (the kernel doubles it and applies a minimum).
  std::optional<int> receive_buffer_bytes;
  // False: Open only connects and sends the request, reading nothing, for a
  // client that never reads; response() is then empty (status 0).
  bool read_head = true;
};

// One event: the fields of one block of lines ended by a blank line.
struct SseEvent {
  std::string id;     // the last "id:" line's value
  std::string event;  // the last "event:" line's value
  std::string data;   // every "data:" line's value, joined by "\n"
};

// What Next() found.
struct SseItem {
  enum class Kind {
    kEvent,             // `event` is set
    kComment,           // `comment` is set: the text after ':' (one leading space removed)
    kBodyEnded,         // the body ended: the chunked terminator (0 CRLF CRLF) arrived (or, for
                        // a response that is not a stream, Open read all of it)
    kConnectionClosed,  // EOF after the body ended
    kCutShort,          // EOF or reset before the terminator
    kTimeout,           // nothing complete arrived within the timeout
  };
  Kind kind = Kind::kTimeout;
  SseEvent event;
  std::string comment;
};

std::ostream& operator<<(std::ostream& out, SseItem::Kind kind);
std::ostream& operator<<(std::ostream& out, const SseItem& item);

class SseStream {
 public:
  // Connects to 127.0.0.1:port, sends `GET target` with `headers` (Host is
  // added), and, unless options.read_head is false, reads the response's
  // status line and headers; for a response that is not a chunked stream
  // (an error) its whole body too (by Content-Length), so response() is
  // then complete. Throws std::runtime_error when the connection fails or
  // the head misses kNetworkDeadline.
  static std::unique_ptr<SseStream> Open(std::uint16_t port, const std::string& target,
                                         const Headers& headers = {}, const SseOptions& options = {});

  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  const Response& response() const { return response_; }

  // The next event or comment, or how the stream ended, waiting at most
  // `timeout` for it. After kBodyEnded, waits for the end of the connection.
  // Throws std::runtime_error on bytes that are not a chunked body.
  SseItem Next(std::chrono::milliseconds timeout);

  // Closes the connection (as a browser tab that goes away does).
  void Close();

 private:
  explicit SseStream(int fd) : fd_(fd) {}
  void ReadHead();
  // Reads once within `deadline`: false on timeout; sets eof_ at the end.
  bool ReadSome(std::chrono::steady_clock::time_point deadline);
  // Moves what `raw_` holds of the body into `body_`, decoding chunks.
  void DecodeBody();
  // Parses the complete lines of `body_`; the first item found, if any.
  std::optional<SseItem> ParseLines();

  // Where the chunked decoder is.
  enum class Chunk { kSize, kData, kDataEnd, kTrailers, kDone };

  int fd_;
  Response response_;
  bool chunked_ = false;  // false: the body is raw bytes up to EOF (no terminator to see)
  Chunk chunk_ = Chunk::kSize;
  std::uint64_t chunk_left_ = 0;  // bytes of the current chunk still to come
  std::string raw_;               // bytes received and not decoded yet
  std::string body_;              // body bytes decoded and not parsed yet
  bool eof_ = false;
  bool reported_body_end_ = false;
  SseEvent pending_;  // the event whose lines are being read
  bool pending_has_field_ = false;
  bool pending_has_data_ = false;
};

}  // namespace wdrbe::testing
