// The Query of a list: one index partition, newest first, strictly before
// the cursor's sort key (or oldest first after it: the activity stream's
// polling), at most the rows still wanted. Never a Scan and
// never a FilterExpression (a filter makes short pages). Pure: builds the
// request, calls nothing.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "wdrbe/storage/dynamodb/table_layout.hpp"

namespace wdrbe::dynamodb {

struct IndexQuery {
  IndexSpec index;
  std::string pk;
  std::optional<std::string> sort_key_before;  // none: from the newest
  int wanted = 1;                              // stop once this many rows are read
  // Oldest first instead, strictly after this sort key (never with
  // sort_key_before).
  bool oldest_first = false;
  std::optional<std::string> sort_key_after = std::nullopt;
};

// The Query request for the next `limit` rows of `query`, continuing after
// `start_key` (a previous answer's LastEvaluatedKey) when given.
boost::json::object IndexQueryRequest(const std::string& table, const IndexQuery& query, int limit,
                                      const std::optional<boost::json::object>& start_key);

}  // namespace wdrbe::dynamodb
