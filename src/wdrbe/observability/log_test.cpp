// The JSON line logger: the exact line shape, escaping that keeps any input
// valid JSON, level filtering, and the writer thread's promises (Flush, the
// destructor, whole lines under concurrency, dropping instead of blocking).
#include "wdrbe/observability/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/domain/timestamp.hpp"

namespace wdrbe::obs {
namespace {

using wdrbe::testing::FakeClock;

constexpr std::int64_t k2026Nov25At10 = 1'795'600'800'000;  // 2026-11-25T10:00:00.000Z

// A file in a fresh temp dir that a logger writes to and a test reads back.
class LogFile {
 public:
  LogFile() : path_(dir_.path() / "log.jsonl") {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd_, 0);
  }
  ~LogFile() { ::close(fd_); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  int fd() const { return fd_; }
  std::string Contents() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  wdrbe::testing::TempDir dir_;
  std::filesystem::path path_;
  int fd_ = -1;
};

// Both ends of a pipe, closed on destruction unless closed before.
class Pipe {
 public:
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
  ~Pipe() {
    CloseReadEnd();
    CloseWriteEnd();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_fd() const { return read_fd_; }
  int write_fd() const { return write_fd_; }
  void CloseReadEnd() { CloseOnce(read_fd_); }
  void CloseWriteEnd() { CloseOnce(write_fd_); }

  // Everything until every write end is closed.
  std::string ReadToEnd() const {
    std::string text;
    char chunk[4096];
    while (true) {
      const ssize_t n = ::read(read_fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return text;
      text.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  static void CloseOnce(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int read_fd_ = -1;
  int write_fd_ = -1;
};

// Counts NowMillis calls, to show that filtered lines do no work.
class CountingClock final : public Clock {
 public:
  std::int64_t NowMillis() const override {
    ++calls_;
    return clock_.NowMillis();
  }
  int calls() const { return calls_.load(); }

 private:
  FakeClock clock_;
  mutable std::atomic<int> calls_{0};
};

// The lines of `text`, each of which must end in "\n".
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      ADD_FAILURE() << "unterminated last line: " << text.substr(start);
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// boost::json rejects invalid UTF-8 by default, so a successful parse is a
// proof of validity, not only of shape.
boost::json::object ParseObject(const std::string& line) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(line, error);
  if (error) {
    ADD_FAILURE() << "not JSON (" << error.message() << "): " << line;
    return {};
  }
  if (!value.is_object()) {
    ADD_FAILURE() << "not an object: " << line;
    return {};
  }
  return value.as_object();
}

LoggerOptions OptionsWritingTo(int fd, LogLevel level = LogLevel::kDebug) {
  LoggerOptions options;
  options.fd = fd;
  options.level = level;
  return options;
}

TEST(LogLevelTest, ParsesEachNameAndNamesEachLevel) {
  for (LogLevel level :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError, LogLevel::kOff}) {
    EXPECT_EQ(ParseLogLevel(LogLevelName(level)), level);
  }
  EXPECT_EQ(LogLevelName(LogLevel::kDebug), "debug");
  EXPECT_EQ(LogLevelName(LogLevel::kInfo), "info");
  EXPECT_EQ(LogLevelName(LogLevel::kWarn), "warn");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "error");
  EXPECT_EQ(LogLevelName(LogLevel::kOff), "off");
}

TEST(LogLevelTest, RejectsOtherSpellings) {
  for (std::string_view text : {"", "INFO", "Info", "warning", "err", " info", "info ", "trace", "none"}) {
    EXPECT_EQ(ParseLogLevel(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(LoggerTest, WritesTheExactLineShape) {
  LogFile file;
  FakeClock clock(k2026Nov25At10 + 123);
  {
    Logger logger(OptionsWritingTo(file.fd(), LogLevel::kInfo), clock);
    logger.Log(LogLevel::kInfo, "item created", {{"itemId", "01JD0000"}, {"status", std::int64_t{201}}});
    clock.Advance(8);
    logger.Log(LogLevel::kError, "stopped");
  }
  EXPECT_EQ(file.Contents(),
            "{\"timestamp\":\"2026-11-25T10:00:00.123Z\",\"level\":\"info\",\"service\":\"wdrbe\","
            "\"message\":\"item created\",\"itemId\":\"01JD0000\",\"status\":201}\n"
            "{\"timestamp\":\"2026-11-25T10:00:00.131Z\",\"level\":\"error\",\"service\":\"wdrbe\","
            "\"message\":\"stopped\"}\n");
}

TEST(LoggerTest, KeepsFieldOrderAndTypes) {
  LogFile file;
  FakeClock clock(k2026Nov25At10);
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    logger.Log(LogLevel::kWarn, "m",
               {{"zText", "v"},
                {"aCount", std::int64_t{-42}},
                {"mRatio", 0.25},
                {"yes", true},
                {"no", false},
                {"min", std::numeric_limits<std::int64_t>::min()},
                {"huge", 1e300},
                {"tiny", 5e-324}});
  }
  const std::string contents = file.Contents();
  EXPECT_EQ(contents,
            "{\"timestamp\":\"2026-11-25T10:00:00.000Z\",\"level\":\"warn\",\"service\":\"wdrbe\","
            "\"message\":\"m\",\"zText\":\"v\",\"aCount\":-42,\"mRatio\":0.25,\"yes\":true,\"no\":false,"
            "\"min\":-9223372036854775808,\"huge\":1e+300,\"tiny\":5e-324}\n");

  const boost::json::object line = ParseObject(SplitLines(contents).at(0));
  std::vector<std::string> keys;
  for (const auto& entry : line) keys.emplace_back(entry.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"timestamp", "level", "service", "message", "zText", "aCount",
                                            "mRatio", "yes", "no", "min", "huge", "tiny"}));
  EXPECT_TRUE(line.at("zText").is_string());
  EXPECT_EQ(line.at("aCount").as_int64(), -42);
  EXPECT_EQ(line.at("mRatio").as_double(), 0.25);
  EXPECT_EQ(line.at("yes").as_bool(), true);
  EXPECT_EQ(line.at("no").as_bool(), false);
  EXPECT_EQ(line.at("min").as_int64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(line.at("huge").as_double(), 1e300);
  EXPECT_EQ(line.at("tiny").as_double(), 5e-324);
}

TEST(LoggerTest, WritesNonFiniteDoublesAsNull) {
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    logger.Log(LogLevel::kInfo, "m",
               {{"nan", std::nan("")},
                {"inf", std::numeric_limits<double>::infinity()},
                {"negInf", -std::numeric_limits<double>::infinity()},
                {"negZero", -0.0}});
  }
  const std::string line = SplitLines(file.Contents()).at(0);
  EXPECT_NE(line.find(",\"nan\":null,\"inf\":null,\"negInf\":null,\"negZero\":-0}"), std::string::npos)
      << line;
  EXPECT_TRUE(ParseObject(line).at("nan").is_null());
}

TEST(LoggerTest, OmitsEmptyStringFieldsOnly) {
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    logger.Log(LogLevel::kInfo, "",
               {{"userId", ""}, {"zero", std::int64_t{0}}, {"off", false}, {"traceId", std::string_view()}});
  }
  const boost::json::object line = ParseObject(SplitLines(file.Contents()).at(0));
  EXPECT_EQ(line.size(), 6u);
  EXPECT_FALSE(line.contains("userId"));
  EXPECT_FALSE(line.contains("traceId"));
  EXPECT_EQ(line.at("message").as_string(), "");  // the message is always there
  EXPECT_EQ(line.at("zero").as_int64(), 0);
  EXPECT_EQ(line.at("off").as_bool(), false);
}

TEST(LoggerTest, EscapesQuotesBackslashesAndControlCharacters) {
  LogFile file;
  FakeClock clock;
  constexpr char kTricky[] = "q\"b\\n\nt\tz\0o\x1f\x7f";
  std::string every_control_byte;
  for (char byte = 0; byte < 0x20; ++byte) every_control_byte.push_back(byte);
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    logger.Log(LogLevel::kInfo, std::string_view(kTricky, sizeof kTricky - 1));
    logger.Log(LogLevel::kInfo, every_control_byte, {{"k\"\\\n", every_control_byte}});
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("message":"q\"b\\n\nt\tz\u0000o\u001f)"
                          "\x7f\"}"),
            std::string::npos)
      << lines[0];
  const boost::json::object second = ParseObject(lines[1]);
  EXPECT_EQ(second.at("message").as_string(), every_control_byte);
  EXPECT_EQ(second.at("k\"\\\n").as_string(), every_control_byte);
}

TEST(LoggerTest, ReplacesInvalidUtf8WithReplacementCharacters) {
  const std::string_view kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string input;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},  // kept
      {"a\xFF"
       "b",
       "a" + std::string(kFffd) + "b"},
      {"\x80", std::string(kFffd)},                           // lone continuation
      {"end\xC3", "end" + std::string(kFffd)},                // cut short at the end
      {"\xE2\x82!", std::string(kFffd) + "!"},                // cut short: one U+FFFD
      {"\xC0\xAF", std::string(kFffd) + std::string(kFffd)},  // overlong '/'
      {"\xED\xA0\x80", std::string(kFffd) + std::string(kFffd) + std::string(kFffd)},  // surrogate
      {"\xF4\x90\x80\x80",
       std::string(kFffd) + std::string(kFffd) + std::string(kFffd) + std::string(kFffd)},  // above U+10FFFF
  };
  LogFile file;
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(file.fd());
  options.service = "svc\xFF";
  {
    Logger logger(options, clock);
    for (const Case& c : cases) logger.Log(LogLevel::kInfo, c.input, {{c.input, c.input}});
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const boost::json::object line = ParseObject(lines[i]);
    EXPECT_EQ(line.at("service").as_string(), "svc" + std::string(kFffd));
    EXPECT_EQ(line.at("message").as_string(), cases[i].expected) << "case " << i;
    ASSERT_TRUE(line.contains(cases[i].expected)) << lines[i];
    EXPECT_EQ(line.at(cases[i].expected).as_string(), cases[i].expected) << "case " << i;
  }
}

TEST(LoggerTest, ValidityCheckRejectsInvalidUtf8) {
  // What the escaping tests rely on: the parser would catch raw bad bytes.
  boost::system::error_code error;
  (void)boost::json::parse("\"\xFF\"", error);
  EXPECT_TRUE(error);
}

TEST(LoggerTest, ArbitraryBytesAlwaysMakeValidJson) {
  std::mt19937 random(20261125);
  // Bytes near the edges of the UTF-8 and JSON rules, plus anything at all.
  constexpr char kEdgeBytes[] = "\x00\x01\x1f \"\\\x7f\x80\xbf\xc0\xc1\xc2\xdf\xe0\xed\xef\xf0\xf4\xf5\xff";
  const std::string edge_bytes(kEdgeBytes, sizeof kEdgeBytes - 1);
  auto random_text = [&] {
    std::string text(random() % 24, '\0');
    for (char& byte : text) {
      byte = random() % 2 == 0 ? edge_bytes[random() % edge_bytes.size()] : static_cast<char>(random());
    }
    return text;
  };
  constexpr int kLines = 3000;
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    for (int i = 0; i < kLines; ++i) {
      const std::string message = random_text();
      const std::string key = random_text();
      const std::string value = random_text();
      logger.Log(LogLevel::kInfo, message, {{key, value}});
    }
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  for (const std::string& line : lines) ParseObject(line);
}

TEST(LoggerTest, TimestampsMatchFormatTimestamp) {
  // The logger reuses each second's text; these cross seconds both ways,
  // and years outside what the reuse covers.
  const std::vector<std::int64_t> instants = {k2026Nov25At10 + 999,
                                              k2026Nov25At10 + 1000,
                                              k2026Nov25At10 + 1001,
                                              k2026Nov25At10 + 5,
                                              k2026Nov25At10 - 1,
                                              0,
                                              999,
                                              1000,
                                              -1,
                                              -1001,
                                              253'402'300'799'999,
                                              253'402'300'800'000,
                                              std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max(),
                                              k2026Nov25At10 + 42};
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    for (std::int64_t instant : instants) {
      clock.Set(instant);
      logger.Log(LogLevel::kInfo, "tick");
    }
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), instants.size());
  for (std::size_t i = 0; i < instants.size(); ++i) {
    EXPECT_EQ(ParseObject(lines[i]).at("timestamp").as_string(), FormatTimestamp(instants[i])) << instants[i];
  }
}

