// A response's head (status line and header fields) as one string, so the
// server sends head and body in one gathered write. Beast's serializer
// produces the same bytes through a generic buffer-sequence machinery that
// cost about a tenth of the CPU of a trivial request (docs/performance.md).
#pragma once

#include <string>

#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

// "HTTP/1.1 200 OK\r\n", each field as "Name: value\r\n" in order, "\r\n".
// The body framing fields (Content-Length, Connection) must be set already
// (prepare_payload, keep_alive), as for Beast's serializer.
std::string SerializeResponseHead(const HttpResponse& response);

}  // namespace wdrbe::http
