#include "wdrbe/app/config.hpp"

#include <charconv>

namespace wdrbe::app {

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Error::BadRequest("--listen must be HOST:PORT, got '" + text + "'");
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return Error::BadRequest("--listen port must be 0-65535, got '" + port + "'");
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

}  // namespace wdrbe::app
