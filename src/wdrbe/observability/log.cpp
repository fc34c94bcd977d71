#include "wdrbe/observability/log.hpp"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <type_traits>
#include <utility>

#include "wdrbe/domain/timestamp.hpp"

namespace wdrbe::obs {
namespace {

constexpr std::array<std::string_view, 5> kLevelNames = {"debug", "info", "warn", "error", "off"};

// A thread's scratch line keeps its capacity between lines so that logging
// does not allocate; one huge line should not pin its memory for the life
// of the thread, though, so a buffer grown past this is released.
constexpr std::size_t kMaxRetainedScratchBytes = 64 * 1024;

// Likewise for the writer's batch buffer after a burst: without this, both
// it and pending_ would keep up to max_pending_bytes each for good.
constexpr std::size_t kMaxRetainedBatchBytes = 1024 * 1024;
// How long the writer lets lines gather before a write, and the batch size
// at which it stops waiting.
constexpr auto kBatchGatherTime = std::chrono::milliseconds(5);
constexpr std::size_t kBatchTargetBytes = 256 * 1024;

// 10000-01-01T00:00:00Z: from here on FormatTimestamp clamps (RFC 3339 has
// four-digit years), so the per-second cache below must not patch digits in.
constexpr std::int64_t kFirstFiveDigitYearMs = 253'402'300'800'000;

constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Bytes that stand for themselves inside a JSON string.
bool IsPlainJsonByte(unsigned char byte) {
  return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
}

void AppendEscapedAscii(std::string& out, unsigned char byte) {
  switch (byte) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default:
      break;
  }
  constexpr char kHex[] = "0123456789abcdef";
  const char escaped[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
  out.append(escaped, sizeof escaped);
}

// The UTF-8 sequence at the start of `rest` (non-empty, first byte >= 0x80):
// its length when well-formed, else the length of its maximal ill-formed
// prefix (at least 1), which is what one U+FFFD replaces (Unicode 15,
// section 3.9, "U+FFFD Substitution of Maximal Subparts").
struct Utf8Sequence {
  std::size_t length;
  bool valid;
};

Utf8Sequence ScanUtf8Sequence(std::string_view rest) {
  const auto lead = static_cast<unsigned char>(rest[0]);
  std::size_t length = 0;
  // The second byte's range excludes overlong forms, surrogates (ED A0..BF)
  // and code points above U+10FFFF; later bytes are plain continuations.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {1, false};
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (i >= rest.size()) return {i, false};
    const auto byte = static_cast<unsigned char>(rest[i]);
    if (byte < low || byte > high) return {i, false};
    low = 0x80;
    high = 0xBF;
  }
  return {length, true};
}

// Appends `text` as a quoted JSON string. Whatever the bytes, the result is
// valid JSON in valid UTF-8: log lines carry request paths and error texts
// that a client controls.
void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t plain_end = i;
    while (plain_end < text.size() && IsPlainJsonByte(static_cast<unsigned char>(text[plain_end]))) {
      ++plain_end;
    }
    out.append(text.data() + i, plain_end - i);
    i = plain_end;
    if (i == text.size()) break;

    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      AppendEscapedAscii(out, byte);
      ++i;
      continue;
    }
    const Utf8Sequence sequence = ScanUtf8Sequence(text.substr(i));
    if (sequence.valid) {
      out.append(text.data() + i, sequence.length);
    } else {
      out.append(kReplacementCharacter);
    }
    i += sequence.length;
  }
  out.push_back('"');
}

void AppendInteger(std::string& out, std::int64_t value) {
  std::array<char, 24> digits;
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

// Shortest round-trip form, which is always a valid JSON number for finite
// values ("1e+300", "-0", "0.1"). JSON has no NaN or infinity.
void AppendDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  std::array<char, 32> digits;
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

void AppendFieldValue(std::string& out, const LogField& field) {
  std::visit(
      [&out](const auto& value) {
        using Value = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Value, std::string_view>) {
          AppendJsonString(out, value);
        } else if constexpr (std::is_same_v<Value, bool>) {
          out.append(value ? "true" : "false");
        } else if constexpr (std::is_same_v<Value, double>) {
          AppendDouble(out, value);
        } else {
          AppendInteger(out, value);
        }
      },
      field.value);
}

bool IsEmptyString(const LogField& field) {
  const auto* text = std::get_if<std::string_view>(&field.value);
  return text != nullptr && text->empty();
}

// FormatTimestamp returns a fresh string; every line calling it would cost
// an allocation. Lines of one thread mostly share a second, so the thread
// keeps the last second's text and only rewrites the millisecond digits.
void AppendTimestamp(std::string& out, std::int64_t unix_ms) {
  if (unix_ms < 0 || unix_ms >= kFirstFiveDigitYearMs) {
    out.append(FormatTimestamp(unix_ms));
    return;
  }
  struct CachedSecond {
    std::int64_t second = -1;
    std::string text;  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  };
  thread_local CachedSecond cached;
  const std::int64_t second = unix_ms / 1000;
  if (second != cached.second) {
    cached.text = FormatTimestamp(second * 1000);
    cached.second = second;
  }
  // The three digits after the dot, at offsets 20 to 22.
  const auto millis = static_cast<unsigned>(unix_ms % 1000);
  cached.text[20] = static_cast<char>('0' + millis / 100);
  cached.text[21] = static_cast<char>('0' + millis / 10 % 10);
  cached.text[22] = static_cast<char>('0' + millis % 10);
  out.append(cached.text);
}

