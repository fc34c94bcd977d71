#include "wdrbe/aws/aws_clients.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <optional>

#include "wdrbe/aws/default_credentials.hpp"

namespace wdrbe::aws {
namespace {

Result<EndpointUrl> ServiceEndpoint(const Environment& env, AwsService service, std::string_view region) {
  const std::string url = ResolveEndpointUrl(env, service, region);
  Result<EndpointUrl> endpoint = ParseEndpointUrl(url);
  if (!endpoint.ok()) {
    return Error::BadRequest("the " + std::string(SigningName(service)) +
                             " endpoint: " + endpoint.error().message);
  }
  return endpoint;
}

// co_spawn hands results over in a default-constructed slot, which
// Result and AwsJsonOutcome deliberately lack.
template <typename T>
Task<std::optional<T>> InSlot(Task<T> task) {
  co_return co_await std::move(task);
}

std::size_t CounterIndex(AwsService service) {
  if (service == AwsService::kSqs) return 1;
  if (service == AwsService::kSecretsManager) return 2;
  if (service == AwsService::kS3) return 3;
  return 0;
}

}  // namespace

AwsClients::AwsClients(const Clock& clock, RandomSource& random, AwsClientsOptions options)
    : clock_(clock), random_(random), options_(std::move(options)), work_(io_.get_executor()) {}

Result<std::unique_ptr<AwsClients>> AwsClients::Create(const Environment& env, const Clock& clock,
                                                       RandomSource& random, AwsClientsOptions options) {
  Result<std::string> region = ResolveRegion(env);
  if (!region.ok()) return region.error();
  Result<EndpointUrl> dynamodb = ServiceEndpoint(env, AwsService::kDynamoDb, *region);
  if (!dynamodb.ok()) return dynamodb.error();
  Result<EndpointUrl> sqs = ServiceEndpoint(env, AwsService::kSqs, *region);
  if (!sqs.ok()) return sqs.error();
  Result<EndpointUrl> secrets_manager = ServiceEndpoint(env, AwsService::kSecretsManager, *region);
  if (!secrets_manager.ok()) return secrets_manager.error();
  Result<S3Endpoint> s3 = ResolveS3Endpoint(env, *region);
  if (!s3.ok()) return s3.error();

  std::unique_ptr<AwsClients> clients(new AwsClients(clock, random, options));
  Result<std::unique_ptr<HttpClient>> http = HttpClient::Create(clients->io_, options.http);
  if (!http.ok()) return http.error();
  clients->http_ = std::move(*http);
  Result<std::unique_ptr<CredentialsProvider>> credentials =
      DefaultCredentialsProvider(env, *clients->http_, clock);
  if (!credentials.ok()) return credentials.error();
  clients->credentials_ = std::move(*credentials);
  clients->region_ = *region;
  clients->dynamodb_endpoint_ = *dynamodb;
  clients->sqs_endpoint_ = *sqs;
  clients->secrets_manager_endpoint_ = *secrets_manager;
  clients->s3_endpoint_ = *s3;
  clients->dynamodb_ = std::make_unique<AwsJsonClient>(
      *clients->http_, *clients->credentials_, clock, random,
      JsonServiceTarget{AwsService::kDynamoDb, *dynamodb, *region, options.http.default_timeout},
      options.retry);
  clients->sqs_ = std::make_unique<AwsJsonClient>(
      *clients->http_, *clients->credentials_, clock, random,
      JsonServiceTarget{AwsService::kSqs, *sqs, *region, options.http.default_timeout}, options.retry);
  clients->secrets_manager_ = std::make_unique<AwsJsonClient>(
      *clients->http_, *clients->credentials_, clock, random,
      JsonServiceTarget{AwsService::kSecretsManager, *secrets_manager, *region, options.http.default_timeout},
      options.retry);
  clients->s3_ = std::make_unique<S3Client>(*clients->http_, *clients->credentials_, clock, random, *s3,
                                            *region, S3ClientOptions{.retry = options.retry});
  clients->thread_ = std::thread([io = &clients->io_] { io->run(); });

  // The first fetch, now: a source that is configured but does not answer
  // (no instance metadata off EC2, a container endpoint that is down) is a
  // start-up error rather than the first request's.
  std::future<std::optional<Result<Credentials>>> first =
      boost::asio::co_spawn(clients->io_, InSlot(clients->credentials_->Fetch()), boost::asio::use_future);
  Result<Credentials> fetched = *first.get();
  if (!fetched.ok()) {
    return Error::Unavailable("AWS credentials (" + std::string(clients->credentials_->Name()) +
                              "): " + fetched.error().message);
  }
  return clients;
}

AwsClients::~AwsClients() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

const EndpointUrl& AwsClients::endpoint(AwsService service) const {
  if (service == AwsService::kSqs) return sqs_endpoint_;
  if (service == AwsService::kSecretsManager) return secrets_manager_endpoint_;
  if (service == AwsService::kS3) return s3_endpoint_.endpoint;
  return dynamodb_endpoint_;
}

Task<AwsJsonOutcome> AwsClients::Call(AwsService service, std::string operation,
                                      boost::json::object request) {
  AwsJsonClient& client = service == AwsService::kSqs              ? *sqs_
                          : service == AwsService::kSecretsManager ? *secrets_manager_
                                                                   : *dynamodb_;
  calls_[CounterIndex(service)].fetch_add(1, std::memory_order_relaxed);
  // `operation` and `request` live in this frame until the call is done.
  Task<AwsJsonOutcome> call = client.Call(operation, request);
  Task<std::optional<AwsJsonOutcome>> on_our_thread =
      boost::asio::co_spawn(io_, InSlot(std::move(call)), boost::asio::use_awaitable);
  std::optional<AwsJsonOutcome> outcome = co_await std::move(on_our_thread);
  co_return std::move(*outcome);
}

template <typename T>
Task<T> AwsClients::OnClientsThread(Task<T> call) {
  Task<std::optional<T>> on_our_thread =
      boost::asio::co_spawn(io_, InSlot(std::move(call)), boost::asio::use_awaitable);
  std::optional<T> outcome = co_await std::move(on_our_thread);
  co_return std::move(*outcome);
}

// Each takes its arguments by value into its own frame: the S3 client's
// coroutine refers to them until it is done.
Task<Status> AwsClients::PutS3Object(std::string bucket, std::string key, S3Object object) {
  calls_[CounterIndex(AwsService::kS3)].fetch_add(1, std::memory_order_relaxed);
  return OnClientsThread(s3_->PutObject(std::move(bucket), std::move(key), std::move(object)));
}

Task<Result<S3Object>> AwsClients::GetS3Object(std::string bucket, std::string key) {
  calls_[CounterIndex(AwsService::kS3)].fetch_add(1, std::memory_order_relaxed);
  return OnClientsThread(s3_->GetObject(std::move(bucket), std::move(key)));
}

Task<Status> AwsClients::DeleteS3Object(std::string bucket, std::string key) {
  calls_[CounterIndex(AwsService::kS3)].fetch_add(1, std::memory_order_relaxed);
  return OnClientsThread(s3_->DeleteObject(std::move(bucket), std::move(key)));
}

Task<Result<bool>> AwsClients::CreateS3Bucket(std::string bucket) {
  calls_[CounterIndex(AwsService::kS3)].fetch_add(1, std::memory_order_relaxed);
  return OnClientsThread(s3_->CreateBucket(std::move(bucket)));
}

std::int64_t AwsClients::CallCount(AwsService service) const {
  return calls_[CounterIndex(service)].load(std::memory_order_relaxed);
}

}  // namespace wdrbe::aws
