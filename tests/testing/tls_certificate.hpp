// Certificates for HTTPS tests, made at run time with OpenSSL (never
// checked in, never expired): a fresh EC P-256 key and a self-signed
// certificate for it, valid for 127.0.0.1 and localhost.
#pragma once

#include <filesystem>
#include <string_view>

namespace wdrbe::testing {

struct TlsCertificate {
  std::filesystem::path cert_file;  // PEM certificate; clients trust exactly it
  std::filesystem::path key_file;   // PEM private key (unencrypted, mode 0600)
};

// Writes `dir`/`name`.crt and `dir`/`name`.key. Throws std::runtime_error
// when OpenSSL or the file system fails.
TlsCertificate MakeSelfSignedCertificate(const std::filesystem::path& dir, std::string_view name = "server");

}  // namespace wdrbe::testing
