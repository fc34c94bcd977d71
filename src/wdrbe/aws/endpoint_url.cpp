#include "wdrbe/aws/endpoint_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace wdrbe::aws {

std::string EndpointUrl::HostHeader() const {
  const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == (tls ? "443" : "80") ? name : name + ":" + port;
}

std::string EndpointUrl::PoolKey() const {
  const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + name + ":" + port;
}

Result<EndpointUrl> ParseEndpointUrl(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Error::BadRequest("endpoint URL \"" + std::string(text) + "\": " + std::string(why));
  };
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return bad("not an absolute URL");
  const boost::urls::url_view& url = *parsed;
  EndpointUrl out;
  if (url.scheme() == "https") {
    out.tls = true;
  } else if (url.scheme() == "http") {
    out.tls = false;
  } else {
    return bad("the scheme must be http or https");
  }
  if (url.has_userinfo()) return bad("user info is not allowed");
  if (url.has_query() || url.has_fragment()) return bad("a query or fragment is not allowed");
  switch (url.host_type()) {
    case boost::urls::host_type::name:
      out.host = url.encoded_host().decode();
      break;
    case boost::urls::host_type::ipv4:
      out.host = url.host_address();
      out.host_is_ip = true;
      break;
    case boost::urls::host_type::ipv6:
      out.host = url.host_ipv6_address().to_string();
      out.host_is_ip = true;
      break;
    default:
      return bad("no usable host");
  }
  if (out.host.empty()) return bad("no host");
  if (url.has_port()) {
    if (url.port_number() == 0) return bad("invalid port");
    out.port = std::to_string(url.port_number());
  } else {
    out.port = out.tls ? "443" : "80";
  }
  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  out.base_path = path;
  return out;
}

}  // namespace wdrbe::aws
