// The AWS clients of one process: the region, the credential source (chosen
// and first fetched at start, then refreshed before expiry), one HTTP
// connection pool, a JSON-protocol client each for DynamoDB, SQS and
// Secrets Manager and a REST client for S3 (s3_client.hpp), on
// an io_context of their own run by one thread. One, because the HTTP
// client's streams (Beast's, with a deadline timer each) are not safe when
// their timer and their I/O complete on two threads at once; one thread
// carries thousands of concurrent calls, since the work is waiting.
//
// The adapters (storage/dynamodb, queue/sqs, storage/s3) call through Call()
// and the S3 methods, which run the call on that thread and resume the
// caller on its own executor, so a port's Task completes where it was
// awaited, whoever awaits it (the server's threads, a test's RunTask, a
// command's own io_context).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "wdrbe/aws/aws_config.hpp"
#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/aws/json_protocol.hpp"
#include "wdrbe/aws/retry_policy.hpp"
#include "wdrbe/aws/s3_addressing.hpp"
#include "wdrbe/aws/s3_client.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::aws {

struct AwsClientsOptions {
  HttpClientOptions http{};
  RetryOptions retry{};
};

class AwsClients {
 public:
  // Resolves region and endpoints from `env` and fetches credentials once,
  // so a misconfiguration fails here, at start. Errors (kBadRequest, or
  // kUnavailable when a configured credential source does not answer) say
  // what to set. `clock` and `random` must outlive the clients.
  static Result<std::unique_ptr<AwsClients>> Create(const Environment& env, const Clock& clock,
                                                    RandomSource& random, AwsClientsOptions options = {});
  // Stops the thread; calls still in flight are abandoned.
  ~AwsClients();
  AwsClients(const AwsClients&) = delete;
  AwsClients& operator=(const AwsClients&) = delete;

  const std::string& region() const { return region_; }
  const EndpointUrl& endpoint(AwsService service) const;
  // "environment", "shared credentials file", ... (for start-up logs).
  std::string_view credentials_source() const { return credentials_->Name(); }

  // One call with the standard retry policy, run on the clients' thread;
  // completes on the awaiting coroutine's executor. Thread-safe.
  Task<AwsJsonOutcome> Call(AwsService service, std::string operation, boost::json::object request);

  // S3 calls (s3_client.hpp: limits, retries, errors), run on the clients'
  // thread like Call; complete on the awaiting coroutine's executor.
  // Thread-safe.
  Task<Status> PutS3Object(std::string bucket, std::string key, S3Object object);
  Task<Result<S3Object>> GetS3Object(std::string bucket, std::string key);
  Task<Status> DeleteS3Object(std::string bucket, std::string key);
  Task<Result<bool>> CreateS3Bucket(std::string bucket);

  // Calls made so far to `service` (every attempt of a retried call counts
  // once: these are API calls, not HTTP requests). For benchmarks and metrics.
  std::int64_t CallCount(AwsService service) const;

 private:
  AwsClients(const Clock& clock, RandomSource& random, AwsClientsOptions options);
  // Runs `call` to completion on io_ and resumes the caller where it was.
  template <typename T>
  Task<T> OnClientsThread(Task<T> call);

  boost::asio::io_context io_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<CredentialsProvider> credentials_;
  std::string region_;
  EndpointUrl dynamodb_endpoint_;
  EndpointUrl sqs_endpoint_;
  EndpointUrl secrets_manager_endpoint_;
  S3Endpoint s3_endpoint_;
  std::unique_ptr<AwsJsonClient> dynamodb_;
  std::unique_ptr<AwsJsonClient> sqs_;
  std::unique_ptr<AwsJsonClient> secrets_manager_;
  std::unique_ptr<S3Client> s3_;
  std::array<std::atomic<std::int64_t>, 4> calls_{};  // DynamoDB, SQS, Secrets Manager, S3
  const Clock& clock_;
  RandomSource& random_;
  const AwsClientsOptions options_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace wdrbe::aws