TEST(LoggerTest, WritesOnlyLinesAtOrAboveTheLevel) {
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd(), LogLevel::kWarn), clock);
    EXPECT_FALSE(logger.Enabled(LogLevel::kDebug));
    EXPECT_FALSE(logger.Enabled(LogLevel::kInfo));
    EXPECT_TRUE(logger.Enabled(LogLevel::kWarn));
    EXPECT_TRUE(logger.Enabled(LogLevel::kError));
    EXPECT_FALSE(logger.Enabled(LogLevel::kOff));
    for (LogLevel level :
         {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError, LogLevel::kOff}) {
      logger.Log(level, LogLevelName(level));
    }
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(ParseObject(lines[0]).at("level").as_string(), "warn");
  EXPECT_EQ(ParseObject(lines[1]).at("level").as_string(), "error");
}

TEST(LoggerTest, OffWritesNothing) {
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd(), LogLevel::kOff), clock);
    EXPECT_FALSE(logger.Enabled(LogLevel::kError));
    logger.Log(LogLevel::kError, "not written");
  }
  EXPECT_EQ(file.Contents(), "");
}

TEST(LoggerTest, LogAlwaysIgnoresTheLevel) {
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd(), LogLevel::kOff), clock);
    logger.Log(LogLevel::kInfo, "filtered");
    logger.LogAlways(LogLevel::kInfo, "listening", {{"port", std::int64_t{8080}}});
  }
  const std::string contents = file.Contents();
  EXPECT_EQ(contents.find("filtered"), std::string::npos);
  EXPECT_NE(contents.find(R"("level":"info","service":"wdrbe","message":"listening","port":8080})"),
            std::string::npos)
      << contents;
}

