#include "wdrbe/aws/default_credentials.hpp"

#include "wdrbe/aws/container_credentials.hpp"
#include "wdrbe/aws/imds_credentials.hpp"
#include "wdrbe/aws/refreshing_credentials.hpp"
#include "wdrbe/aws/static_credentials.hpp"
#include "wdrbe/aws/web_identity_credentials.hpp"

namespace wdrbe::aws {
namespace {

// Instance metadata is tried last and answers on any EC2 machine; elsewhere
// it fails, and then the operator needs the whole list of what to set.
class ImdsWithHint final : public CredentialsProvider {
 public:
  explicit ImdsWithHint(std::unique_ptr<ImdsCredentialsProvider> imds) : imds_(std::move(imds)) {}
  Task<Result<Credentials>> Fetch() override {
    Task<Result<Credentials>> fetching = imds_->Fetch();
    Result<Credentials> credentials = co_await std::move(fetching);
    if (credentials.ok()) co_return credentials;
    co_return Error::Unavailable(std::string(kNoCredentialsHint) + " (" + credentials.error().message + ")");
  }
  std::string_view Name() const override { return imds_->Name(); }

 private:
  const std::unique_ptr<ImdsCredentialsProvider> imds_;
};

}  // namespace

Result<std::unique_ptr<CredentialsProvider>> DefaultCredentialsProvider(const Environment& env,
                                                                        HttpClient& http,
                                                                        const Clock& clock) {
  const auto refreshing =
      [&](std::unique_ptr<CredentialsProvider> source) -> std::unique_ptr<CredentialsProvider> {
    return std::make_unique<RefreshingCredentialsProvider>(std::move(source), clock);
  };
  Result<std::optional<Credentials>> from_env = EnvironmentCredentials(env);
  if (!from_env.ok()) return from_env.error();
  if (*from_env) return refreshing(std::make_unique<StaticCredentialsProvider>(**from_env, "environment"));

  auto web_identity = WebIdentityCredentialsProvider::FromEnvironment(env, http, clock);
  if (!web_identity.ok()) return web_identity.error();
  if (*web_identity) return refreshing(std::move(**web_identity));

  Result<std::optional<Credentials>> from_profile = ProfileCredentials(env);
  if (!from_profile.ok()) return from_profile.error();
  if (*from_profile) {
    return refreshing(std::make_unique<StaticCredentialsProvider>(**from_profile, "shared credentials file"));
  }

  auto container = ContainerCredentialsProvider::FromEnvironment(env, http);
  if (!container.ok()) return container.error();
  if (*container) return refreshing(std::move(**container));

  auto imds = ImdsCredentialsProvider::FromEnvironment(env, http);
  if (!imds.ok()) return imds.error();
  if (*imds) return refreshing(std::make_unique<ImdsWithHint>(std::move(**imds)));
  return Error::BadRequest(std::string(kNoCredentialsHint));
}

}  // namespace wdrbe::aws
