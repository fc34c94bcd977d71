// Fault injection, a testing aid: WDRBE_FAULTS="point=probability,..."
// makes named points fail with the given probability (0..1). Off unless set.
// A point may be narrowed to one subject with `point@subject`, e.g.
// `worker.process@itm_1=1` fails only the events of item itm_1.
//
// Points: worker.process (a share event's processing fails), store.write
// (a write transaction fails before commit), store.disk_full (a job of a
// write batch fails after it ran, as on a full disk: SQLITE_FULL, with the
// transaction rolled back by SQLite) and store.read (a read fails before it
// reaches SQLite: the store looks down to readiness).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe {

inline constexpr char kFaultWorkerProcess[] = "worker.process";
inline constexpr char kFaultStoreWrite[] = "store.write";
inline constexpr char kFaultStoreRead[] = "store.read";
inline constexpr char kFaultStoreDiskFull[] = "store.disk_full";

// Thread-safe.
class FaultInjector {
 public:
  FaultInjector() = default;  // no faults
  // Parses a WDRBE_FAULTS value; kBadRequest naming the bad entry.
  static Result<std::shared_ptr<FaultInjector>> Parse(std::string_view spec);

  // Whether `point` fails this time (for `subject`, when narrowed).
  bool ShouldFail(std::string_view point, std::string_view subject = {}) const;
  bool enabled() const { return !probabilities_.empty(); }

 private:
  std::map<std::string, double, std::less<>> probabilities_;  // "point" or "point@subject"
  mutable std::mutex mutex_;
  mutable std::mt19937_64 random_{std::random_device{}()};  // guarded by mutex_
};

}  // namespace wdrbe