TEST(LoggerTest, ARecordIsWrittenVerbatimInOrderWhateverTheLevel) {
  const std::string record = R"({"_aws":{"Timestamp":1},"service":"wdrbe","ItemCreated":2})";
  for (const bool synchronous : {false, true}) {
    SCOPED_TRACE(synchronous ? "synchronous" : "writer thread");
    LogFile file;
    FakeClock clock;
    {
      LoggerOptions options = OptionsWritingTo(file.fd(), LogLevel::kOff);
      options.synchronous = synchronous;
      Logger logger(options, clock);
      logger.LogAlways(LogLevel::kInfo, "before");
      logger.WriteRecord(record);
      logger.LogAlways(LogLevel::kInfo, "after");
    }
    const std::vector<std::string> lines = SplitLines(file.Contents());
    ASSERT_EQ(lines.size(), 3u) << file.Contents();
    EXPECT_EQ(ParseObject(lines[0]).at("message").as_string(), "before");
    EXPECT_EQ(lines[1], record);
    EXPECT_EQ(ParseObject(lines[2]).at("message").as_string(), "after");
  }
}

TEST(LoggerTest, FilteredLinesDoNoWork) {
  LogFile file;
  CountingClock clock;
  Logger logger(OptionsWritingTo(file.fd(), LogLevel::kError), clock);
  logger.Log(LogLevel::kInfo, "filtered", {{"k", "v"}});
  EXPECT_EQ(clock.calls(), 0);
  logger.Log(LogLevel::kError, "written");
  EXPECT_EQ(clock.calls(), 1);
}

