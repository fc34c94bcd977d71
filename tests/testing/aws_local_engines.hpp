// The local AWS engines for tests: Amazon's DynamoDB Local and fauxqs (SQS
// and S3, on one port),
// in memory, on loopback ports.
//
// - Under CTest the engines are a fixture's (tests/CMakeLists.txt): it runs
//   `scripts/aws-local.sh start` once for the whole run and names its
//   exports file in WDRBE_AWS_ENGINES_EXPORTS; the tests read the endpoints
//   from there.
// - Run by hand, the test binary starts its own pair on free ports and
//   stops it when it exits (or dies: they get SIGKILL with it).
//
// Either way they are the ones scripts/aws-local.sh installs (into
// .aws-local/ of the source tree, or AWS_LOCAL_DIR); when they are
// missing, Get() throws with what to run.
//
// Tests isolate themselves by naming what they create uniquely
// (UniqueName), since the engines are shared by every test of the binary.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/aws/environment.hpp"

namespace wdrbe::testing {

class AwsLocalEngines {
 public:
  // Starts both engines the first time (a few seconds: the JVM), then
  // answers the same ones. Throws std::runtime_error when they are not
  // installed or do not start.
  static AwsLocalEngines& Get();

  const std::string& dynamodb_endpoint() const { return dynamodb_endpoint_; }  // "http://127.0.0.1:PORT"
  const std::string& sqs_endpoint() const { return sqs_endpoint_; }
  const std::string& s3_endpoint() const { return s3_endpoint_; }  // fauxqs's, as for SQS

  // What a client needs to use them: AWS_REGION (us-east-1), dummy keys,
  // AWS_ENDPOINT_URL_DYNAMODB / _SQS / _S3, AWS_EC2_METADATA_DISABLED.
  aws::Environment::Variables Variables() const;
  aws::Environment Env() const { return aws::Environment(Variables()); }

  // "{prefix}-{pid}-{n}": unique across the tests of this binary and across
  // binaries running at once.
  static std::string UniqueName(std::string_view prefix);

  // Deletes, when this process exits, every table and queue on the engines
  // of `env` whose name holds "-{pid}-" (UniqueName's, and whatever else a
  // test names so): the engines serve a whole CTest run, and DynamoDB Local
  // slows down badly as tables pile up. Safe to call more than once.
  static void CleanUpAtExit(aws::Environment env);

  ~AwsLocalEngines();
  AwsLocalEngines(const AwsLocalEngines&) = delete;
  AwsLocalEngines& operator=(const AwsLocalEngines&) = delete;

 private:
  AwsLocalEngines() = default;
  // The fixture's engines, as its exports file names them.
  void ReadExports(const std::string& exports_file);
  // Starts a pair of this process's own.
  void Start();
  void WaitUntilReady(int dynamodb_port, const std::string& dynamodb_log, const std::string& fauxqs_log,
                      const std::string& port_file);

  std::string log_dir_;
  int dynamodb_pid_ = -1;
  int fauxqs_pid_ = -1;
  std::string dynamodb_endpoint_;
  std::string sqs_endpoint_;
  std::string s3_endpoint_;
};

}  // namespace wdrbe::testing
