#include "wdrbe/app/aws_secret.hpp"

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/secrets_manager.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/run_to_completion.hpp"

namespace wdrbe::app {

Result<std::string> FetchAwsSecret(std::string_view flag, const std::string& secret_id) {
  SystemClock clock;
  SecureRandom random;
  auto clients = aws::AwsClients::Create(aws::Environment::FromProcess(), clock, random);
  if (!clients.ok()) {
    return Error{clients.error().code, std::string(flag) + ": " + clients.error().message, {}};
  }
  Result<std::string> secret = RunToCompletion(aws::GetSecretString(**clients, secret_id));
  if (!secret.ok()) return Error{secret.error().code, std::string(flag) + ": " + secret.error().message, {}};
  return secret;
}

}  // namespace wdrbe::app