TEST(LoggerTest, FlushMakesLinesVisible) {
  LogFile file;
  FakeClock clock;
  Logger logger(OptionsWritingTo(file.fd()), clock);
  for (int round = 1; round <= 3; ++round) {
    logger.Log(LogLevel::kInfo, "round", {{"n", std::int64_t{round}}});
    logger.Flush();
    EXPECT_EQ(SplitLines(file.Contents()).size(), static_cast<std::size_t>(round));
  }
  logger.Flush();  // nothing pending: returns at once
}

TEST(LoggerTest, DestructorWritesEverythingPending) {
  constexpr int kLines = 20'000;
  LogFile file;
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    for (int i = 0; i < kLines; ++i) logger.Log(LogLevel::kInfo, "line", {{"i", std::int64_t{i}}});
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(ParseObject(lines.back()).at("i").as_int64(), kLines - 1);
}

TEST(LoggerTest, LinesFromManyThreadsStayWholeAndInOrder) {
  constexpr int kThreads = 8;
  constexpr int kLinesPerThread = 2'000;
  // Long enough that torn writes or racing appends would show.
  const std::string padding(100, 'x');
  LogFile file;
  FakeClock clock;
  std::uint64_t dropped = 0;
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kLinesPerThread; ++i) {
          logger.Log(LogLevel::kInfo, padding, {{"thread", std::int64_t{t}}, {"seq", std::int64_t{i}}});
          if (i % 500 == 0) logger.Flush();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    dropped = logger.dropped();
  }
  EXPECT_EQ(dropped, 0u);
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLinesPerThread));
  std::vector<std::int64_t> next_seq(kThreads, 0);
  for (const std::string& line : lines) {
    const boost::json::object object = ParseObject(line);
    ASSERT_EQ(object.at("message").as_string(), padding);
    const std::int64_t thread = object.at("thread").as_int64();
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    EXPECT_EQ(object.at("seq").as_int64(), next_seq[static_cast<std::size_t>(thread)]++);
  }
}

