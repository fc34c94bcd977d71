#include "wdrbe/aws/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "wdrbe/base/crypto.hpp"

namespace wdrbe::aws {
namespace {

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHeaderSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims and collapses every run of whitespace (including the line breaks of
// an obsolete folded header) to one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (IsHeaderSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool IsUnreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

void RemoveHeader(HeaderList& headers, std::string_view lowercase_name) {
  std::erase_if(headers, [&](const auto& header) { return Lowercase(header.first) == lowercase_name; });
}

}  // namespace

bool IsUnsignedHeader(std::string_view lowercase_name) {
  return lowercase_name == "authorization" || lowercase_name == "user-agent" ||
         lowercase_name == "x-amzn-trace-id" || lowercase_name == "expect" ||
         lowercase_name == "connection" || lowercase_name == "transfer-encoding";
}

std::string FormatAmzDate(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[17];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view wire_path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  std::size_t start = 0;
  while (start <= wire_path.size()) {
    std::size_t end = wire_path.find('/', start);
    if (end == std::string_view::npos) end = wire_path.size();
    const std::string_view segment = wire_path.substr(start, end - start);
    const bool last = end == wire_path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else if (segment == ".") {
      trailing_slash = last;
    } else if (!segment.empty()) {
      segments.push_back(segment);
      trailing_slash = false;
    } else {
      trailing_slash = last && !segments.empty();
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string_view segment : segments) out += "/" + UriEncode(segment, false);
  if (out.empty() || trailing_slash) out += '/';
  return out;
}

std::string CanonicalQueryString(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query)
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::pair<std::string, std::string> CanonicalHeaders(const HeaderList& headers) {
  std::map<std::string, std::string> joined;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    std::string lower = Lowercase(name);
    if (IsUnsignedHeader(lower)) continue;
    auto [it, inserted] = joined.try_emplace(std::move(lower), CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  std::string block;
  std::string names;
  for (const auto& [name, value] : joined) {
    block += name + ":" + value + "\n";
    if (!names.empty()) names += ';';
    names += name;
  }
  return {block, names};
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  const std::string date_key = HmacSha256("AWS4" + std::string(secret_access_key), date);
  const std::string region_key = HmacSha256(date_key, region);
  const std::string service_key = HmacSha256(region_key, service);
  return HmacSha256(service_key, "aws4_request");
}

namespace {

// Both variants: `canonical_uri` and `payload_hash` are where they differ.
SigV4Signature Sign(SignableRequest& request, const Credentials& credentials, const SigningScope& scope,
                    std::int64_t now_ms, const std::string& canonical_uri, const std::string& payload_hash) {
  const std::string amz_date = FormatAmzDate(now_ms);
  const std::string date = amz_date.substr(0, 8);
  RemoveHeader(request.headers, "authorization");
  RemoveHeader(request.headers, "x-amz-date");
  RemoveHeader(request.headers, "x-amz-security-token");
  request.headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  SigV4Signature out;
  auto [header_block, signed_headers] = CanonicalHeaders(request.headers);
  out.signed_headers = std::move(signed_headers);
  out.canonical_request = request.method + "\n" + canonical_uri + "\n" + CanonicalQueryString(request.query) +
                          "\n" + header_block + "\n" + out.signed_headers + "\n" + payload_hash;
  const std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  out.string_to_sign = std::string(kSigV4Algorithm) + "\n" + amz_date + "\n" + credential_scope + "\n" +
                       ToHex(Sha256(out.canonical_request));
  const std::string key = DeriveSigningKey(credentials.secret_access_key, date, scope.region, scope.service);
  out.signature = ToHex(HmacSha256(key, out.string_to_sign));
  out.authorization = std::string(kSigV4Algorithm) + " Credential=" + credentials.access_key_id + "/" +
                      credential_scope + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  request.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace

SigV4Signature SignRequest(SignableRequest& request, const Credentials& credentials,
                           const SigningScope& scope, std::int64_t now_ms) {
  return Sign(request, credentials, scope, now_ms, CanonicalUri(request.path),
              ToHex(Sha256(request.payload)));
}

SigV4Signature SignS3Request(SignableRequest& request, const Credentials& credentials,
                             const SigningScope& scope, std::int64_t now_ms) {
  // S3 wants the hash as a header it can check the body against, signed
  // like the rest.
  const std::string payload_hash = ToHex(Sha256(request.payload));
  RemoveHeader(request.headers, "x-amz-content-sha256");
  request.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);
  const std::string canonical_uri = request.path.empty() ? "/" : request.path;
  return Sign(request, credentials, scope, now_ms, canonical_uri, payload_hash);
}

}  // namespace wdrbe::aws
