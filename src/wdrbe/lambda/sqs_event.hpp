// SQS events as Lambda's event source mapping delivers them (a batch of
// records), and the partial batch response (ReportBatchItemFailures) that
// names the records to retry. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/base/result.hpp"

namespace wdrbe::lambda {

struct SqsRecord {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 0;               // attributes.ApproximateReceiveCount
  std::int64_t first_received_ms = 0;  // attributes.ApproximateFirstReceiveTimestamp
  std::string traceparent;             // the "traceparent" message attribute, "" when none
};

// kBadRequest, saying what is wrong, unless `event` is a JSON object whose
// "Records" is an array of objects, each with a non-empty string
// "messageId" and, where present, an eventSource of "aws:sqs" and members
// of SQS's types. A record without a body has an empty one (the share
// handler then refuses that record alone).
Result<std::vector<SqsRecord>> ParseSqsEvent(std::string_view event);

// {"batchItemFailures": [{"itemIdentifier": id}, ...]}: an empty list
// acknowledges the whole batch.
std::string BatchItemFailures(const std::vector<std::string>& failed_message_ids);

}  // namespace wdrbe::lambda