TEST(LoggerTest, DropsAndCountsLinesWhenTheReaderIsStuck) {
  constexpr int kLines = 5'000;  // ~1 MB: far beyond the pipe and the buffer
  const std::string message(200, 'm');
  Pipe pipe;
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(pipe.write_fd());
  options.max_pending_bytes = 4096;
  auto logger = std::make_unique<Logger>(options, clock);

  // Nobody reads the pipe yet, so the writer thread blocks in write(2).
  auto logging = std::async(std::launch::async, [&] {
    for (int i = 0; i < kLines; ++i) logger->Log(LogLevel::kInfo, message, {{"i", std::int64_t{i}}});
  });
  const bool returned = logging.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  EXPECT_TRUE(returned) << "Log blocked on a stuck reader";

  // Unstick the writer so the logger can finish and be destroyed.
  std::future<std::string> read = std::async(std::launch::async, [&] { return pipe.ReadToEnd(); });
  logging.wait();
  const std::uint64_t dropped = logger->dropped();
  logger.reset();
  pipe.CloseWriteEnd();
  const std::vector<std::string> lines = SplitLines(read.get());

  EXPECT_GT(dropped, 0u);
  // Every line was either written whole or counted as dropped.
  EXPECT_EQ(lines.size() + dropped, static_cast<std::size_t>(kLines));
  for (const std::string& line : lines) ParseObject(line);
}

TEST(LoggerTest, DropsALineLargerThanTheBuffer) {
  LogFile file;
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(file.fd());
  options.max_pending_bytes = 200;
  Logger logger(options, clock);
  logger.Log(LogLevel::kInfo, std::string(200, 'x'));
  EXPECT_EQ(logger.dropped(), 1u);
  logger.Log(LogLevel::kInfo, "fits");
  logger.Flush();
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(ParseObject(lines[0]).at("message").as_string(), "fits");
  EXPECT_EQ(logger.dropped(), 1u);
}

