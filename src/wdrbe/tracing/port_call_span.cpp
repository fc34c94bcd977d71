#include "wdrbe/tracing/port_call_span.hpp"

#include <array>

#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::tracing {
namespace {

std::string_view ResultName(const PortCall& call, const PortCallOutcome& outcome) {
  if (outcome.error != nullptr) return outcome.error->IsServiceFailure() ? "failed" : "refused";
  if (outcome.failed == 0) return "ok";
  return outcome.failed < call.batch_size ? "partly_failed" : "failed";
}

// The engine's attributes, then the operation's.
std::size_t AppendEngineAttributes(const SpanTarget& target, const PortCall& call,
                                   std::array<SpanAttribute, 8>& attributes) {
  std::size_t count = 0;
  const bool aws = target.backend == SpanBackend::kAws;
  if (call.engine == PortEngine::kStore) {
    attributes[count++] = {"db.system.name", std::string_view(aws ? "aws.dynamodb" : "sqlite")};
    attributes[count++] = {"db.operation.name", call.operation};
  } else {
    attributes[count++] = {"messaging.system", MessagingSystem(target)};
    attributes[count++] = {"messaging.operation.name", call.operation};
  }
  if (aws) {
    attributes[count++] = {"rpc.system", std::string_view("aws-api")};
    attributes[count++] = {"rpc.service",
                           std::string_view(call.engine == PortEngine::kStore ? "DynamoDB" : "SQS")};
  }
  return count;
}

}  // namespace

void RecordPortCallSpans(const SpanTarget& target, std::span<const ParentSpan> parents, const PortCall& call,
                         std::int64_t start_unix_ns, const PortCallOutcome& outcome) {
  if (target.spans == nullptr || parents.empty()) return;
  std::array<SpanAttribute, 8> attributes;
  std::size_t count = AppendEngineAttributes(target, call, attributes);
  if (call.batch_size > 0) attributes[count++] = {"messaging.batch.message_count", call.batch_size};
  attributes[count++] = {"wdrbe.result", ResultName(call, outcome)};
  if (outcome.failed > 0) attributes[count++] = {"wdrbe.failed_count", outcome.failed};

  Span span;
  span.name = call.name;
  span.kind = SpanKind::kClient;
  span.start_unix_ns = start_unix_ns;
  span.end_unix_ns = target.clock->NowNanos();
  span.attributes = std::span(attributes.data(), count);
  if (outcome.error != nullptr && outcome.error->IsServiceFailure()) {
    span.error = true;
    span.status_message = outcome.error->message;
  }
  for (const ParentSpan& parent : parents) {
    const obs::SpanIdText span_id = obs::NewSpanIdText(*target.random);
    span.trace_id = parent.trace_id;
    span.span_id = span_id.view();
    span.parent_span_id = parent.span_id;
    target.spans->Submit(span);
  }
}

}  // namespace wdrbe::tracing
