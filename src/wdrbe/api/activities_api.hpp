// Handler of the activity feed.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/activity_feed.hpp"
#include "wdrbe/http/request_context.hpp"

namespace wdrbe::api {

class ActivitiesApi {
 public:
  explicit ActivitiesApi(ActivityFeed& feed) : feed_(feed) {}

  Task<http::HttpResponse> List(http::RequestContext& context);  // GET /users/{userId}/activities

 private:
  ActivityFeed& feed_;
};

}  // namespace wdrbe::api
