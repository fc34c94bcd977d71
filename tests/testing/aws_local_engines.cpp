#include "testing/aws_local_engines.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

#ifndef WDRBE_SOURCE_DIR
#error "WDRBE_SOURCE_DIR must name the source tree (where .aws-local/ and tools/aws-local/ are)"
#endif

namespace wdrbe::testing {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;

constexpr auto kStartTimeout = std::chrono::seconds(60);

fs::path EnginesDir() {
  if (const char* dir = std::getenv("AWS_LOCAL_DIR"); dir != nullptr && *dir != '\0') return dir;
  return fs::path(WDRBE_SOURCE_DIR) / ".aws-local";
}

// A port nobody listens on now (the engine binds it a moment later).
int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Starts `argv` in `cwd` as the leader of its own process group, its
// output to `log`; it is killed when this process dies.
int Spawn(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork() failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the parent died before prctl
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

bool Exited(int pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

void Stop(int pid) {
  if (pid <= 0) return;
  ::kill(-pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

// The status of one request to 127.0.0.1:port, or nothing when no answer came.
std::optional<int> StatusOf(int port, http::request<http::string_body> request) {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port)});
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    request.prepare_payload();
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response.result_int();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// DynamoDB Local wants an Authorization header it can parse; it checks no signature.
bool DynamoDbAnswers(int port) {
  http::request<http::string_body> request(http::verb::post, "/", 11);
  request.set(http::field::content_type, "application/x-amz-json-1.0");
  request.set("X-Amz-Target", "DynamoDB_20120810.ListTables");
  request.set(http::field::authorization,
              "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, "
              "SignedHeaders=host, Signature=0");
  request.body() = "{}";
  return StatusOf(port, std::move(request)) == 200;
}

bool FauxqsAnswers(int port) {
  http::request<http::string_body> request(http::verb::get, "/health", 11);
  return StatusOf(port, std::move(request)) == 200;
}

std::string Tail(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

AwsLocalEngines& AwsLocalEngines::Get() {
  static std::mutex mutex;
  static AwsLocalEngines engines;
  static bool ready = false;
  static std::string failure;  // a failed start is not tried again by every later test
  const std::lock_guard lock(mutex);
  if (ready) return engines;
  if (!failure.empty()) throw std::runtime_error(failure);
  try {
    const char* exports = std::getenv("WDRBE_AWS_ENGINES_EXPORTS");
    if (exports != nullptr && *exports != '\0') {
      engines.ReadExports(exports);
    } else {
      engines.Start();
    }
    ready = true;
    CleanUpAtExit(engines.Env());
    return engines;
  } catch (const std::exception& error) {
    failure = error.what();
    throw;
  }
}

void AwsLocalEngines::ReadExports(const std::string& exports_file) {
  std::ifstream in(exports_file);
  if (!in) throw std::runtime_error("cannot read the engines' exports file " + exports_file);
  std::string line;
  while (std::getline(in, line)) {
    const auto value_of = [&](std::string_view name) -> std::optional<std::string> {
      const std::string prefix = "export " + std::string(name) + "=";
      if (line.rfind(prefix, 0) != 0) return std::nullopt;
      return line.substr(prefix.size());
    };
    if (auto url = value_of("AWS_ENDPOINT_URL_DYNAMODB")) dynamodb_endpoint_ = *url;
    if (auto url = value_of("AWS_ENDPOINT_URL_SQS")) sqs_endpoint_ = *url;
    if (auto url = value_of("AWS_ENDPOINT_URL_S3")) s3_endpoint_ = *url;
  }
  if (s3_endpoint_.empty()) s3_endpoint_ = sqs_endpoint_;
  if (dynamodb_endpoint_.empty() || sqs_endpoint_.empty()) {
    throw std::runtime_error(exports_file + " names no engine endpoints (did aws_engines_start fail?)");
  }
}

void AwsLocalEngines::Start() {
  const fs::path dir = EnginesDir();
  const fs::path emulator = dir / "node_modules" / "amplify-dynamodb-simulator" / "emulator";
  const fs::path fauxqs = dir / "node_modules" / "fauxqs";
  const fs::path launcher = fs::path(WDRBE_SOURCE_DIR) / "tools" / "aws-local" / "fauxqs-launcher.mjs";
  if (!fs::exists(emulator / "DynamoDBLocal.jar") || !fs::exists(fauxqs / "package.json")) {
    throw std::runtime_error("the local AWS engines are not installed in " + dir.string() +
                             ": run scripts/aws-local.sh install");
  }
  char log_template[] = "/tmp/wdrbe-aws-engines-XXXXXX";
  if (::mkdtemp(log_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  log_dir_ = log_template;
  const fs::path dynamodb_log = fs::path(log_dir_) / "dynamodb.log";
  const fs::path fauxqs_log = fs::path(log_dir_) / "fauxqs.log";
  const fs::path port_file = fs::path(log_dir_) / "fauxqs.port";

  const int dynamodb_port = FreeLoopbackPort();
  // As scripts/aws-local.sh runs it: a small heap, quick start, no telemetry.
  dynamodb_pid_ = Spawn({"java", "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                         "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory",
                         "-sharedDb", "-disableTelemetry", "-port", std::to_string(dynamodb_port)},
                        emulator, dynamodb_log);
  fauxqs_pid_ = Spawn({"node", launcher.string(), (dir / "node_modules").string(), port_file.string()}, dir,
                      fauxqs_log);

  try {
    WaitUntilReady(dynamodb_port, dynamodb_log, fauxqs_log, port_file);
  } catch (...) {
    Stop(dynamodb_pid_);
    Stop(fauxqs_pid_);
    throw;
  }
}

void AwsLocalEngines::WaitUntilReady(int dynamodb_port, const std::string& dynamodb_log,
                                     const std::string& fauxqs_log, const std::string& port_file) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  bool dynamodb_ready = false;
  int fauxqs_port = 0;
  while (!dynamodb_ready || fauxqs_port == 0) {
    if (Exited(dynamodb_pid_)) {
      dynamodb_pid_ = -1;
      throw std::runtime_error("DynamoDB Local exited: " + Tail(dynamodb_log));
    }
    if (Exited(fauxqs_pid_)) {
      fauxqs_pid_ = -1;
      throw std::runtime_error("fauxqs exited: " + Tail(fauxqs_log));
    }
    if (!dynamodb_ready) dynamodb_ready = DynamoDbAnswers(dynamodb_port);
    if (fauxqs_port == 0 && fs::exists(port_file)) {
      std::ifstream in(port_file);
      int port = 0;
      if (in >> port && FauxqsAnswers(port)) fauxqs_port = port;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the local AWS engines did not answer within 60 s; logs in " + log_dir_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  dynamodb_endpoint_ = "http://127.0.0.1:" + std::to_string(dynamodb_port);
  sqs_endpoint_ = "http://127.0.0.1:" + std::to_string(fauxqs_port);
  s3_endpoint_ = sqs_endpoint_;
}

AwsLocalEngines::~AwsLocalEngines() {
  Stop(dynamodb_pid_);
  Stop(fauxqs_pid_);
  std::error_code ignored;
  fs::remove_all(log_dir_, ignored);
}

aws::Environment::Variables AwsLocalEngines::Variables() const {
  return {{"AWS_REGION", "us-east-1"},
          {"AWS_ACCESS_KEY_ID", "local"},
          {"AWS_SECRET_ACCESS_KEY", "local"},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint_},
          {"AWS_ENDPOINT_URL_SQS", sqs_endpoint_},
          {"AWS_ENDPOINT_URL_S3", s3_endpoint_}};
}

namespace {

// Names of what a call lists, across pages: ListTables' TableNames, ListQueues' QueueUrls.
std::vector<std::string> ListAll(aws::AwsClients& clients, aws::AwsService service) {
  std::vector<std::string> names;
  boost::json::object request;
  for (int page = 0; page < 1000; ++page) {
    const bool tables = service == aws::AwsService::kDynamoDb;
    aws::AwsJsonOutcome listed =
        RunTask(clients.Call(service, tables ? "ListTables" : "ListQueues", request));
    if (!listed.ok() || !listed.value().is_object()) break;
    const boost::json::object& answer = listed.value().as_object();
    if (const auto* list = answer.if_contains(tables ? "TableNames" : "QueueUrls");
        list && list->is_array()) {
      for (const auto& name : list->as_array()) {
        if (name.is_string()) names.emplace_back(name.as_string());
      }
    }
    const auto* next = answer.if_contains(tables ? "LastEvaluatedTableName" : "NextToken");
    if (next == nullptr || !next->is_string()) break;
    request[tables ? "ExclusiveStartTableName" : "NextToken"] = *next;
  }
  return names;
}

std::mutex cleanup_mutex;
std::vector<aws::Environment>* cleanup_targets = nullptr;  // guarded by cleanup_mutex

void DeleteWhatThisProcessMade() {
  const std::lock_guard lock(cleanup_mutex);
  if (cleanup_targets == nullptr) return;
  const std::string mark = "-" + std::to_string(::getpid()) + "-";
  SystemClock clock;
  SecureRandom random;
  for (const aws::Environment& env : *cleanup_targets) {
    auto clients = aws::AwsClients::Create(env, clock, random);
    if (!clients.ok()) continue;
    for (const std::string& table : ListAll(**clients, aws::AwsService::kDynamoDb)) {
      if (table.find(mark) == std::string::npos) continue;
      (void)RunTask((*clients)->Call(aws::AwsService::kDynamoDb, "DeleteTable", {{"TableName", table}}));
    }
    for (const std::string& url : ListAll(**clients, aws::AwsService::kSqs)) {
      if (url.substr(url.rfind('/') + 1).find(mark) == std::string::npos) continue;
      (void)RunTask((*clients)->Call(aws::AwsService::kSqs, "DeleteQueue", {{"QueueUrl", url}}));
    }
  }
  delete cleanup_targets;
  cleanup_targets = nullptr;
}

}  // namespace

void AwsLocalEngines::CleanUpAtExit(aws::Environment env) {
  const std::lock_guard lock(cleanup_mutex);
  if (cleanup_targets == nullptr) {
    cleanup_targets = new std::vector<aws::Environment>();
    // OpenSSL cleans itself up at exit, in an exit handler of its own that it
    // registers when first initialised; initialised now, it runs after ours.
    OPENSSL_init_ssl(0, nullptr);
    std::atexit(DeleteWhatThisProcessMade);
  }
  cleanup_targets->push_back(std::move(env));
}

std::string AwsLocalEngines::UniqueName(std::string_view prefix) {
  static std::atomic<int> made{0};
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++made);
}

}  // namespace wdrbe::testing
