#include "wdrbe/observability/emf_reporter.hpp"

#include <string>
#include <vector>

namespace wdrbe::obs {

EmfReporter::EmfReporter(boost::asio::any_io_executor executor, EmfPublisher& publisher, Logger& logger,
                         const Clock& clock, std::chrono::milliseconds interval)
    : timer_(std::move(executor)),
      publisher_(publisher),
      logger_(logger),
      clock_(clock),
      interval_(interval) {}

void EmfReporter::Start() { Arm(); }

void EmfReporter::Publish() {
  for (const std::string& document : publisher_.Take(clock_.NowMillis())) logger_.WriteRecord(document);
}

void EmfReporter::Arm() {
  timer_.expires_after(interval_);
  // One wait at a time, so publications never overlap. The handler is only
  // destroyed, never run, when the io_context stops first.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    Publish();
    Arm();
  });
}

}  // namespace wdrbe::obs
