// AWS Signature Version 4 (AWS4-HMAC-SHA256): the canonical request, the
// string to sign, the signing key and the Authorization header, as AWS's
// SigV4 test suite specifies them (SignRequest), and S3's variant of it
// (SignS3Request), as "Authenticating Requests: Using the Authorization
// Header" in the S3 API reference specifies it.
//
// Pure functions, no I/O, thread-safe. The time is passed in, so signing is
// reproducible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wdrbe/aws/credentials.hpp"

namespace wdrbe::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

struct SignableRequest {
  std::string method = "GET";
  // The path exactly as it goes on the wire (already percent-encoded).
  // SignRequest normalises it (dot segments, repeated slashes) and encodes
  // it once more, as every non-S3 service expects; SignS3Request signs it
  // as it is (S3 keys may hold "//" and "..", and are encoded once).
  std::string path = "/";
  // Decoded names and values, in any order; the wire query string is
  // CanonicalQueryString(query).
  QueryList query;
  // Must hold Host. Names in any case; a name given twice is signed as one
  // header with the values joined by ',' in order.
  HeaderList headers;
  std::string payload;
};

struct SigningScope {
  std::string region;   // "us-east-1"
  std::string service;  // "dynamodb", "sqs", "sts"
};

// Every intermediate step, so tests can compare each with the suite.
struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lowercase hex
  std::string authorization;   // the Authorization header's value
};

// Headers that are never signed: a proxy or the transport may change them
// (user agent, trace id, hop-by-hop headers), and Authorization carries the
// signature itself.
bool IsUnsignedHeader(std::string_view lowercase_name);

// Adds X-Amz-Date (from `now_ms`) and, for temporary credentials,
// X-Amz-Security-Token to `request.headers`, signs everything else that is
// not an unsigned header, then adds Authorization. Any X-Amz-Date,
// X-Amz-Security-Token or Authorization already present is replaced.
SigV4Signature SignRequest(SignableRequest& request, const Credentials& credentials,
                           const SigningScope& scope, std::int64_t now_ms);

// S3's variant: the same, but the canonical URI is `request.path` exactly
// as given (encode keys once with UriEncode(key, true)), and the payload's
// hex SHA-256 travels in a signed X-Amz-Content-Sha256 header (any one
// already present is replaced), which S3 checks against the body.
SigV4Signature SignS3Request(SignableRequest& request, const Credentials& credentials,
                             const SigningScope& scope, std::int64_t now_ms);

// The steps, exposed for tests and for callers that sign differently.
std::string FormatAmzDate(std::int64_t unix_ms);  // "20150830T123600Z"
// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ becomes
// %XX (uppercase hex); '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);
// Removes "." and ".." segments and empty segments, keeps a trailing
// slash, then encodes each segment: "//a/./b/../c d/" -> "/a/c%20d/".
std::string CanonicalUri(std::string_view wire_path);
// Name=value pairs encoded and sorted by name, then value, joined by '&'.
std::string CanonicalQueryString(const QueryList& query);
// Lowercase names, values trimmed with inner runs of whitespace collapsed
// to one space, repeated names joined with ','; sorted by name. Returns the
// "name:value\n" block and the ';'-joined names.
std::pair<std::string, std::string> CanonicalHeaders(const HeaderList& headers);
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

}  // namespace wdrbe::aws
