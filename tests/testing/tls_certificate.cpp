#include "testing/tls_certificate.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace wdrbe::testing {
namespace {

constexpr long kValiditySeconds = 24 * 60 * 60;
// Allows for a client clock slightly behind the one that signed.
constexpr long kBackdateSeconds = 60 * 60;
constexpr int kSerialBits = 64;

struct OpenSslFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* cert) const { X509_free(cert); }
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
  void operator()(BIGNUM* number) const { BN_free(number); }
  void operator()(BIO* bio) const { BIO_free(bio); }
};
template <typename T>
using Owned = std::unique_ptr<T, OpenSslFree>;

[[noreturn]] void Fail(const std::string& what) {
  char text[256] = "";
  ERR_error_string_n(ERR_get_error(), text, sizeof(text));
  ERR_clear_error();
  throw std::runtime_error("making a test certificate: " + what + ": " + text);
}

void Check(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  Check(extension != nullptr, std::string("extension ") + value);
  Check(X509_add_ext(cert, extension.get(), -1) == 1, std::string("adding extension ") + value);
}

Owned<X509> SelfSign(EVP_PKEY* key) {
  Owned<X509> cert(X509_new());
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
  Owned<BIGNUM> serial(BN_new());
  Check(serial != nullptr && BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
        "serial");
  Check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr, "serial");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) != nullptr, "notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("wdrbe tests"), -1, -1, 0) == 1 &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0) == 1,
        "subject");
  Check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  Check(X509_set_pubkey(cert.get(), key) == 1, "public key");
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  AddExtension(cert.get(), NID_subject_key_identifier, "hash");
  Check(X509_sign(cert.get(), key, EVP_sha256()) > 0, "signing");
  return cert;
}

template <typename WritePem>
void WriteFile(const std::filesystem::path& path, WritePem&& write_pem) {
  Owned<BIO> bio(BIO_new_file(path.c_str(), "w"));
  Check(bio != nullptr, "creating " + path.string());
  Check(write_pem(bio.get()) == 1, "writing " + path.string());
}

}  // namespace

TlsCertificate MakeSelfSignedCertificate(const std::filesystem::path& dir, std::string_view name) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "generating a P-256 key");
  const Owned<X509> cert = SelfSign(key.get());

  TlsCertificate files{dir / (std::string(name) + ".crt"), dir / (std::string(name) + ".key")};
  WriteFile(files.cert_file, [&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  WriteFile(files.key_file, [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  std::filesystem::permissions(files.key_file,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return files;
}

}  // namespace wdrbe::testing
