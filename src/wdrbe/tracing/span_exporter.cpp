#include "wdrbe/tracing/span_exporter.hpp"

#include <utility>
#include <vector>

#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/base/run_to_completion.hpp"
#include "wdrbe/tracing/otlp_json.hpp"

namespace wdrbe::tracing {

// The collector's answers are a few bytes (an empty ExportTraceServiceResponse
// or a partial-success note).
constexpr std::size_t kMaxCollectorAnswerBytes = 64 * 1024;

struct BatchSpanExporter::Client {
  boost::asio::io_context io;
  std::unique_ptr<aws::HttpClient> http;
};

BatchSpanExporter::BatchSpanExporter(SpanExporterOptions options)
    : options_(std::move(options)), client_(std::make_unique<Client>()) {}

Result<std::unique_ptr<BatchSpanExporter>> BatchSpanExporter::Start(SpanExporterOptions options) {
  std::unique_ptr<BatchSpanExporter> exporter(new BatchSpanExporter(std::move(options)));
  auto http = aws::HttpClient::Create(exporter->client_->io,
                                      aws::HttpClientOptions{.max_idle_per_endpoint = 1,
                                                             .default_timeout = exporter->options_.timeout,
                                                             .max_response_bytes = kMaxCollectorAnswerBytes,
                                                             .https = exporter->options_.endpoint.tls});
  if (!http.ok()) return http.error();
  exporter->client_->http = std::move(*http);
  exporter->thread_ = std::thread([e = exporter.get()] { e->Run(); });
  return exporter;
}

BatchSpanExporter::~BatchSpanExporter() { Stop(); }

void BatchSpanExporter::Submit(Span span) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.max_queue) {
      ++dropped_queue_full_;
      return;
    }
    queue_.push_back(std::move(span));
    ++queued_total_;
    wake = queue_.size() == options_.max_batch;
  }
  if (wake) wake_.notify_one();
}

void BatchSpanExporter::Flush(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_total_;
  if (settled_total_ >= target) return;
  flushing_ = true;
  wake_.notify_one();
  settled_.wait_for(lock, deadline, [&] { return settled_total_ >= target; });
}

void BatchSpanExporter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  client_->http.reset();  // before its io_context
}

void BatchSpanExporter::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!stopping_ && !flushing_ && queue_.size() < options_.max_batch) {
      wake_.wait_for(lock, options_.schedule_delay,
                     [this] { return stopping_ || flushing_ || queue_.size() >= options_.max_batch; });
    }
    if (queue_.empty()) {
      flushing_ = false;
      if (stopping_) return;
      continue;
    }
    std::vector<Span> batch;
    const std::size_t take = std::min(queue_.size(), options_.max_batch);
    batch.reserve(take);
    for (std::size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    const bool accepted = Export(EncodeOtlpTraces(options_.service_name, batch));
    lock.lock();
    (accepted ? exported_ : dropped_export_failed_) += batch.size();
    settled_total_ += batch.size();
    settled_.notify_all();
  }
}

bool BatchSpanExporter::Export(const std::string& body) {
  aws::HttpRequest request;
  request.method = "POST";
  request.target = options_.target;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body;
  request.timeout = options_.timeout;
  Result<aws::HttpResponse> answer =
      RunToCompletion(client_->io, client_->http->Send(options_.endpoint, std::move(request)));
  return answer.ok() && answer->status >= 200 && answer->status < 300;
}

std::uint64_t BatchSpanExporter::exported() const {
  std::lock_guard lock(mutex_);
  return exported_;
}

std::uint64_t BatchSpanExporter::dropped_queue_full() const {
  std::lock_guard lock(mutex_);
  return dropped_queue_full_;
}

std::uint64_t BatchSpanExporter::dropped_export_failed() const {
  std::lock_guard lock(mutex_);
  return dropped_export_failed_;
}

}  // namespace wdrbe::tracing
