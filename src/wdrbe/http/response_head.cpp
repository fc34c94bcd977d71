#include "wdrbe/http/response_head.hpp"

#include <charconv>

namespace wdrbe::http {

std::string SerializeResponseHead(const HttpResponse& response) {
  const std::string_view reason = response.reason();
  std::size_t size = 17 + reason.size() + 2;
  for (const auto& field : response) size += field.name_string().size() + 2 + field.value().size() + 2;

  std::string head;
  head.reserve(size);
  const unsigned version = response.version();
  head.append("HTTP/");
  head.push_back(static_cast<char>('0' + version / 10));
  head.push_back('.');
  head.push_back(static_cast<char>('0' + version % 10));
  head.push_back(' ');
  char status[8];
  const auto end = std::to_chars(status, status + sizeof status, response.result_int()).ptr;
  head.append(status, end);
  head.push_back(' ');
  head.append(reason);
  head.append("\r\n");
  for (const auto& field : response) {
    head.append(field.name_string());
    head.append(": ");
    head.append(field.value());
    head.append("\r\n");
  }
  head.append("\r\n");
  return head;
}

}  // namespace wdrbe::http
