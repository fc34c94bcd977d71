#include "wdrbe/auth/jwks_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace wdrbe {
namespace {

Error Refuse(std::string_view text, std::string_view why) {
  return Error::BadRequest("--jwks-url '" + std::string(text) + "': " + std::string(why));
}

bool IsLocalhostName(std::string_view host) {
  constexpr std::string_view kLocalhost = "localhost";
  if (host.size() != kLocalhost.size()) return false;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i] >= 'A' && host[i] <= 'Z' ? static_cast<char>(host[i] - 'A' + 'a') : host[i];
    if (c != kLocalhost[i]) return false;
  }
  return true;
}

}  // namespace

Result<JwksUrl> ParseJwksUrl(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return Refuse(text, "not an absolute URL");
  const boost::urls::url_view& url = *parsed;
  JwksUrl out;
  if (url.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (url.scheme_id() == boost::urls::scheme::http) {
    out.tls = false;
  } else {
    return Refuse(text, "the scheme must be https (or http to a loopback address)");
  }
  if (!url.has_authority() || url.host_address().empty()) return Refuse(text, "no host");
  if (url.has_userinfo()) return Refuse(text, "user info is not supported");
  out.host = url.host_address();
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      out.host_is_ip = true;
      out.loopback = url.host_ipv4_address().is_loopback();
      break;
    case boost::urls::host_type::ipv6:
      out.host_is_ip = true;
      out.loopback = url.host_ipv6_address().is_loopback();
      break;
    case boost::urls::host_type::name:
      out.loopback = IsLocalhostName(out.host);
      break;
    default:
      return Refuse(text, "unsupported host");
  }
  if (!out.tls && !out.loopback) {
    return Refuse(text,
                  "http is allowed only to a loopback address (127.0.0.0/8, ::1, localhost); use https");
  }
  if (url.has_port()) {
    if (url.port().empty() || url.port_number() == 0) return Refuse(text, "invalid port");
    out.port = std::to_string(url.port_number());
  } else {
    out.port = out.tls ? "443" : "80";
  }
  out.target = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (url.has_query()) out.target += "?" + std::string(url.encoded_query());
  return out;
}

}  // namespace wdrbe
