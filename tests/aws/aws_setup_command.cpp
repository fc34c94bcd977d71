#include "aws/aws_setup_command.hpp"

#include <boost/json/parse.hpp>
#include <stdexcept>

#include "testing/aws_local_engines.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {

std::vector<std::pair<std::string, std::string>> EngineEnv() {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& [name, value] : AwsLocalEngines::Get().Variables()) env.emplace_back(name, value);
  return env;
}

SetUpResources MustSetUp(const std::string& table, const std::string& queue_name) {
  ProcessOutcome outcome =
      RunToExit({"aws", "setup", "--table", table, "--queue-name", queue_name}, std::nullopt, EngineEnv());
  if (!outcome.status.ExitedWith(0)) throw std::runtime_error("aws setup failed: " + outcome.output);
  const auto first_line = outcome.output.substr(0, outcome.output.find('\n'));
  const boost::json::object printed = boost::json::parse(first_line).as_object();
  return {std::string(printed.at("table").as_string()), std::string(printed.at("queueUrl").as_string()),
          std::string(printed.at("deadLetterQueueUrl").as_string())};
}

std::vector<std::string> BackendArgs(const SetUpResources& resources) {
  return {"--backend",
          "aws",
          "--table",
          resources.table,
          "--queue-url",
          resources.queue_url,
          "--dead-letter-queue-url",
          resources.dead_letter_queue_url};
}

}  // namespace wdrbe::testing
