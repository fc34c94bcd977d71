// --metrics-emf for `serve` and `worker` (on ECS or EKS, whose log drivers
// ship stdout to CloudWatch Logs): the EMF documents of the business
// metrics, once per interval, beside /metrics. Lambda functions publish
// once per invocation instead (lambda_command.cpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/observability/emf.hpp"
#include "wdrbe/observability/log.hpp"

namespace wdrbe::obs {

class EmfReporter {
 public:
  // Everything given outlives the reporter, and the reporter outlives the
  // executor's running (it is destroyed after the io_context stopped).
  EmfReporter(boost::asio::any_io_executor executor, EmfPublisher& publisher, Logger& logger,
              const Clock& clock, std::chrono::milliseconds interval);

  // Publishes every interval from now on.
  void Start();
  // Publishes what changed since the last interval: at shutdown, once the
  // executor has stopped, so that the last interval's counts are not lost.
  void Publish();

 private:
  void Arm();

  boost::asio::steady_timer timer_;
  EmfPublisher& publisher_;
  Logger& logger_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
};

}  // namespace wdrbe::obs
