// The API scenarios on the AWS backend. With WDRBE_TEST_AWS_EXPORTS naming
// the local engines' exports file (`scripts/aws-local.sh start` prints it;
// the CTest fixture sets it), every server a test starts, and every `serve`,
// `worker` or `dlq` command it runs, gets `--backend aws` on a DynamoDB
// table, SQS queues and an S3 bucket of photos of its data directory's own, made with
// `wdrbe aws setup` the first time the directory is used, plus the engines'
// environment. So a restart over the same directory finds the same data,
// and two servers given one directory share one table and queue (as two
// processes of one deployment do).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace wdrbe::testing {

// True when the suite runs on the AWS backend.
bool OnAwsTestBackend();

struct AwsTestTarget {
  std::vector<std::string> args;                         // --backend aws --table ... --image-bucket ...
  std::vector<std::pair<std::string, std::string>> env;  // AWS_REGION, keys, endpoints
};

// What a command over `data_dir` needs (only meaningful when
// OnAwsTestBackend()). Throws std::runtime_error when `aws setup` fails.
AwsTestTarget AwsTestTargetFor(const std::filesystem::path& data_dir);

}  // namespace wdrbe::testing
