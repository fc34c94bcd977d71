// Structured logs: one JSON object per line on a file descriptor (stdout by
// default). A line is formatted on the calling thread and appended to an
// in-memory buffer under a short lock; a writer thread of its own does the
// write(2) calls, so a slow terminal or pipe never blocks a network thread.
// When the buffer is full (the reader of stdout is stuck) lines are dropped
// and counted rather than blocking.
//
// Never pass tokens, secrets or request bodies as fields.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>

#include "wdrbe/base/clock.hpp"

namespace wdrbe::obs {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// "debug" | "info" | "warn" | "error" | "off"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view text);
std::string_view LogLevelName(LogLevel level);

// One field of a line. Empty string values are omitted from the line.
struct LogField {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

struct LoggerOptions {
  LogLevel level = LogLevel::kInfo;
  std::string service = "wdrbe";
  int fd = 1;                                       // where lines go
  std::size_t max_pending_bytes = 8 * 1024 * 1024;  // beyond: lines are dropped
  // Each line written by the thread that logs it, at once (no writer
  // thread, no batching; Flush has nothing to wait for): for a process that
  // handles one request at a time and must have its lines out before it
  // answers (a Lambda function, which may be frozen right after).
  bool synchronous = false;
};

class Logger {
 public:
  // `clock` stamps each line (RFC 3339 UTC with milliseconds) and must
  // outlive the logger.
  Logger(LoggerOptions options, const Clock& clock);
  // Writes everything still pending, then stops the writer thread.
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool Enabled(LogLevel level) const { return level >= options_.level && level != LogLevel::kOff; }

  // {"timestamp":..., "level":..., "service":..., "message":..., fields...}
  // Thread-safe; does nothing below the configured level.
  void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
  // Whatever the configured level: for the few lines tools rely on (the
  // server is listening, it has stopped).
  void LogAlways(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

  // A JSON object made elsewhere (an EMF metrics document), written as one
  // line whatever the level, in order with the other lines. `json_object`
  // must be one line of valid JSON; it is not checked.
  void WriteRecord(std::string_view json_object);

  // Blocks until every line logged before the call has been written.
  void Flush();

  // Lines dropped because the buffer was full.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void Write(LogLevel level, std::string_view message, std::initializer_list<LogField> fields);
  // Writes (synchronous) or queues one line, ending in '\n'.
  void Emit(std::string_view line);
  // Runs on writer_, the only thread that writes to options_.fd.
  void WriterLoop();

  LoggerOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  std::string pending_;               // guarded by mutex_
  std::uint64_t appended_lines_ = 0;  // guarded by mutex_
  std::uint64_t written_lines_ = 0;   // guarded by mutex_
  bool writer_idle_ = false;          // guarded by mutex_; true while the writer waits for lines
  bool stopping_ = false;             // guarded by mutex_
  int flush_waiters_ = 0;             // guarded by mutex_
  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace wdrbe::obs
