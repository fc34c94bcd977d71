// Ids the server makes (request ids, item ids, event ids) must not tell one
// client which ids others get next: the ids seen on one response, even a
// /healthz one, do not predict the following ones.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The low 64 of a ULID's 80 random bits (its last 13 characters hold 65 bits).
std::uint64_t LowRandomBits(std::string_view ulid) {
  std::uint64_t low = 0;
  for (char c : ulid.substr(13)) low = (low << 5) | static_cast<std::uint64_t>(kCrockford.find(c));
  return low;
}

// For every two successive ids of the same millisecond: their random parts
// differ by no small step either way (a uniform 64-bit difference is within
// 2^24 of zero with probability 2^-39). Returns how many pairs were compared.
int ExpectNoSmallSteps(const std::vector<std::string>& ids) {
  int compared = 0;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i].size(), 26u) << ids[i];
    if (ids[i].substr(0, 10) != ids[i - 1].substr(0, 10)) continue;
    ++compared;
    const std::uint64_t step = LowRandomBits(ids[i]) - LowRandomBits(ids[i - 1]);
    constexpr std::uint64_t kSmall = std::uint64_t{1} << 24;
    EXPECT_TRUE(step > kSmall && step < 0 - kSmall) << ids[i - 1] << " then " << ids[i];
  }
  return compared;
}

class IdsApiTest : public SharedServerTest {};

TEST_F(IdsApiTest, HealthzRequestIdsAreNotSequential) {
#if WDRBE_SANITIZED_BUILD
  // What is checked is ids made within one millisecond; a sanitized server
  // (ThreadSanitizer above all) takes longer than that for each request, so
  // there would be no such pair to check. The release build runs this test;
  // the generator's own tests (ulid_test.cpp) run everywhere.
  GTEST_SKIP() << "a sanitized server answers too slowly for two requests in one millisecond";
#endif
  // Pipelined on one connection, the answers follow each other without a
  // round trip, so many share a millisecond even in a slow (sanitized)
  // build. In rounds, so that neither side's socket buffers fill up.
  constexpr int kRounds = 8;
  constexpr int kPerRound = 250;
  std::string pipelined;
  for (int i = 0; i < kPerRound; ++i) pipelined += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  RawConnection raw(port());
  std::vector<std::string> ids;
  for (int round = 0; round < kRounds; ++round) {
    ASSERT_TRUE(raw.Send(pipelined));
    for (int i = 0; i < kPerRound; ++i) {
      const std::optional<Response> response = raw.ReadResponse();
      ASSERT_TRUE(response.has_value()) << i;
      ASSERT_EQ(response->status, 200) << *response;
      ids.push_back(response->Header("X-Request-Id").value_or(""));
    }
  }
  const int compared = ExpectNoSmallSteps(ids);
  EXPECT_GE(compared, 20) << "too few answers in one millisecond; the test proves little";
  // Nor one stream within a millisecond: the random parts are not sorted
  // (each same-millisecond pair is in order with probability 1/2).
  int descending = 0;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i].substr(0, 10) != ids[i - 1].substr(0, 10)) continue;
    descending += ids[i - 1] < ids[i] ? 0 : 1;
  }
  EXPECT_GT(descending, 0) << "request ids of one millisecond come out in order";
}

TEST_F(IdsApiTest, ItemAndEventIdsDoNotRevealTheNextOnes) {
  ApiClient api(port(), UniqueUserId());
  std::vector<std::string> item_ids;
  std::vector<std::string> event_ids;
  for (int i = 0; i < 60; ++i) {
    const boost::json::object item = api.MustCreate(ItemBody("Item " + std::to_string(i)));
    item_ids.push_back(std::string(item.at("itemId").as_string()));
  }
  for (int i = 0; i < 60; ++i) {
    const Response shared = api.ShareItem(item_ids[static_cast<std::size_t>(i)]);
    ASSERT_EQ(shared.status, 202) << shared;
    event_ids.push_back(shared.String("eventId"));
  }
  ExpectNoSmallSteps(item_ids);
  ExpectNoSmallSteps(event_ids);
  // Server item ids still sort in creation order (the list's ties within one
  // millisecond go by itemId), even when several share a millisecond.
  for (std::size_t i = 1; i < item_ids.size(); ++i) EXPECT_LT(item_ids[i - 1], item_ids[i]);
  std::vector<std::string> newest_first(item_ids.rbegin(), item_ids.rend());
  EXPECT_EQ(api.WalkItemIds({}, 100), newest_first);
}

}  // namespace
}  // namespace wdrbe::testing
