#include "wdrbe/aws/web_identity_credentials.hpp"

#include <fstream>
#include <sstream>

#include "wdrbe/aws/aws_config.hpp"
#include "wdrbe/aws/sigv4.hpp"

namespace wdrbe::aws {
namespace {

// The text of the first <tag>...</tag> inside `xml`, entities decoded.
// STS answers are small and flat enough that this is all the XML needed;
// a tag with attributes or a CDATA section is not expected and not read.
std::optional<std::string> ElementText(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t begin = start + open.size();
  const std::size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view raw = xml.substr(begin, end - begin);
  std::string text;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      text += raw[i];
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool decoded = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.substr(i, entity.size()) == entity) {
        text += c;
        i += entity.size() - 1;
        decoded = true;
        break;
      }
    }
    if (!decoded) text += '&';
  }
  return text;
}

// Keeps the part of `xml` inside <tag>...</tag>, so that a field is read
// from the right element.
std::string_view Inside(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return {};
  const std::size_t end = xml.find("</" + std::string(tag) + ">", start);
  return xml.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::string FormEncode(std::string_view name, std::string_view value) {
  return UriEncode(name, false) + "=" + UriEncode(value, false);
}

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Unavailable("cannot read AWS_WEB_IDENTITY_TOKEN_FILE " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty()) return Error::Unavailable("AWS_WEB_IDENTITY_TOKEN_FILE " + path + " is empty");
  return token;
}

}  // namespace

HttpRequest BuildAssumeRoleWithWebIdentityRequest(std::string_view role_arn, std::string_view session_name,
                                                  std::string_view web_identity_token) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Accept", "text/xml"}};
  request.body = FormEncode("Action", "AssumeRoleWithWebIdentity") + "&" +
                 FormEncode("Version", "2011-06-15") + "&" + FormEncode("RoleArn", role_arn) + "&" +
                 FormEncode("RoleSessionName", session_name) + "&" +
                 FormEncode("WebIdentityToken", web_identity_token);
  request.timeout = kStsTimeout;
  return request;
}

Result<Credentials> ParseAssumeRoleWithWebIdentityResponse(int http_status, std::string_view xml) {
  if (http_status != 200) {
    const std::string_view error = Inside(xml, "Error");
    const std::string code = ElementText(error, "Code").value_or("");
    const std::string message = ElementText(error, "Message").value_or("");
    std::string text = "STS AssumeRoleWithWebIdentity answered " + std::to_string(http_status);
    if (!code.empty()) text += " " + code;
    if (!message.empty()) text += ": " + message;
    if (http_status >= 500 || code.empty()) return Error::Unavailable(text);
    return Error::Unauthorized(text);
  }
  const std::string_view credentials_xml = Inside(xml, "Credentials");
  Credentials credentials{ElementText(credentials_xml, "AccessKeyId").value_or(""),
                          ElementText(credentials_xml, "SecretAccessKey").value_or(""),
                          ElementText(credentials_xml, "SessionToken").value_or(""), std::nullopt};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() ||
      credentials.session_token.empty()) {
    return Error::Unavailable("STS AssumeRoleWithWebIdentity: the answer lacks the credentials");
  }
  const std::string expiration = ElementText(credentials_xml, "Expiration").value_or("");
  credentials.expiration_ms = ParseIso8601Utc(expiration);
  if (!credentials.expiration_ms) {
    return Error::Unavailable("STS AssumeRoleWithWebIdentity: unreadable Expiration \"" + expiration + "\"");
  }
  return credentials;
}

Result<std::optional<std::unique_ptr<WebIdentityCredentialsProvider>>>
WebIdentityCredentialsProvider::FromEnvironment(const Environment& env, HttpClient& http,
                                                const Clock& clock) {
  using Found = std::optional<std::unique_ptr<WebIdentityCredentialsProvider>>;
  auto token_file = env.Get("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file) return Found();
  auto role_arn = env.Get("AWS_ROLE_ARN");
  if (!role_arn)
    return Error::BadRequest("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set both");
  Result<std::string> region = ResolveRegion(env);
  const std::string url =
      region.ok() ? ResolveEndpointUrl(env, AwsService::kSts, *region)
                  : env.Get("AWS_ENDPOINT_URL_STS")
                        .value_or(env.Get("AWS_ENDPOINT_URL").value_or("https://sts.amazonaws.com"));
  Result<EndpointUrl> sts = ParseEndpointUrl(url);
  if (!sts.ok()) return Error::BadRequest("STS endpoint: " + sts.error().message);
  const std::string session =
      env.Get("AWS_ROLE_SESSION_NAME").value_or("wdrbe-" + std::to_string(clock.NowMillis()));
  return Found(std::unique_ptr<WebIdentityCredentialsProvider>(
      new WebIdentityCredentialsProvider(http, std::move(*sts), *token_file, *role_arn, session)));
}

Task<Result<Credentials>> WebIdentityCredentialsProvider::Fetch() {
  Result<std::string> token = ReadTokenFile(token_file_);
  if (!token.ok()) co_return token.error();
  Task<Result<HttpResponse>> sending =
      http_.Send(sts_, BuildAssumeRoleWithWebIdentityRequest(role_arn_, session_name_, *token));
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok())
    co_return Error::Unavailable("STS AssumeRoleWithWebIdentity: " + response.error().message);
  co_return ParseAssumeRoleWithWebIdentityResponse(response->status, response->body);
}

}  // namespace wdrbe::aws
