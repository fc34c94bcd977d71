// What an invocation costs the Lambda functions beyond the work itself, on
// a Runtime API of this tool's own on loopback (bench/lambda.sh):
//
// - `wdrbe lambda api`: its cold start (exec to the first
//   /invocation/next), then N API Gateway events of each kind (GET
//   /healthz, POST an item, GET the item, a list of 20), each timed from
//   handing the event over to reading its whole answer;
// - `wdrbe lambda worker`: its cold start, then SQS batches of 10 share
//   events of the items made above;
// - the baseline, in the same run: `wdrbe serve` on the same data, the
//   same requests over one keep-alive HTTP connection, one at a time.
//
// Prints a Markdown table (mean, p50, p99 in microseconds). The functions
// and the server run on --function-cpu; pin this tool elsewhere (taskset).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr char kSecret[] = "lambda-bench-hs256-secret-0123456789abcdef";
constexpr char kUser[] = "bench-lambda-user";

struct Options {
  std::string binary;
  std::string data_dir;
  int events = 2000;
  int batches = 200;
  int function_cpu = 0;
  std::string durability = "normal";
};

// A child process with its affinity set to one CPU, output to /dev/null.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::vector<std::string>& extra_env, int cpu) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).starts_with("WDRBE_")) continue;
      env.emplace_back(*e);
    }
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    cpu_set_t before;
    sched_getaffinity(0, sizeof(before), &before);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    // The child inherits the affinity it is spawned with.
    sched_setaffinity(0, sizeof(one), &one);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
    sched_setaffinity(0, sizeof(before), &before);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  }
  ~Child() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

struct Timings {
  std::vector<double> us;
  void Add(Clock::duration d) { us.push_back(std::chrono::duration<double, std::micro>(d).count()); }
  double Mean() const {
    double sum = 0;
    for (double v : us) sum += v;
    return us.empty() ? 0 : sum / static_cast<double>(us.size());
  }
  double Percentile(double p) const {
    std::vector<double> sorted = us;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
  }
};

