// A response whose body is written over time (Server-Sent Events): a
// handler answers with the response's head and hands the server a
// BodyStream. The server sends the head, runs `produce` with a writer on
// the connection, ends the body cleanly when `produce` returns, and then
// closes the connection. Where no connection can carry such a body (Lambda
// mode), handlers are given no slot for one and answer otherwise.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "wdrbe/base/task.hpp"

namespace wdrbe::http {

// Why a body stream ended, as the server saw it.
enum class BodyWriteOutcome {
  kWritten,      // the bytes were sent
  kPeerGone,     // the client closed the connection, or it failed
  kTooSlow,      // the client did not take the bytes within the write timeout
  kShuttingDown  // the server is stopping: end the body now
};

class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  // Sends `bytes` as the next part of the body. Anything but kWritten ends
  // the stream: `produce` should return. Runs on the connection's executor.
  virtual Task<BodyWriteOutcome> Write(std::string_view bytes) = 0;
  // True once the server has begun shutting down.
  virtual bool shutting_down() const = 0;
};

struct BodyStream {
  // Writes the body; runs on the connection's executor after the head is
  // sent. `produce` owns what it needs (the request is gone by then).
  std::function<Task<void>(BodyWriter&)> produce;
  // Called from any thread when the server begins shutting down, so that a
  // `produce` waiting for something to send returns soon. Optional.
  std::function<void()> interrupt;
};

// Where a handler leaves its BodyStream; null when the transport cannot
// stream a body.
using BodyStreamSlot = std::optional<BodyStream>*;

}  // namespace wdrbe::http
