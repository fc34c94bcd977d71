#include "wdrbe/tracing/span_exporter.hpp"

#include <algorithm>
#include <utility>

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
    : options_(std::move(options)),
      document_head_(OtlpTracesDocumentHead(options_.service_name)),
      client_(std::make_unique<Client>()) {}

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

void BatchSpanExporter::Submit(const Span& span) {
  // A full queue drops the span before the work of encoding it: a collector
  // that is down must not cost the requests more than one that keeps up.
  if (full_.load(std::memory_order_relaxed)) {
    std::lock_guard lock(mutex_);
    ++dropped_queue_full_;
    return;
  }
  // Encoded before the lock, into this thread's buffer, which only grows:
  // sized for the longest span this thread has written, it is neither
  // reallocated nor cleared from span to span.
  thread_local std::string encoded;
  const std::size_t bound = OtlpSpanBound(span);
  if (encoded.size() < bound) encoded.resize(bound);
  const std::string_view text(encoded.data(),
                              static_cast<std::size_t>(WriteOtlpSpan(encoded.data(), span) - encoded.data()));
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queued_ >= options_.max_queue) {
      full_.store(true, std::memory_order_relaxed);
      ++dropped_queue_full_;
      return;
    }
    if (batches_.empty() || batches_.back().count >= options_.max_batch) {
      PendingBatch& batch = batches_.emplace_back();
      // Sized for a batch like the last one posted: not regrown span by span.
      batch.document.reserve(std::max(last_document_bytes_, document_head_.size()));
      batch.document = document_head_;
    }
    PendingBatch& batch = batches_.back();
    if (batch.count > 0) batch.document += ',';
    batch.document += text;
    ++batch.count;
    ++queued_;
    ++queued_total_;
    wake = batch.count == options_.max_batch;
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
  const auto batch_full = [this] {
    return !batches_.empty() && batches_.front().count >= options_.max_batch;
  };
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!stopping_ && !flushing_ && !batch_full()) {
      wake_.wait_for(lock, options_.schedule_delay, [&] { return stopping_ || flushing_ || batch_full(); });
    }
    if (batches_.empty()) {
      flushing_ = false;
      if (stopping_) return;
      continue;
    }
    PendingBatch batch = std::move(batches_.front());
    batches_.pop_front();
    queued_ -= batch.count;
    if (!stopping_) full_.store(false, std::memory_order_relaxed);
    last_document_bytes_ = batch.document.size() + kOtlpTracesDocumentTail.size();
    lock.unlock();
    batch.document += kOtlpTracesDocumentTail;
    const bool accepted = Export(std::move(batch.document));
    lock.lock();
    (accepted ? exported_ : dropped_export_failed_) += batch.count;
    settled_total_ += batch.count;
    settled_.notify_all();
  }
}

bool BatchSpanExporter::Export(std::string body) {
  aws::HttpRequest request;
  request.method = "POST";
  request.target = options_.target;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = std::move(body);
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
