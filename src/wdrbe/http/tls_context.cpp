#include "wdrbe/http/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace wdrbe::http {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites for the server's own order: forward secrecy and AEAD only,
// ECDSA before RSA, AES-GCM before ChaCha20. TLS 1.3 keeps OpenSSL's suites.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A certificate or key file is a few KiB; anything far larger is not one.
constexpr std::size_t kMaxPemFileBytes = 1024 * 1024;

struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using UniqueBio = std::unique_ptr<BIO, BioFree>;
using UniqueX509 = std::unique_ptr<X509, X509Free>;
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// OpenSSL would otherwise prompt on the terminal for an encrypted key.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The oldest queued OpenSSL error, for a message; clears the queue.
std::string TakeOpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return std::string(" (") + text + ")";
}

Result<std::string> ReadPemFile(std::string_view flag, const std::string& path) {
  const std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return Error::BadRequest("cannot read " + std::string(flag) + " " + path + ": " + std::strerror(errno));
  }
  std::string contents;
  char chunk[4096];
  while (contents.size() <= kMaxPemFileBytes) {
    const std::size_t n = std::fread(chunk, 1, sizeof(chunk), file.get());
    contents.append(chunk, n);
    if (n < sizeof(chunk)) break;
  }
  if (std::ferror(file.get())) {
    return Error::BadRequest("cannot read " + std::string(flag) + " " + path + ": " + std::strerror(errno));
  }
  if (contents.size() > kMaxPemFileBytes) {
    return Error::BadRequest(std::string(flag) + " " + path + " is too large to be a PEM file");
  }
  return contents;
}

UniqueBio MemoryBio(const std::string& contents) {
  return UniqueBio(BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
}

// Installs the server's certificate (the first in the file) and the chain
// certificates that follow it.
Status UseCertificateChain(SSL_CTX* ctx, const std::string& path, const std::string& pem) {
  UniqueBio bio = MemoryBio(pem);
  UniqueX509 leaf(PEM_read_bio_X509_AUX(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!leaf) {
    return Error::BadRequest("--tls-cert " + path + " holds no PEM certificate" + TakeOpenSslError());
  }
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    return Error::BadRequest("--tls-cert " + path + ": the certificate is not usable" + TakeOpenSslError());
  }
  while (UniqueX509 extra{PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)}) {
    if (SSL_CTX_add0_chain_cert(ctx, extra.get()) != 1) {
      return Error::BadRequest("--tls-cert " + path + ": a chain certificate is not usable" +
                               TakeOpenSslError());
    }
    (void)extra.release();  // the context owns it now
  }
  // The loop ends at the end of the file ("no start line") or at a block
  // that is not a certificate.
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
    return Error::BadRequest("--tls-cert " + path + ": a chain certificate is malformed" +
                             TakeOpenSslError());
  }
  ERR_clear_error();
  return Status::Ok();
}

Status UsePrivateKey(SSL_CTX* ctx, const TlsFiles& files, const std::string& pem) {
  const std::string& path = *files.key_file;
  UniqueBio bio = MemoryBio(pem);
  UniquePkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    return Error::BadRequest("--tls-key " + path +
                             " holds no PEM private key (encrypted keys are not supported)" +
                             TakeOpenSslError());
  }
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx), key.get()) != 1) {
    ERR_clear_error();
    return Error::BadRequest("--tls-key " + path + " does not match the certificate in --tls-cert " +
                             *files.cert_file);
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return Error::BadRequest("--tls-key " + path + " is not usable" + TakeOpenSslError());
  }
  return Status::Ok();
}

}  // namespace

Result<ssl::context> LoadTlsContext(const TlsFiles& files) {
  if (!files.cert_file || !files.key_file) {
    return Error::BadRequest("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither");
  }
  auto cert_pem = ReadPemFile("--tls-cert", *files.cert_file);
  if (!cert_pem.ok()) return cert_pem.error();
  auto key_pem = ReadPemFile("--tls-key", *files.key_file);
  if (!key_pem.ok()) return key_pem.error();

  ERR_clear_error();
  ssl::context context(ssl::context::tls_server);
  SSL_CTX* ctx = context.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Error::Internal("cannot set the TLS protocol policy" + TakeOpenSslError());
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Only HTTP/1.1 is spoken, so there is nothing to negotiate with ALPN.
  if (Status s = UseCertificateChain(ctx, *files.cert_file, *cert_pem); !s.ok()) return s.error();
  if (Status s = UsePrivateKey(ctx, files, *key_pem); !s.ok()) return s.error();
  return context;
}

}  // namespace wdrbe::http
