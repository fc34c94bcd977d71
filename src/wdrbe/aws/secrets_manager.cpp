#include "wdrbe/aws/secrets_manager.hpp"

#include <boost/json/object.hpp>

namespace wdrbe::aws {

Task<Result<std::string>> GetSecretString(AwsClients& clients, std::string secret_id) {
  Task<AwsJsonOutcome> call = clients.Call(AwsService::kSecretsManager, "GetSecretValue",
                                           boost::json::object{{"SecretId", secret_id}});
  const AwsJsonOutcome outcome = co_await std::move(call);
  const std::string named = "Secrets Manager secret " + secret_id;
  if (!outcome.ok()) {
    const AwsError& error = outcome.error();
    if (error.http_status == 0 || error.retryable) {
      co_return Error::Unavailable(named + ": Secrets Manager did not answer: " + error.message);
    }
    std::string hint;
    if (error.code == "ResourceNotFoundException") hint = " (no such secret in this region)";
    if (error.code == "AccessDeniedException") hint = " (allow secretsmanager:GetSecretValue on it)";
    if (error.code.starts_with("Decryption")) hint = " (allow kms:Decrypt on its key)";
    co_return Error::BadRequest(named + ": " + error.code + hint + ": " + error.message);
  }
  const boost::json::object* answer = outcome.value().if_object();
  const boost::json::value* text = answer != nullptr ? answer->if_contains("SecretString") : nullptr;
  if (text == nullptr || !text->is_string()) {
    co_return Error::BadRequest(
        named + " has no SecretString (binary secrets are not read: store the value as text)");
  }
  co_return std::string(text->get_string());
}

}  // namespace wdrbe::aws
