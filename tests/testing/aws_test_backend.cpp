#include "testing/aws_test_backend.hpp"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "testing/aws_local_engines.hpp"
#include "testing/test_server.hpp"
#include "wdrbe/aws/environment.hpp"

namespace wdrbe::testing {
namespace {

std::vector<std::pair<std::string, std::string>> EngineEnvironment() {
  const char* file = std::getenv("WDRBE_TEST_AWS_EXPORTS");
  std::ifstream in(file);
  if (!in) throw std::runtime_error(std::string("cannot read ") + file);
  std::vector<std::pair<std::string, std::string>> env;
  constexpr std::string_view kExport = "export ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(kExport, 0) != 0) continue;
    const std::string assignment = line.substr(kExport.size());
    const auto equals = assignment.find('=');
    if (equals == std::string::npos) continue;
    env.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
  }
  if (env.empty()) throw std::runtime_error(std::string(file) + " exports nothing");
  return env;
}

AwsTestTarget SetUpFor(const std::vector<std::pair<std::string, std::string>>& env, int serial) {
  const std::string suffix = std::to_string(::getpid()) + "-" + std::to_string(serial);
  const std::string table = "api-" + suffix;
  // The bucket of photos too, so the photo routes run on S3 (fauxqs).
  ProcessOutcome outcome =
      RunToExit({"aws", "setup", "--table", table, "--queue-name", "api-" + suffix, "--image-bucket", table},
                std::nullopt, env);
  if (!outcome.status.ExitedWith(0)) {
    throw std::runtime_error("wdrbe aws setup " + outcome.status.Describe() + ": " + outcome.output);
  }
  const boost::json::object printed =
      boost::json::parse(outcome.output.substr(0, outcome.output.find('\n'))).as_object();
  AwsTestTarget target;
  target.args = {"--backend",
                 "aws",
                 "--table",
                 table,
                 "--queue-url",
                 std::string(printed.at("queueUrl").as_string()),
                 "--dead-letter-queue-url",
                 std::string(printed.at("deadLetterQueueUrl").as_string()),
                 "--image-bucket",
                 std::string(printed.at("imageBucket").as_string())};
  target.env = env;
  return target;
}

}  // namespace

bool OnAwsTestBackend() {
  const char* exports = std::getenv("WDRBE_TEST_AWS_EXPORTS");
  return exports != nullptr && *exports != '\0';
}

AwsTestTarget AwsTestTargetFor(const std::filesystem::path& data_dir) {
  static std::mutex mutex;
  static std::map<std::string, AwsTestTarget> made;  // by data directory
  static const std::vector<std::pair<std::string, std::string>> env = [] {
    std::vector<std::pair<std::string, std::string>> variables = EngineEnvironment();
    // The tables and queues `aws setup` makes for this process are named
    // with its pid ("api-{pid}-{n}"): gone when it exits.
    AwsLocalEngines::CleanUpAtExit(
        aws::Environment(aws::Environment::Variables(variables.begin(), variables.end())));
    return variables;
  }();
  const std::string key = std::filesystem::weakly_canonical(data_dir).string();
  const std::lock_guard lock(mutex);
  auto found = made.find(key);
  if (found == made.end()) found = made.emplace(key, SetUpFor(env, static_cast<int>(made.size()) + 1)).first;
  return found->second;
}

}  // namespace wdrbe::testing