// Writes all of `bytes`, or gives up on them when the descriptor refuses
// them (a closed pipe, a full disk): there is nowhere to report that, and
// retrying would spin.
void WriteFully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A non-blocking descriptor (stdout may be shared with a parent that
      // set O_NONBLOCK): wait until it takes bytes instead of spinning.
      pollfd ready{.fd = fd, .events = POLLOUT, .revents = 0};
      if (::poll(&ready, 1, -1) < 0 && errno != EINTR) return;
      continue;
    }
    return;
  }
}

// Writing to a pipe whose reader is gone raises SIGPIPE, which kills the
// process by default. Blocked on this thread only, write(2) fails with EPIPE
// instead and the rest of the process keeps its signal dispositions.
void BlockSigpipeOnThisThread() {
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe, nullptr);
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (text == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  const auto index = static_cast<std::size_t>(level);
  return index < kLevelNames.size() ? kLevelNames[index] : "unknown";
}

Logger::Logger(LoggerOptions options, const Clock& clock) : options_(std::move(options)), clock_(clock) {
  if (!options_.synchronous) writer_ = std::thread([this] { WriterLoop(); });
}

Logger::~Logger() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void Logger::Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (Enabled(level)) Write(level, message, fields);
}

void Logger::LogAlways(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  Write(level, message, fields);
}

void Logger::Write(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  thread_local std::string line;
  line.clear();
  line.append("{\"timestamp\":\"");
  AppendTimestamp(line, clock_.NowMillis());
  line.append("\",\"level\":\"");
  line.append(LogLevelName(level));
  line.append("\",\"service\":");
  AppendJsonString(line, options_.service);
  line.append(",\"message\":");
  AppendJsonString(line, message);
  for (const LogField& field : fields) {
    if (IsEmptyString(field)) continue;
    line.push_back(',');
    AppendJsonString(line, field.key);
    line.push_back(':');
    AppendFieldValue(line, field);
  }
  line.append("}\n");
  Emit(line);
  if (line.capacity() > kMaxRetainedScratchBytes) std::string().swap(line);
}

void Logger::WriteRecord(std::string_view json_object) {
  thread_local std::string line;
  line.assign(json_object);
  line.push_back('\n');
  Emit(line);
  if (line.capacity() > kMaxRetainedScratchBytes) std::string().swap(line);
}

void Logger::Emit(std::string_view line) {
  bool wake = false;
  if (options_.synchronous) {
    thread_local bool sigpipe_blocked = false;
    if (!std::exchange(sigpipe_blocked, true)) BlockSigpipeOnThisThread();
    // The lock keeps lines of two threads from interleaving.
    std::lock_guard lock(mutex_);
    WriteFully(options_.fd, line);
    ++appended_lines_;
    written_lines_ = appended_lines_;
  } else {
    std::lock_guard lock(mutex_);
    if (pending_.size() + line.size() > options_.max_pending_bytes) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    } else {
      pending_.append(line);
      ++appended_lines_;
      // One notification per wait is enough: later lines before the writer
      // wakes up find it no longer idle and skip the futex call.
      wake = std::exchange(writer_idle_, false);
    }
  }
  if (wake) wake_writer_.notify_one();
}

void Logger::Flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_lines_;
  ++flush_waiters_;
  wake_writer_.notify_one();  // cut a gathering pause short
  written_.wait(lock, [&] { return written_lines_ >= target; });
  --flush_waiters_;
}

void Logger::WriterLoop() {
  BlockSigpipeOnThisThread();
  // Swapped with pending_ each round, so the two buffers trade places and
  // neither is reallocated once both have grown to the usual batch size.
  std::string batch;
  std::unique_lock lock(mutex_);
  while (true) {
    writer_idle_ = true;
    wake_writer_.wait(lock, [this] { return !pending_.empty() || stopping_; });
    writer_idle_ = false;
    if (pending_.empty()) return;  // stopping, and everything is written
    // Under load, let lines gather for a moment: one write(2) per batch
    // instead of one per request is most of what the access log costs.
    // Flush and shutdown do not wait.
    if (!stopping_ && flush_waiters_ == 0) {
      wake_writer_.wait_for(lock, kBatchGatherTime, [this] {
        return stopping_ || flush_waiters_ > 0 || pending_.size() >= kBatchTargetBytes;
      });
    }

    batch.clear();
    batch.swap(pending_);
    const std::uint64_t batch_end = appended_lines_;
    lock.unlock();
    // A failed write loses this batch only; the next batch tries again.
    WriteFully(options_.fd, batch);
    if (batch.capacity() > kMaxRetainedBatchBytes) std::string().swap(batch);
    lock.lock();
    written_lines_ = batch_end;
    written_.notify_all();
  }
}

}  // namespace wdrbe::obs
