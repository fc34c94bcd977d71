// The TLS settings of an HTTPS listener: a server context made from a PEM
// certificate chain and its private key, with the protocol policy applied
// (TLS 1.2 and 1.3 only, the server's cipher order, no compression, no
// renegotiation).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"

namespace wdrbe::http {

// Where an HTTPS listener's certificate and key come from. Both set: HTTPS;
// neither: plain HTTP; one alone is a configuration error.
struct TlsFiles {
  std::optional<std::string> cert_file;  // --tls-cert: PEM chain, the server's certificate first
  std::optional<std::string> key_file;   // --tls-key: PEM private key of that certificate, unencrypted

  bool any() const { return cert_file.has_value() || key_file.has_value(); }
};

// Loads both files into a new server context. Errors (kBadRequest) name the
// flag and the file: only one of the two set, a file missing or unreadable,
// no certificate or key in it, or a key that does not match the certificate.
// Called at start-up; the context is then shared read-only by every
// connection (OpenSSL allows that across threads).
Result<boost::asio::ssl::context> LoadTlsContext(const TlsFiles& files);

}  // namespace wdrbe::http
