// What a handler sees of one request: the message, its request id, the
// decoded path parameters and query, and (on authenticated routes) the
// verified principal. Lives for one request on that connection's strand.
#pragma once

#include <boost/url/url_view.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wdrbe/auth/principal.hpp"
#include "wdrbe/http/body_stream.hpp"
#include "wdrbe/http/types.hpp"
#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::http {

using PathParams = std::vector<std::pair<std::string, std::string>>;

class RequestContext {
 public:
  RequestContext(const HttpRequest& request, std::string_view request_id, boost::urls::url_view url,
                 PathParams params)
      : request_(request), request_id_(request_id), url_(url), params_(std::move(params)) {}

  const HttpRequest& request() const { return request_; }
  std::string_view request_id() const { return request_id_; }

  // A path parameter by its name in the route pattern (decoded); "" if none.
  std::string_view PathParam(std::string_view name) const;
  // The first query parameter `name` with a value, percent-decoded; nullopt
  // when absent or empty (`?limit=` is no limit).
  std::optional<std::string> Query(std::string_view name) const;
  // A request header; nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;

  // This request's span (set by the dispatcher before any handler runs).
  const obs::TraceContext& trace() const { return *trace_; }
  void set_trace(const obs::TraceContext* trace) { trace_ = trace; }

  const Principal& principal() const { return principal_; }
  void set_principal(Principal principal) { principal_ = std::move(principal); }

  // Where a handler leaves a body written over time; null when this
  // transport cannot carry one (body_stream.hpp).
  BodyStreamSlot body_stream() const { return body_stream_; }
  void set_body_stream(BodyStreamSlot slot) { body_stream_ = slot; }

 private:
  const HttpRequest& request_;
  std::string_view request_id_;
  boost::urls::url_view url_;
  PathParams params_;
  Principal principal_;
  const obs::TraceContext* trace_ = nullptr;
  BodyStreamSlot body_stream_ = nullptr;
};

}  // namespace wdrbe::http
