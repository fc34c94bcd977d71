#include "testing/test_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "testing/aws_test_backend.hpp"

#ifndef WDRBE_BINARY
#error "WDRBE_BINARY must name the wdrbe executable"
#endif

extern char** environ;

namespace wdrbe::testing {
namespace {

constexpr std::chrono::milliseconds kPollInterval{5};
constexpr std::size_t kMaxUserIdLabel = 48;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The child's environment: ours without any WDRBE_* or OTEL_* variable (a
// developer's collector must not receive the tests' spans), then the
// secret and the extras (an extra replaces a variable of the same name).
std::vector<std::string> ChildEnvironment(const std::optional<std::string>& jwt_secret,
                                          const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::pair<std::string, std::string>> wanted;
  if (jwt_secret) wanted.emplace_back("WDRBE_JWT_SECRET", *jwt_secret);
  // Tests send bursts far beyond the production throttling defaults; a test
  // of throttling sets its own limits (an extra, or a flag, wins).
  for (const char* limit : {"WDRBE_RATE_LIMIT", "WDRBE_USER_RATE_LIMIT", "WDRBE_ANONYMOUS_RATE_LIMIT"}) {
    const bool overridden =
        std::any_of(extra.begin(), extra.end(), [&](const auto& entry) { return entry.first == limit; });
    if (!overridden) wanted.emplace_back(limit, "0");
  }
  for (const auto& entry : extra) wanted.push_back(entry);

  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.starts_with("WDRBE_") || text.starts_with("OTEL_")) continue;
    bool replaced = false;
    for (const auto& [name, value] : wanted) replaced = replaced || text.starts_with(name + "=");
    if (!replaced) env.emplace_back(text);
  }
  for (const auto& [name, value] : wanted) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> PointersOf(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int OpenForChild(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

// fork + execve with stdout/stderr sent to files and stdin from /dev/null.
// Everything the child needs is prepared before fork: between fork and exec
// only async-signal-safe calls are made.
pid_t Spawn(std::vector<std::string> argv, std::vector<std::string> env,
            const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
  std::vector<char*> argv_ptrs = PointersOf(argv);
  std::vector<char*> env_ptrs = PointersOf(env);
  const int in_fd = OpenForChild("/dev/null", O_RDONLY);
  const int out_fd = OpenForChild(out_path, O_WRONLY | O_CREAT | O_TRUNC);
  const int err_fd = OpenForChild(err_path, O_WRONLY | O_CREAT | O_TRUNC);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid == 0) {
    // The server must not outlive a test run that crashed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    // Sockets of the test process must not stay open in the server.
    ::close_range(3, ~0U, 0);
    ::execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    const char message[] = "test_server: execve of the wdrbe binary failed\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof(message) - 1);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(fork_errno));
  return pid;
}

ExitStatus DecodeWaitStatus(int status) {
  ExitStatus result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// Polls for the child's exit until `deadline`, then SIGKILLs it.
ExitStatus WaitForChild(pid_t pid, std::chrono::steady_clock::duration deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return DecodeWaitStatus(status);
    if (done < 0 && errno != EINTR) return ExitStatus{};
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ExitStatus result = DecodeWaitStatus(status);
  result.timed_out = true;
  return result;
}

std::vector<std::string> ServeArguments(const ServerOptions& options, const std::filesystem::path& data_dir) {
  std::vector<std::string> argv = {WDRBE_BINARY,   options.command, "--listen",
                                   options.listen, "--data-dir",    data_dir.string()};
  if (OnAwsTestBackend()) {
    const AwsTestTarget aws = AwsTestTargetFor(data_dir);
    argv.insert(argv.end(), aws.args.begin(), aws.args.end());
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

// The engines' variables first, so that a test's own extras win.
std::vector<std::pair<std::string, std::string>> WithAwsEnvironment(
    const std::filesystem::path& data_dir, const std::vector<std::pair<std::string, std::string>>& extra) {
  if (!OnAwsTestBackend()) return extra;
  std::vector<std::pair<std::string, std::string>> env = AwsTestTargetFor(data_dir).env;
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// On the AWS test backend, a `serve`, `worker` or `dlq` command that names
// a --data-dir works on that directory's table and queues.
void AddAwsTarget(std::vector<std::string>& argv, std::vector<std::pair<std::string, std::string>>& env) {
  if (!OnAwsTestBackend() || argv.size() < 2) return;
  const std::string& command = argv[1];
  // `lambda api|worker`: the flags go after the function's name.
  const std::size_t flags_at = command == "lambda" ? 3 : 2;
  if (command != "serve" && command != "worker" && command != "dlq" && command != "lambda") return;
  if (argv.size() < flags_at) return;
  for (std::size_t i = flags_at; i + 1 < argv.size(); ++i) {
    if (argv[i] != "--data-dir") continue;
    const AwsTestTarget aws = AwsTestTargetFor(argv[i + 1]);
    argv.insert(argv.begin() + static_cast<std::ptrdiff_t>(flags_at), aws.args.begin(), aws.args.end());
    env.insert(env.begin(), aws.env.begin(), aws.env.end());
    return;
  }
}

}  // namespace

std::string ExitStatus::Describe() const {
  std::ostringstream out;
  if (exit_code) out << "exited with status " << *exit_code;
  if (signal) out << "killed by signal " << *signal << " (" << ::strsignal(*signal) << ")";
  if (!exit_code && !signal) out << "unknown exit";
  if (timed_out) out << ", after missing its deadline";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const ExitStatus& status) { return out << status.Describe(); }

std::unique_ptr<TestServer> TestServer::Start(ServerOptions options) {
  std::unique_ptr<TestServer> server(new TestServer(std::move(options)));
  server->Launch();
  return server;
}

TestServer::TestServer(ServerOptions options) : options_(std::move(options)) {
  if (options_.data_dir.empty()) {
    owned_data_dir_ = std::make_unique<TempDir>();
    data_dir_ = owned_data_dir_->path();
  } else {
    data_dir_ = options_.data_dir;
  }
}

TestServer::~TestServer() {
  if (running()) Kill();
}

void TestServer::Launch() {
  ++generation_;
  stdout_path_ = log_dir_.path() / ("stdout-" + std::to_string(generation_) + ".log");
  stderr_path_ = log_dir_.path() / ("stderr-" + std::to_string(generation_) + ".log");
  port_ = 0;
  last_exit_ = ExitStatus{};
  pid_ = Spawn(ServeArguments(options_, data_dir_),
               ChildEnvironment(options_.jwt_secret, WithAwsEnvironment(data_dir_, options_.extra_env)),
               stdout_path_, stderr_path_);

  static const std::regex kListening(R"(listening on (https?)://([0-9.]+):([0-9]+))");
  const auto until = std::chrono::steady_clock::now() + kStartDeadline;
  while (true) {
    const std::string out = ReadFile(stdout_path_);
    std::smatch match;
    // Only a whole line counts, so a half-written port number is never read.
    if (std::regex_search(out, match, kListening) &&
        out.find('\n', static_cast<std::size_t>(match.position(0) + match.length(0))) != std::string::npos) {
      scheme_ = match[1].str();
      host_ = match[2].str();
      port_ = static_cast<std::uint16_t>(std::stoi(match[3].str()));
      if (port_ != 0) return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      last_exit_ = DecodeWaitStatus(status);
      throw std::runtime_error("wdrbe serve " + last_exit_.Describe() + " before listening; output:\n" +
                               Output());
    }
    if (std::chrono::steady_clock::now() >= until) {
      const ExitStatus status_after_kill = Kill();
      throw std::runtime_error("wdrbe serve printed no 'listening on http(s)://HOST:PORT' line within " +
                               std::to_string(kStartDeadline.count()) + " s (" +
                               status_after_kill.Describe() + "); output:\n" + Output());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string TestServer::Output() const {
  if (generation_ == 0) return "";
  return ReadFile(stdout_path_) + ReadFile(stderr_path_);
}

ExitStatus TestServer::Stop() {
  if (!running()) return ExitStatus{};
  ::kill(pid_, SIGTERM);
  return WaitForExit(kStopDeadline);
}

ExitStatus TestServer::Kill() {
  if (!running()) return ExitStatus{};
  ::kill(pid_, SIGKILL);
  return WaitForExit(kStopDeadline);
}

void TestServer::Restart() {
  if (running()) {
    const ExitStatus status = Stop();
    if (!status.ExitedWith(0)) {
      throw std::runtime_error("wdrbe serve did not stop cleanly for a restart: " + status.Describe() +
                               "; output:\n" + Output());
    }
  }
  Launch();
}

bool TestServer::CheckAlive() {
  if (!running()) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  last_exit_ = DecodeWaitStatus(status);
  return false;
}

ExitStatus TestServer::WaitForExit(std::chrono::steady_clock::duration deadline) {
  last_exit_ = WaitForChild(pid_, deadline);
  pid_ = -1;
  return last_exit_;
}

ProcessOutcome RunToExit(const std::vector<std::string>& args, const std::optional<std::string>& jwt_secret,
                         const std::vector<std::pair<std::string, std::string>>& extra_env,
                         std::chrono::steady_clock::duration deadline) {
  TempDir logs;
  std::vector<std::string> argv = {WDRBE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::pair<std::string, std::string>> env = extra_env;
  AddAwsTarget(argv, env);
  const std::filesystem::path out = logs.path() / "stdout.log";
  const std::filesystem::path err = logs.path() / "stderr.log";
  const pid_t pid = Spawn(std::move(argv), ChildEnvironment(jwt_secret, env), out, err);
  ProcessOutcome outcome;
  outcome.status = WaitForChild(pid, deadline);
  outcome.output = ReadFile(out) + ReadFile(err);
  return outcome;
}

pid_t SpawnWdrbe(const std::vector<std::string>& args, const std::optional<std::string>& jwt_secret,
                 const std::vector<std::pair<std::string, std::string>>& extra_env,
                 const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path) {
  std::vector<std::string> argv = {WDRBE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::pair<std::string, std::string>> env = extra_env;
  AddAwsTarget(argv, env);
  return Spawn(std::move(argv), ChildEnvironment(jwt_secret, env), stdout_path, stderr_path);
}

ExitStatus WaitForChildExit(pid_t pid, std::chrono::steady_clock::duration deadline) {
  return WaitForChild(pid, deadline);
}

std::unique_ptr<TestServer> SharedServerTest::server_;
std::string SharedServerTest::start_error_;

void SharedServerTest::SetUpTestSuite() {
  start_error_.clear();
  try {
    server_ = TestServer::Start();
  } catch (const std::exception& e) {
    server_.reset();
    start_error_ = e.what();
  }
}

void SharedServerTest::TearDownTestSuite() { server_.reset(); }

void SharedServerTest::SetUp() {
  if (server_ == nullptr) GTEST_FAIL() << "the shared wdrbe server did not start: " << start_error_;
  if (server_->CheckAlive()) return;
  // An earlier test crashed it (and failed for that); start a new one on the
  // same data directory so that the crash does not fail every later test.
  try {
    server_->Restart();
  } catch (const std::exception& e) {
    GTEST_FAIL() << "the shared wdrbe server is gone and does not restart: " << e.what();
  }
}

void SharedServerTest::TearDown() {
  if (server_ != nullptr && !server_->CheckAlive()) {
    ADD_FAILURE() << "the wdrbe server died during this test (" << server_->last_exit().Describe()
                  << "); output:\n"
                  << server_->Output();
  }
}

std::string SharedServerTest::UniqueUserId(std::string_view label) {
  static std::atomic<int> counter{0};
  std::string name;
  if (const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = info->name();
  }
  if (!label.empty()) name += "-" + std::string(label);
  std::string clean;
  for (const char c : name) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    clean += allowed ? c : '_';
  }
  if (clean.size() > kMaxUserIdLabel) clean = clean.substr(clean.size() - kMaxUserIdLabel);
  return "u" + std::to_string(++counter) + "-" + clean;
}

}  // namespace wdrbe::testing
