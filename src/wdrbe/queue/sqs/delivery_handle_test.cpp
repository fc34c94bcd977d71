#include "wdrbe/queue/sqs/delivery_handle.hpp"

#include <gtest/gtest.h>

namespace wdrbe::sqs {
namespace {

DeliveryHandle AHandle() {
  return DeliveryHandle{"AQEB3+long/opaque==handle",
                        2,
                        1'764'064'800'123,
                        R"({"type":"SHARE_ITEM","eventId":"e"})",
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                        R"([{"at":1,"error":"x"}])"};
}

TEST(DeliveryHandleTest, AHandleCarriesItsDeliveryThereAndBack) {
  const std::string text = EncodeDeliveryHandle(AHandle());

  EXPECT_EQ(text.rfind("sqs1.", 0), 0u);
  EXPECT_EQ(DecodeDeliveryHandle(text), AHandle());
}

TEST(DeliveryHandleTest, EmptyTraceAndHistorySurvive) {
  DeliveryHandle handle = AHandle();
  handle.trace_context.clear();
  handle.history_json.clear();

  EXPECT_EQ(DecodeDeliveryHandle(EncodeDeliveryHandle(handle)), handle);
}

TEST(DeliveryHandleTest, AHandleCutAlteredOrMadeUpIsRefused) {
  const std::string text = EncodeDeliveryHandle(AHandle());
  std::string flipped = text;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';

  EXPECT_EQ(DecodeDeliveryHandle(text + "x"), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle(text.substr(0, text.size() - 1)), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle(flipped), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle("a-receipt-handle-nobody-holds"), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle(""), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle("sqs1."), std::nullopt);
  EXPECT_EQ(DecodeDeliveryHandle("sqs1.e30.AAAAAAAAAAAAAAAA"), std::nullopt) << "{} with a wrong digest";
}

}  // namespace
}  // namespace wdrbe::sqs
