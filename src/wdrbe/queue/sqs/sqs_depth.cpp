#include "wdrbe/queue/sqs/sqs_depth.hpp"

#include <boost/json/array.hpp>
#include <charconv>

#include "wdrbe/queue/sqs/sqs_call.hpp"

namespace wdrbe::sqs {

Task<Result<std::int64_t>> ApproximateDepth(aws::AwsClients& clients, std::string queue_url) {
  static constexpr const char* kCounts[] = {"ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible",
                                            "ApproximateNumberOfMessagesDelayed"};
  boost::json::array names;
  for (const char* name : kCounts) names.push_back(boost::json::string_view(name));
  Task<Result<boost::json::object>> call =
      GetQueueAttributes(clients, std::move(queue_url), std::move(names));
  const Result<boost::json::object> attributes = co_await std::move(call);
  if (!attributes.ok()) co_return attributes.error();
  std::int64_t total = 0;
  for (const char* name : kCounts) {
    const boost::json::value* count = attributes->if_contains(name);
    std::int64_t value = 0;
    if (count != nullptr && count->is_string()) {
      const auto text = count->as_string();
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) value = 0;
    }
    total += value;
  }
  co_return total;
}

}  // namespace wdrbe::sqs
