// SerializeResponseHead: head plus body is byte-for-byte what Beast's own
// serializer writes for the same response.
#include "wdrbe/http/response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>

namespace wdrbe::http {
namespace {

std::string WrittenByBeast(const HttpResponse& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

HttpResponse Prepared(HttpResponse response, bool keep_alive) {
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

TEST(ResponseHeadTest, AJsonResponseIsWhatBeastWrites) {
  HttpResponse response{StatusCode::created, 11};
  response.set(beast_http::field::content_type, "application/json");
  response.set(beast_http::field::location, "/items/itm_1");
  response.set("X-Request-Id", "01JABCDEF");
  response.body() = R"({"itemId":"itm_1"})";
  const HttpResponse prepared = Prepared(response, true);
  EXPECT_EQ(SerializeResponseHead(prepared) + prepared.body(), WrittenByBeast(prepared));
}

TEST(ResponseHeadTest, ClosingEmptyAndUnusualResponsesAreWhatBeastWrites) {
  HttpResponse no_content{StatusCode::no_content, 11};
  HttpResponse closing{StatusCode::service_unavailable, 11};
  closing.set(beast_http::field::retry_after, "1");
  closing.body() = "{}";
  HttpResponse http10{StatusCode::ok, 10};
  http10.body() = "ok";
  HttpResponse custom_reason{StatusCode::too_many_requests, 11};
  custom_reason.reason("Slow Down");
  HttpResponse unknown_status{static_cast<StatusCode>(599), 11};
  HttpResponse repeated_fields{StatusCode::ok, 11};
  repeated_fields.insert("Vary", "Origin");
  repeated_fields.insert("Vary", "Authorization");

  for (const auto& [response, keep_alive] :
       {std::pair{no_content, true}, std::pair{closing, false}, std::pair{http10, false},
        std::pair{http10, true}, std::pair{custom_reason, true}, std::pair{unknown_status, true},
        std::pair{repeated_fields, true}}) {
    const HttpResponse prepared = Prepared(response, keep_alive);
    EXPECT_EQ(SerializeResponseHead(prepared) + prepared.body(), WrittenByBeast(prepared))
        << "status " << prepared.result_int() << ", keep-alive " << keep_alive;
  }
}

}  // namespace
}  // namespace wdrbe::http
