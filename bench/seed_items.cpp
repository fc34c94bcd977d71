// Fills a running wdrbe with items through its HTTP API, as fast as the
// server accepts them, so that the read benchmarks (and the memory check)
// have a known data set to ask for:
//
//   users      bench-u{F} .. bench-u{F+U-1} (F: --first-user, 0 by default)
//   item ids   bench-u{u}-{i} for i in 0 .. items-per-user - 1
//   category   cat{i % categories}; season rotates through the four seasons
//
// `connections` keep-alive connections post concurrently (one coroutine
// each, one thread), taking the next item number from a shared counter.
// Tokens are minted here with the secret in WDRBE_JWT_SECRET, as
// `wdrbe token` does. Items already present (a second run on the same data
// directory) are answered 200 and count as seeded.
//
// Prints one line, "seeded N items in S s (R items/s), F failed", and exits
// 1 if any request failed.
#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "wdrbe/auth/jwt_hs256.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// Long enough for the slowest seeding run (1M items) with room to spare.
constexpr std::int64_t kTokenTtlSeconds = 6 * 3600;
// Per request; a healthy server answers in milliseconds.
constexpr std::chrono::seconds kRequestTimeout{30};
// A connection that fails this many times in a row gives up.
constexpr int kMaxConsecutiveFailures = 5;
constexpr std::uint64_t kProgressEvery = 100'000;
constexpr const char* kSeasons[] = {"spring", "summer", "autumn", "winter"};

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int users = 10;
  int first_user = 0;  // users are bench-u{first_user} .. bench-u{first_user + users - 1}
  int items_per_user = 2000;
  int connections = 64;
  int categories = 5;
};

// The work shared by every connection. The io_context runs on one thread,
// so the coroutines touch these fields without locks.
struct SeedRun {
  Options options;
  tcp::endpoint endpoint;
  std::vector<std::string> authorizations;  // "Bearer <token>" per user
  std::uint64_t total = 0;
  std::uint64_t next = 0;
  std::uint64_t seeded = 0;
  std::uint64_t failed = 0;
  std::string first_failure;
};

std::string UserId(const SeedRun& run, int user) {
  return "bench-u" + std::to_string(run.options.first_user + user);
}

http::request<http::string_body> CreateRequest(const SeedRun& run, std::uint64_t number) {
  const int user = static_cast<int>(number % static_cast<std::uint64_t>(run.options.users));
  const std::uint64_t index = number / static_cast<std::uint64_t>(run.options.users);
  const std::string user_id = UserId(run, user);
  const std::string item_id = user_id + "-" + std::to_string(index);
  http::request<http::string_body> request{http::verb::post, "/users/" + user_id + "/items", 11};
  request.set(http::field::host, run.options.host);
  request.set(http::field::authorization, run.authorizations[static_cast<std::size_t>(user)]);
  request.set(http::field::content_type, "application/json");
  request.body() = R"({"itemId":")" + item_id + R"(","name":"Bench item )" + std::to_string(index) +
                   R"(","category":"cat)" +
                   std::to_string(index % static_cast<std::uint64_t>(run.options.categories)) +
                   R"(","season":")" + kSeasons[index % 4] + R"(","color":"navy","brand":"Acme"})";
  request.prepare_payload();
  return request;
}

void RecordFailure(SeedRun& run, const std::string& what) {
  if (run.failed++ == 0) run.first_failure = what;
}

asio::awaitable<void> PostItems(SeedRun& run) {
  auto executor = co_await asio::this_coro::executor;
  int consecutive_failures = 0;
  while (run.next < run.total && consecutive_failures < kMaxConsecutiveFailures) {
    beast::tcp_stream stream(executor);
    stream.expires_after(kRequestTimeout);
    auto [connect_ec] = co_await stream.async_connect(run.endpoint, kNoThrow);
    if (connect_ec) {
      RecordFailure(run, "connect: " + connect_ec.message());
      ++consecutive_failures;
      continue;
    }
    beast::flat_buffer buffer;
    while (run.next < run.total) {
      const std::uint64_t number = run.next++;
      auto request = CreateRequest(run, number);
      stream.expires_after(kRequestTimeout);
      auto [write_ec, written] = co_await http::async_write(stream, request, kNoThrow);
      (void)written;
      http::response<http::string_body> response;
      boost::system::error_code read_ec;
      if (!write_ec) {
        auto [ec, read] = co_await http::async_read(stream, buffer, response, kNoThrow);
        (void)read;
        read_ec = ec;
      }
      if (write_ec || read_ec) {
        RecordFailure(run,
                      "item " + std::to_string(number) + ": " + (write_ec ? write_ec : read_ec).message());
        ++consecutive_failures;
        break;  // reconnect
      }
      const unsigned status = response.result_int();
      if (status != 201 && status != 200) {
        RecordFailure(run, "item " + std::to_string(number) + ": HTTP " + std::to_string(status) + " " +
                               response.body());
        ++consecutive_failures;
      } else {
        consecutive_failures = 0;
        if (++run.seeded % kProgressEvery == 0) {
          std::fprintf(stderr, "seed_items: %llu items\n", static_cast<unsigned long long>(run.seeded));
        }
      }
      if (!response.keep_alive()) break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"seed_items: create benchmark items through wdrbe's HTTP API"};
  Options options;
  cli.add_option("--host", options.host, "Server address")->capture_default_str();
  cli.add_option("--port", options.port, "Server port")->required();
  cli.add_option("--users", options.users, "Users bench-u0..")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cli.add_option("--first-user", options.first_user, "Number of the first user (bench-u<N>)")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  cli.add_option("--items-per-user", options.items_per_user, "Items per user")
      ->check(CLI::Range(1, 100'000'000))
      ->capture_default_str();
  cli.add_option("--connections", options.connections, "Concurrent connections")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cli.add_option("--categories", options.categories, "Distinct categories cat0..")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  const char* secret = std::getenv("WDRBE_JWT_SECRET");
  if (secret == nullptr || std::string_view(secret).size() < 32) {
    std::fprintf(stderr, "seed_items: set WDRBE_JWT_SECRET (at least 32 bytes), as for the server\n");
    return 2;
  }

  SeedRun run;
  run.options = options;
  boost::system::error_code ec;
  run.endpoint = tcp::endpoint(asio::ip::make_address(options.host, ec), options.port);
  if (ec) {
    std::fprintf(stderr, "seed_items: bad --host: %s\n", ec.message().c_str());
    return 2;
  }
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (int user = 0; user < options.users; ++user) {
    const boost::json::object claims{
        {"sub", UserId(run, user)}, {"iat", now_s}, {"exp", now_s + kTokenTtlSeconds}};
    run.authorizations.push_back("Bearer " + wdrbe::SignHs256(claims, secret));
  }
  run.total = static_cast<std::uint64_t>(options.users) * static_cast<std::uint64_t>(options.items_per_user);

  asio::io_context io;
  for (int i = 0; i < options.connections; ++i) asio::co_spawn(io, PostItems(run), asio::detached);
  const auto start = std::chrono::steady_clock::now();
  io.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("seeded %llu items in %.1f s (%.0f items/s), %llu failed\n",
              static_cast<unsigned long long>(run.seeded), seconds, static_cast<double>(run.seeded) / seconds,
              static_cast<unsigned long long>(run.failed));
  if (run.failed > 0 || run.seeded != run.total) {
    std::fprintf(stderr, "seed_items: %llu of %llu items not seeded; first failure: %s\n",
                 static_cast<unsigned long long>(run.total - run.seeded),
                 static_cast<unsigned long long>(run.total), run.first_failure.c_str());
    return 1;
  }
  return 0;
}
