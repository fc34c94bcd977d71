// An HTTP/1.1 server on a loopback address (port chosen by the kernel) that answers
// from a handler the test gives and records every request, for testing
// clients: plain or over TLS, keep-alive unless told otherwise.
//
// It runs on a thread of its own; the handler runs there. Requests() may be
// read from any thread. Destruction stops it and closes every connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "testing/tls_certificate.hpp"

namespace wdrbe::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // 1 for the first accepted connection, 2 for the next...

  // The first header of that name (case-insensitive); "" when absent.
  std::string Header(std::string_view name) const;
};

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string body = {};
  bool close = false;                  // answer with Connection: close, then close
  bool drop = false;                   // close the connection without answering
  std::chrono::milliseconds delay{0};  // wait this long before answering
};

using RequestHandler = std::function<CannedResponse(const RecordedRequest&)>;

class LoopbackHttpServer {
 public:
  // Plain HTTP when `tls` is nothing; else TLS with that certificate.
  // Listens on `address` (any 127.0.0.0/8 address is loopback on Linux).
  explicit LoopbackHttpServer(RequestHandler handler, std::optional<TlsCertificate> tls = std::nullopt,
                              const std::string& address = "127.0.0.1");
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<RecordedRequest> Requests() const;
  int Connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace wdrbe::testing
