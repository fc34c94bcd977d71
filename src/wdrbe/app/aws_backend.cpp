#include "wdrbe/app/aws_backend.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <memory>

#include "wdrbe/app/secrets.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/run_to_completion.hpp"
#include "wdrbe/queue/sqs/queue_setup.hpp"
#include "wdrbe/queue/sqs/sqs_dead_letter_queue.hpp"
#include "wdrbe/queue/sqs/sqs_queues.hpp"
#include "wdrbe/queue/sqs/sqs_share_queue.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_item_store.hpp"
#include "wdrbe/storage/dynamodb/table_secrets.hpp"
#include "wdrbe/storage/dynamodb/table_setup.hpp"
#include "wdrbe/storage/fault_injecting_item_store.hpp"
#include "wdrbe/storage/s3/s3_image_store.hpp"

namespace wdrbe::app {
namespace {

// The name of the cursor key in the table (table_secrets.hpp): every
// process of one table signs and accepts the same cursors.
constexpr char kCursorKeySecret[] = "cursor-key";

struct AwsAdapters {
  AwsAdapters(std::unique_ptr<aws::AwsClients> made, const AwsBackendOptions& options, const Clock& clock)
      : clients(std::move(made)),
        queues{*options.aws.queue_url, *options.aws.dead_letter_queue_url},
        store(*clients, options.aws.table),
        queue(*clients, queues,
              sqs::SqsQueueOptions{.max_receives = options.max_receives,
                                   .wait_time_seconds = options.receive_wait_seconds},
              clock),
        dead_letters(*clients, queues) {}
  // First, so that it outlives the adapters that call through it.
  std::unique_ptr<aws::AwsClients> clients;
  sqs::SqsQueues queues;
  dynamodb::DynamoDbItemStore store;
  sqs::SqsShareQueue queue;
  sqs::SqsDeadLetterQueue dead_letters;
  // The store.write and store.read fault points, when WDRBE_FAULTS is set.
  std::unique_ptr<FaultInjectingItemStore> faulty_store;
  // When --image-bucket is given.
  std::unique_ptr<s3::S3ImageStore> images;
};

}  // namespace

Result<Backend> OpenAwsBackend(const AwsBackendOptions& options, const BackendDependencies& deps) {
  auto clients = aws::AwsClients::Create(aws::Environment::FromProcess(), deps.clock, deps.random);
  if (!clients.ok()) return clients.error();
  const sqs::SqsQueues queues{*options.aws.queue_url, *options.aws.dead_letter_queue_url};
  if (options.check_table) {
    if (Status s = RunToCompletion(dynamodb::CheckTable(**clients, options.aws.table)); !s.ok()) {
      return s.error();
    }
  }
  if (Status s = RunToCompletion(sqs::CheckQueues(**clients, queues)); !s.ok()) return s.error();

  auto adapters = std::make_shared<AwsAdapters>(std::move(*clients), options, deps.clock);
  Backend backend;
  if (deps.faults) {
    adapters->faulty_store = std::make_unique<FaultInjectingItemStore>(adapters->store, deps.faults);
  }
  backend.store =
      adapters->faulty_store ? adapters->faulty_store.get() : static_cast<ItemStore*>(&adapters->store);
  backend.queue = &adapters->queue;
  backend.dead_letters = &adapters->dead_letters;
  if (options.aws.image_bucket) {
    adapters->images = std::make_unique<s3::S3ImageStore>(*adapters->clients, *options.aws.image_bucket);
    backend.images = adapters->images.get();
  }
  // DynamoDB and SQS share no transaction: the generic share paths.
  backend.load_cursor_key = [adapters = adapters.get(), table = options.aws.table, random = &deps.random] {
    return RunToCompletion(dynamodb::LoadOrCreateSecret(*adapters->clients, table, kCursorKeySecret, *random,
                                                        kMinCursorKeyBytes));
  };
  backend.register_metrics = [clients = adapters->clients.get(),
                              images = options.aws.image_bucket.has_value()](obs::Registry& registry) {
    registry.AddCounterFunction(
        "wdrbe_aws_dynamodb_calls_total", "DynamoDB API calls made (retries not counted)",
        [clients] { return static_cast<double>(clients->CallCount(aws::AwsService::kDynamoDb)); });
    registry.AddCounterFunction(
        "wdrbe_aws_sqs_calls_total", "SQS API calls made (retries not counted)",
        [clients] { return static_cast<double>(clients->CallCount(aws::AwsService::kSqs)); });
    // Only where photos are on: the series would be a constant 0 elsewhere.
    if (images) {
      registry.AddCounterFunction(
          "wdrbe_aws_s3_calls_total", "S3 API calls made (retries not counted)",
          [clients] { return static_cast<double>(clients->CallCount(aws::AwsService::kS3)); });
    }
  };
  backend.description = "DynamoDB table " + options.aws.table + ", SQS queue " + queues.queue_url;
  if (options.aws.image_bucket) backend.description += ", S3 bucket " + *options.aws.image_bucket;
  // Nothing is buffered in this process: every write was answered by AWS.
  backend.close = [] {};
  backend.adapters = std::move(adapters);
  return backend;
}

int RunAwsSetup(const AwsSetupOptions& options) {
  const auto fail = [](const Error& error) {
    std::cerr << "wdrbe aws setup: " << error.message << std::endl;
    return 1;
  };
  if (Status s = CheckTableName("--table", options.table); !s.ok()) return fail(s.error());
  if (options.image_bucket) {
    if (Status s = CheckBucketName("--image-bucket", *options.image_bucket); !s.ok()) return fail(s.error());
  }
  if (options.max_receives < 1 || options.max_receives > kMaxReceives) {
    return fail(Error::BadRequest("--max-receives must be 1-" + std::to_string(kMaxReceives) + ", got " +
                                  std::to_string(options.max_receives)));
  }
  SystemClock clock;
  SecureRandom random;
  auto clients = aws::AwsClients::Create(aws::Environment::FromProcess(), clock, random);
  if (!clients.ok()) return fail(clients.error());
  auto table = RunToCompletion(dynamodb::EnsureTable(**clients, options.table));
  if (!table.ok()) return fail(table.error());
  auto queues = RunToCompletion(sqs::EnsureQueues(**clients, options.queue_name, options.max_receives));
  if (!queues.ok()) return fail(queues.error());
  if (options.image_bucket) {
    // Ready either way: us-east-1 answers 200 for a bucket the account
    // already owns, so "created" could not be told apart reliably.
    auto bucket = RunToCompletion((*clients)->CreateS3Bucket(*options.image_bucket));
    if (!bucket.ok()) return fail(bucket.error());
  }
  std::cerr << "wdrbe aws setup: table " << options.table << (*table ? " created" : " already there")
            << "; queues " << options.queue_name << " and " << options.queue_name << "-dlq ready";
  if (options.image_bucket) std::cerr << "; bucket " << *options.image_bucket << " ready";
  std::cerr << std::endl;
  boost::json::object printed{{"table", options.table},
                              {"queueUrl", queues->queue_url},
                              {"deadLetterQueueUrl", queues->dead_letter_queue_url}};
  if (options.image_bucket) printed["imageBucket"] = *options.image_bucket;
  std::cout << boost::json::serialize(printed) << std::endl;
  return 0;
}

}  // namespace wdrbe::app
