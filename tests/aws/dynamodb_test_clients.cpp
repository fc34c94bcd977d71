#include "aws/dynamodb_test_clients.hpp"

#include <stdexcept>

#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/storage/dynamodb/table_setup.hpp"

namespace wdrbe::dynamodb::testing {
namespace {

SystemClock& TestClock() {
  static SystemClock clock;
  return clock;
}

SecureRandom& TestRandom() {
  static SecureRandom random;
  return random;
}

}  // namespace

std::unique_ptr<aws::AwsClients> NewEngineClients() {
  auto clients =
      aws::AwsClients::Create(wdrbe::testing::AwsLocalEngines::Get().Env(), TestClock(), TestRandom());
  if (!clients.ok())
    throw std::runtime_error("AWS clients for the local engines: " + clients.error().message);
  return std::move(*clients);
}

aws::AwsClients& EngineClients() {
  static const std::unique_ptr<aws::AwsClients> clients = NewEngineClients();
  return *clients;
}

std::string NewTable(const std::string& prefix) {
  const std::string table = wdrbe::testing::AwsLocalEngines::UniqueName(prefix);
  Result<bool> created = wdrbe::testing::RunTask(EnsureTable(EngineClients(), table));
  if (!created.ok()) throw std::runtime_error("creating table " + table + ": " + created.error().message);
  return table;
}

}  // namespace wdrbe::dynamodb::testing
