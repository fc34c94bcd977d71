// SQL of the live activity stream. Each user's activities carry `seq`, a
// number the single writer gives them in commit order (InsertActivity), so
// a reader sees every user's activities as a gap-free prefix of 1, 2, 3...
// and a stream that remembers the last number it sent resumes with no gap
// and no duplicate, however commits interleave with the activities'
// timestamps. Runs on the connection it is given; starts no transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

struct NumberedActivity {
  std::int64_t seq = 0;
  Activity activity;
};

// The number a stream starts after: that of `last_event_id` when it is one
// of the user's activities; else that of the user's last activity (in the
// feed's order) no later than the time the ULID encodes; with no
// `last_event_id`, the user's newest. 0 when there is none.
Result<std::int64_t> StreamStartAfter(Connection& db, const std::string& user_id,
                                      const std::optional<std::string>& last_event_id);

// The user's activities numbered above `after_seq`, in number order, at
// most `limit`.
Result<std::vector<NumberedActivity>> ActivitiesAfter(Connection& db, const std::string& user_id,
                                                      std::int64_t after_seq, int limit);

}  // namespace wdrbe::sqlite
