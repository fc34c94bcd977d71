// Handler of the activity feed.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/activity_feed.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/tracing/span_target.hpp"

namespace wdrbe::api {

class ActivitiesApi {
 public:
  // `spans`: where the spans of sampled requests' store calls go (none
  // while its sink is null).
  explicit ActivitiesApi(ActivityFeed& feed, tracing::SpanTarget spans = {}) : feed_(feed), spans_(spans) {}

  Task<http::HttpResponse> List(http::RequestContext& context);  // GET /users/{userId}/activities

 private:
  ActivityFeed& feed_;
  const tracing::SpanTarget spans_;
};

}  // namespace wdrbe::api