TEST(LoggerTest, WritesALineLargerThanTheRetainedScratchBuffer) {
  LogFile file;
  FakeClock clock;
  const std::string big(1 << 20, 'b');
  {
    Logger logger(OptionsWritingTo(file.fd()), clock);
    logger.Log(LogLevel::kInfo, big);
    logger.Log(LogLevel::kInfo, "small");
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(ParseObject(lines[0]).at("message").as_string(), big);
  EXPECT_EQ(ParseObject(lines[1]).at("message").as_string(), "small");
}

TEST(LoggerTest, FinishesPartialWritesToANonBlockingPipe) {
  // A non-blocking pipe takes what fits and then says EAGAIN: the writer
  // must resume where the kernel stopped, after waiting for room.
  constexpr int kLines = 4'000;  // ~1 MB, many times a pipe's capacity
  const std::string message(250, 'p');
  Pipe pipe;
  ASSERT_EQ(::fcntl(pipe.write_fd(), F_SETFL, ::fcntl(pipe.write_fd(), F_GETFL) | O_NONBLOCK), 0);
  std::future<std::string> read = std::async(std::launch::async, [&] { return pipe.ReadToEnd(); });
  FakeClock clock;
  {
    Logger logger(OptionsWritingTo(pipe.write_fd()), clock);
    for (int i = 0; i < kLines; ++i) logger.Log(LogLevel::kInfo, message, {{"i", std::int64_t{i}}});
    EXPECT_EQ(logger.dropped(), 0u);
  }
  pipe.CloseWriteEnd();
  const std::vector<std::string> lines = SplitLines(read.get());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) {
    EXPECT_EQ(ParseObject(lines[static_cast<std::size_t>(i)]).at("i").as_int64(), i);
  }
}

TEST(LoggerTest, SurvivesAReaderThatWentAway) {
  // Writing to a pipe without a reader raises SIGPIPE, which would end this
  // test binary; the logger must see EPIPE instead and carry on.
  Pipe pipe;
  pipe.CloseReadEnd();
  FakeClock clock;
  Logger logger(OptionsWritingTo(pipe.write_fd()), clock);
  logger.Log(LogLevel::kError, "nobody reads this");
  logger.Flush();
  logger.Log(LogLevel::kError, "nor this");
  logger.Flush();
  EXPECT_EQ(logger.dropped(), 0u);  // lost to the write error, not to a full buffer
}

TEST(LoggerTest, ASynchronousLoggerHasEachLineWrittenWhenLogReturns) {
  LogFile file;
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(file.fd());
  options.synchronous = true;
  Logger logger(options, clock);
  for (int round = 1; round <= 3; ++round) {
    logger.Log(LogLevel::kInfo, "round", {{"n", std::int64_t{round}}});
    // No Flush: the line is in the file already.
    const std::vector<std::string> lines = SplitLines(file.Contents());
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(round));
    EXPECT_EQ(ParseObject(lines.back()).at("n").as_int64(), round);
  }
  logger.Flush();  // nothing to wait for
}

TEST(LoggerTest, ASynchronousLoggerKeepsLinesOfManyThreadsWhole) {
  constexpr int kThreads = 4;
  constexpr int kLinesPerThread = 500;
  const std::string padding(100, 'y');
  LogFile file;
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(file.fd());
  options.synchronous = true;
  {
    Logger logger(options, clock);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kLinesPerThread; ++i) {
          logger.Log(LogLevel::kInfo, padding, {{"thread", std::int64_t{t}}, {"seq", std::int64_t{i}}});
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  const std::vector<std::string> lines = SplitLines(file.Contents());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLinesPerThread));
  for (const std::string& line : lines) EXPECT_EQ(ParseObject(line).at("message").as_string(), padding);
}

TEST(LoggerTest, ASynchronousLoggerSurvivesAReaderThatWentAway) {
  Pipe pipe;
  pipe.CloseReadEnd();
  FakeClock clock;
  LoggerOptions options = OptionsWritingTo(pipe.write_fd());
  options.synchronous = true;
  Logger logger(options, clock);
  logger.Log(LogLevel::kError, "nobody reads this");
  logger.Log(LogLevel::kError, "nor this");
  EXPECT_EQ(logger.dropped(), 0u);
}

}  // namespace
}  // namespace wdrbe::obs
