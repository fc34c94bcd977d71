// The description the binary serves (GET /openapi.json) names exactly the
// routes the process wires: the router of a real `serve` process, opened
// on the embedded backend in a temporary directory, against the paths and
// operations of the embedded document. A route added without its
// description, or described but never wired, fails here.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "testing/temp_dir.hpp"
#include "wdrbe/app/config.hpp"
#include "wdrbe/app/services.hpp"
#include "wdrbe/web/embedded_assets.hpp"

namespace wdrbe::app {
namespace {

namespace json = boost::json;
using Operations = std::set<std::string>;  // "GET /items/{itemId}"

// The operations of the description: every method key of every path item.
Operations DescribedOperations() {
  static const std::set<std::string> kMethods{"get",     "put",  "post",  "delete",
                                              "options", "head", "patch", "trace"};
  Operations operations;
  const json::value document = json::parse(web::OpenApiDocument());
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (!kMethods.contains(method)) continue;  // "parameters", "summary", ...
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      operations.insert(upper + " " + std::string(path));
    }
  }
  return operations;
}

Operations WiredOperations(const Services& services) {
  Operations operations;
  for (const http::Route& route : services.dispatcher->router().routes()) {
    operations.insert(std::string(http::beast_http::to_string(route.method)) + " " + route.pattern);
  }
  return operations;
}

class OpenApiRoutesTest : public ::testing::Test {
 protected:
  // A process of `role` over a fresh data directory; `metrics` on the main
  // listener as by default (loopback only), unless a listener of its own.
  std::unique_ptr<Services> Open(ProcessRole role, bool metrics_listener = false) {
    const std::string secret_file = (dir_.path() / "jwt-secret").string();
    std::ofstream(secret_file) << "a-test-secret-of-at-least-thirty-two-bytes";
    std::filesystem::permissions(secret_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    ServeConfig config;
    config.data_dir = (dir_.path() / "data").string();
    config.jwt.secret_file = secret_file;
    config.log_level = "off";
    if (metrics_listener) config.metrics_listen = "127.0.0.1:0";
    auto flags = ValidateServeConfig(config);
    EXPECT_TRUE(flags.ok()) << flags.error().message;
    auto services = Services::Open(config, *flags, role);
    EXPECT_TRUE(services.ok()) << services.error().message;
    return services.ok() ? std::move(*services) : nullptr;
  }

  testing::TempDir dir_;
};

TEST_F(OpenApiRoutesTest, TheDocumentIsOpenApi31) {
  const json::value document = json::parse(web::OpenApiDocument());
  EXPECT_EQ(std::string_view(document.at("openapi").as_string()).substr(0, 4), "3.1.");
  EXPECT_FALSE(document.at("paths").as_object().empty());
}

TEST_F(OpenApiRoutesTest, ServeWiresExactlyTheDescribedOperations) {
  auto services = Open(ProcessRole::kServe);
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(WiredOperations(*services), DescribedOperations());
}

TEST_F(OpenApiRoutesTest, LambdaApiWiresExactlyTheDescribedOperations) {
  auto services = Open(ProcessRole::kLambdaApi);
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(WiredOperations(*services), DescribedOperations());
}

TEST_F(OpenApiRoutesTest, WithAMetricsListenerOnlyMetricsLeavesTheMainRouter) {
  auto services = Open(ProcessRole::kServe, /*metrics_listener=*/true);
  ASSERT_NE(services, nullptr);
  Operations described = DescribedOperations();
  described.erase("GET /metrics");
  EXPECT_EQ(WiredOperations(*services), described);
}

}  // namespace
}  // namespace wdrbe::app