// The Runtime API, for one function process at a time.
class RuntimeApi {
 public:
  RuntimeApi() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string Address() const { return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

  // Waits for the function's first /next; the time since `started` is its cold start.
  Clock::duration AwaitFirstPoll(Clock::time_point started) {
    socket_.emplace(io_);
    acceptor_.accept(*socket_);
    ReadNext();
    return Clock::now() - started;
  }

  // Hands `event` over and returns the function's answer and how long it took.
  std::string Invoke(const std::string& event, Timings& timings) {
    const std::string id = "00000000-0000-4000-8000-" + std::to_string(100000000000 + ++invocations_);
    http::response<http::string_body> next{http::status::ok, 11};
    next.set("Lambda-Runtime-Aws-Request-Id", id);
    next.set("Lambda-Runtime-Deadline-Ms", "4102444800000");
    next.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
    next.body() = event;
    next.prepare_payload();
    const Clock::time_point start = Clock::now();
    http::write(*socket_, next);
    http::request<http::string_body> answer;
    http::read(*socket_, buffer_, answer);
    timings.Add(Clock::now() - start);
    if (answer.target().find("/response") == std::string_view::npos) {
      throw std::runtime_error("the invocation failed: " + answer.body());
    }
    http::response<http::string_body> accepted{http::status::accepted, 11};
    accepted.prepare_payload();
    http::write(*socket_, accepted);
    ReadNext();
    return answer.body();
  }

 private:
  void ReadNext() {
    http::request<http::string_body> poll;
    http::read(*socket_, buffer_, poll);
    if (poll.target() != "/2018-06-01/runtime/invocation/next") throw std::runtime_error("expected /next");
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::optional<tcp::socket> socket_;
  boost::beast::flat_buffer buffer_;
  int invocations_ = 0;
};

std::string Token() {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return wdrbe::SignHs256(json::object{{"sub", kUser}, {"exp", now.count() + 3600}}, kSecret);
}

std::string ApiEvent(const std::string& method, const std::string& path, const std::string& body = "") {
  json::object headers{{"Authorization", "Bearer " + Token()}, {"Content-Type", "application/json"}};
  return json::serialize(json::object{
      {"httpMethod", method},
      {"path", path},
      {"headers", headers},
      {"multiValueHeaders", nullptr},
      {"queryStringParameters", nullptr},
      {"requestContext",
       json::object{{"requestId", "bench"}, {"identity", json::object{{"sourceIp", "203.0.113.7"}}}}},
      {"body", body.empty() ? json::value(nullptr) : json::value(body)},
      {"isBase64Encoded", false}});
}

std::string ItemBody(int i) {
  return json::serialize(
      json::object{{"name", "Bench item " + std::to_string(i)}, {"category", "outerwear"}});
}

void Row(const std::string& name, const Timings& t) {
  std::printf("| %s | %zu | %.0f | %.0f | %.0f |\n", name.c_str(), t.us.size(), t.Mean(), t.Percentile(0.5),
              t.Percentile(0.99));
}

std::vector<std::string> ServiceEnv(const std::string& runtime_api) {
  return {"AWS_LAMBDA_RUNTIME_API=" + runtime_api, std::string("WDRBE_JWT_SECRET=") + kSecret,
          "WDRBE_RATE_LIMIT=0", "WDRBE_USER_RATE_LIMIT=0", "WDRBE_ANONYMOUS_RATE_LIMIT=0"};
}

// The API function: returns the ids of the items it made.
std::vector<std::string> BenchApi(const Options& o, RuntimeApi& runtime) {
  const Clock::time_point started = Clock::now();
  Child function({o.binary, "lambda", "api", "--data-dir", o.data_dir, "--durability", o.durability},
                 ServiceEnv(runtime.Address()), o.function_cpu);
  Timings cold;
  cold.Add(runtime.AwaitFirstPoll(started));
  Row("`lambda api` cold start (exec to the first /next)", cold);
  Timings warmup, healthz, create, get, list;
  for (int i = 0; i < 200; ++i) runtime.Invoke(ApiEvent("GET", "/healthz"), warmup);
  for (int i = 0; i < o.events; ++i) runtime.Invoke(ApiEvent("GET", "/healthz"), healthz);
  std::vector<std::string> ids;
  const std::string items = std::string("/users/") + kUser + "/items";
  for (int i = 0; i < o.events; ++i) {
    const json::value answer = json::parse(runtime.Invoke(ApiEvent("POST", items, ItemBody(i)), create));
    ids.emplace_back(json::parse(answer.at("body").as_string()).at("itemId").as_string());
  }
  for (int i = 0; i < o.events; ++i) runtime.Invoke(ApiEvent("GET", "/items/" + ids[i % ids.size()]), get);
  for (int i = 0; i < o.events; ++i) runtime.Invoke(ApiEvent("GET", items), list);
  Row("`lambda api`: GET /healthz event", healthz);
  Row("`lambda api`: POST /users/{u}/items event (durability " + o.durability + ")", create);
  Row("`lambda api`: GET /items/{id} event", get);
  Row("`lambda api`: list of 20 event", list);
  return ids;
}

void BenchWorker(const Options& o, RuntimeApi& runtime, const std::vector<std::string>& ids) {
  const Clock::time_point started = Clock::now();
  Child function({o.binary, "lambda", "worker", "--data-dir", o.data_dir, "--durability", o.durability},
                 ServiceEnv(runtime.Address()), o.function_cpu);
  Timings cold;
  cold.Add(runtime.AwaitFirstPoll(started));
  Row("`lambda worker` cold start", cold);
  Timings batches;
  int event = 0;
  for (int b = 0; b < o.batches; ++b) {
    json::array records;
    for (int r = 0; r < 10; ++r, ++event) {
      wdrbe::ShareEvent share;
      char event_id[32];
      std::snprintf(event_id, sizeof(event_id), "01JBENCH%018d", event);
      share.event_id = event_id;
      share.user_id = kUser;
      share.item_id = ids[static_cast<std::size_t>(event) % ids.size()];
      share.timestamp_ms = 1764583200000;
      share.request_id = "bench";
      records.push_back(json::object{{"messageId", std::string("m-") + event_id},
                                     {"receiptHandle", "h"},
                                     {"body", wdrbe::sqs::ShareEventBody(share)},
                                     {"attributes", json::object{{"ApproximateReceiveCount", "1"}}},
                                     {"eventSource", "aws:sqs"}});
    }
    const std::string answer = runtime.Invoke(json::serialize(json::object{{"Records", records}}), batches);
    if (answer != R"({"batchItemFailures":[]})") throw std::runtime_error("batch failed: " + answer);
  }
  Row("`lambda worker`: SQS batch of 10 share events (durability " + o.durability + ")", batches);
}

// The same requests through `wdrbe serve` over one keep-alive connection.
void BenchServe(const Options& o, const std::vector<std::string>& ids) {
  asio::io_context io;
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string port = std::to_string(probe.local_endpoint().port());
  probe.close();
  Child server({o.binary, "serve", "--listen", "127.0.0.1:" + port, "--data-dir", o.data_dir, "--durability",
                o.durability, "--threads", "1", "--worker-concurrency", "0"},
               ServiceEnv(""), o.function_cpu);
  tcp::socket socket(io);
  for (int attempt = 0;; ++attempt) {
    boost::system::error_code ec;
    socket.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))), ec);
    if (!ec) break;
    socket = tcp::socket(io);
    if (attempt > 500) throw std::runtime_error("serve did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  boost::beast::flat_buffer buffer;
  const std::string token = Token();
  auto timed = [&](const std::string& target, Timings& t) {
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, "Bearer " + token);
    const Clock::time_point start = Clock::now();
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    t.Add(Clock::now() - start);
    if (response.result_int() != 200)
      throw std::runtime_error("serve answered " + std::to_string(response.result_int()));
  };
  Timings warmup, healthz, get, list;
  for (int i = 0; i < 200; ++i) timed("/healthz", warmup);
  for (int i = 0; i < o.events; ++i) timed("/healthz", healthz);
  for (int i = 0; i < o.events; ++i) timed("/items/" + ids[static_cast<std::size_t>(i) % ids.size()], get);
  for (int i = 0; i < o.events; ++i) timed(std::string("/users/") + kUser + "/items", list);
  Row("baseline `serve`: GET /healthz over HTTP", healthz);
  Row("baseline `serve`: GET /items/{id} over HTTP", get);
  Row("baseline `serve`: list of 20 over HTTP", list);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"Invocation overhead of wdrbe's Lambda functions on a local Runtime API"};
  cli.add_option("--binary", o.binary, "The wdrbe binary")->required();
  cli.add_option("--data-dir", o.data_dir, "A new data directory for the embedded backend")->required();
  cli.add_option("--events", o.events, "API events of each kind")->capture_default_str();
  cli.add_option("--batches", o.batches, "SQS batches of 10")->capture_default_str();
  cli.add_option("--function-cpu", o.function_cpu, "CPU the functions and the server run on")
      ->capture_default_str();
  cli.add_option("--durability", o.durability, "--durability of the functions and the server")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  try {
    std::printf("| scenario | n | mean us | p50 us | p99 us |\n|---|---:|---:|---:|---:|\n");
    RuntimeApi runtime;
    const std::vector<std::string> ids = BenchApi(o, runtime);
    RuntimeApi worker_runtime;
    BenchWorker(o, worker_runtime, ids);
    BenchServe(o, ids);
  } catch (const std::exception& e) {
    std::cerr << "lambda_invocations: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
