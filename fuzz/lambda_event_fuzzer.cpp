// Any bytes as a Lambda event, for both functions: parsing must never
// crash; an accepted API Gateway event must make a request target that an
// HTTP request line can carry (starts with "/", only printable ASCII, no
// space, no "#"); an accepted SQS event must have a message id per record,
// and its batch response must name exactly those ids.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/lambda/api_gateway_event.hpp"
#include "wdrbe/lambda/sqs_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto event = wdrbe::lambda::ParseProxyEvent(text); event.ok()) {
    const std::string target = wdrbe::lambda::RequestTarget(*event);
    if (target.empty() || target.front() != '/') __builtin_trap();
    // A '?' in the path is escaped: only a query starts one.
    if (event->query.empty() && target.find('?') != std::string::npos) __builtin_trap();
    for (char c : target) {
      if (c <= ' ' || c >= 0x7f || c == '#') __builtin_trap();
    }
  }
  if (auto records = wdrbe::lambda::ParseSqsEvent(text); records.ok()) {
    std::vector<std::string> ids;
    for (const auto& record : *records) {
      if (record.message_id.empty()) __builtin_trap();
      ids.push_back(record.message_id);
    }
    const auto answer = boost::json::parse(wdrbe::lambda::BatchItemFailures(ids));
    const auto& failures = answer.at("batchItemFailures").as_array();
    if (failures.size() != ids.size()) __builtin_trap();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (failures[i].at("itemIdentifier").as_string() != ids[i]) __builtin_trap();
    }
  }
  return 0;
}
