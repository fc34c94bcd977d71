// Item photos over HTTP: upload (owner only, the three types checked
// against their bytes, 5 MiB for a caller with a token and 64 KiB for one
// without), the cleaned photo and its thumbnail (the item's read rule,
// ETag and 304), removal, and an item's delete taking its photo along.
#include <boost/json.hpp>
#include <string>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_images.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

constexpr std::size_t kUploadLimit = 5 * 1024 * 1024;

Response PutImage(ApiClient& client, std::string_view item_id, std::string_view content_type,
                  std::string body, Headers extra = {}) {
  Headers headers = {{"Authorization", Bearer(client.token())}, {"Content-Type", std::string(content_type)}};
  for (auto& header : extra) headers.push_back(std::move(header));
  return client.http().Send({"PUT", "/items/" + std::string(item_id) + "/image", headers, std::move(body)});
}

Response GetImage(ApiClient& client, std::string_view item_id, std::string_view variant = "",
                  Headers extra = {}) {
  std::string target = "/items/" + std::string(item_id) + "/image";
  if (!variant.empty()) target += "/" + std::string(variant);
  return client.http().Get(target, client.token(), std::move(extra));
}

std::string NewItem(ApiClient& client) {
  return std::string(client.MustCreate(json::object{{"name", "Linen Shirt"}, {"category", "tops"}})
                         .at("itemId")
                         .as_string());
}

class ImagesApiTest : public SharedServerTest {};

TEST_F(ImagesApiTest, TheOwnerUploadsAPhotoAndGetsTheItemPointingAtIt) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  const std::string before = owner.GetItem(item_id).String("updatedAt");
  const Response put =
      PutImage(owner, item_id, "image/png",
               MakeTestImage(ImageFormat::kPng, {.width = 600, .height = 300, .with_metadata = true}));
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.String("itemId"), item_id);
  EXPECT_EQ(put.String("imageUrl"), "/items/" + item_id + "/image");
  EXPECT_GE(put.String("updatedAt"), before);
  EXPECT_EQ(owner.GetItem(item_id).String("imageUrl"), "/items/" + item_id + "/image");

  const Response original = GetImage(owner, item_id);
  ASSERT_EQ(original.status, 200) << original;
  EXPECT_EQ(original.Header("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(original.Header("Cache-Control").value_or(""), "private, no-cache");
  EXPECT_EQ(original.Header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(MetadataIn(original.body), "");
  const auto full = DecodeTestImage(original.body);
  EXPECT_EQ(full.width, 600);
  EXPECT_EQ(full.height, 300);

  const Response thumbnail = GetImage(owner, item_id, "thumbnail");
  ASSERT_EQ(thumbnail.status, 200) << thumbnail;
  EXPECT_EQ(thumbnail.Header("Content-Type").value_or(""), "image/png");
  const auto small = DecodeTestImage(thumbnail.body);
  EXPECT_EQ(small.width, 256);
  EXPECT_EQ(small.height, 128);
  EXPECT_NE(thumbnail.Header("ETag"), original.Header("ETag"));
}

TEST_F(ImagesApiTest, APhotoRevalidatesByItsTagAndANewUploadChangesIt) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  ASSERT_EQ(PutImage(owner, item_id, "image/jpeg", MakeTestImage(ImageFormat::kJpeg)).status, 200);
  const Response first = GetImage(owner, item_id);
  const std::string etag = first.Header("ETag").value_or("");
  ASSERT_EQ(etag.size(), 34u) << first;
  const Response unchanged = GetImage(owner, item_id, "", {{"If-None-Match", etag}});
  EXPECT_EQ(unchanged.status, 304) << unchanged;
  EXPECT_TRUE(unchanged.body.empty());
  EXPECT_EQ(unchanged.Header("ETag").value_or(""), etag);
  EXPECT_EQ(unchanged.Header("Cache-Control").value_or(""), "private, no-cache");

  ASSERT_EQ(PutImage(owner, item_id, "image/webp", MakeTestImage(ImageFormat::kWebp, {.width = 90})).status,
            200);
  const Response replaced = GetImage(owner, item_id, "", {{"If-None-Match", etag}});
  ASSERT_EQ(replaced.status, 200) << replaced;
  EXPECT_EQ(replaced.Header("Content-Type").value_or(""), "image/webp");
  EXPECT_NE(replaced.Header("ETag").value_or(""), etag);
  EXPECT_EQ(DecodeTestImage(replaced.body).width, 90);

  const Response head = owner.http().Send({"HEAD",
                                           "/items/" + item_id + "/image/thumbnail",
                                           {{"Authorization", Bearer(owner.token())}},
                                           std::nullopt});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Type").value_or(""), "image/webp");
}

TEST_F(ImagesApiTest, TheDeclaredTypeMustBeOneOfThreeAndMatchTheBytes) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  const std::string png = MakeTestImage(ImageFormat::kPng);
  const Response gif = PutImage(owner, item_id, "image/gif", "GIF89a....");
  EXPECT_EQ(gif.status, 415) << gif;
  EXPECT_EQ(gif.ErrorCode(), "unsupported_media_type");
  const Response json_type = PutImage(owner, item_id, "application/json", png);
  EXPECT_EQ(json_type.status, 415) << json_type;
  const Response mismatch = PutImage(owner, item_id, "image/jpeg", png);
  EXPECT_EQ(mismatch.status, 415) << mismatch;
  EXPECT_NE(mismatch.String("message").find("look like PNG"), std::string::npos) << mismatch;
  const Response pdf = PutImage(owner, item_id, "image/png", "%PDF-1.7 not an image");
  EXPECT_EQ(pdf.status, 415) << pdf;
  const Response damaged = PutImage(owner, item_id, "image/png", png.substr(0, png.size() / 2));
  EXPECT_EQ(damaged.status, 400) << damaged;
  EXPECT_EQ(damaged.ErrorCode(), "bad_request");
  const Response empty = PutImage(owner, item_id, "image/png", "");
  EXPECT_EQ(empty.status, 400) << empty;
  // Nothing was stored by any of them.
  EXPECT_EQ(GetImage(owner, item_id).status, 404);
  EXPECT_FALSE(owner.GetItem(item_id).Has("imageUrl"));
}

TEST_F(ImagesApiTest, UploadsAreHeldToFiveMebibytesAndOtherBodiesToTheirLimit) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  // Over the limit by a byte: refused from the declared length.
  std::string too_large = MakeTestImage(ImageFormat::kJpeg);
  too_large.resize(kUploadLimit + 1, '\0');
  const Response refused = PutImage(owner, item_id, "image/jpeg", too_large);
  EXPECT_EQ(refused.status, 413) << refused;
  EXPECT_EQ(refused.ErrorCode(), "payload_too_large");
  EXPECT_NE(refused.String("message").find("5120 KiB"), std::string::npos) << refused;

  // A large real photo under the limit is taken.
  const std::string big = MakeTestImage(ImageFormat::kPng, {.width = 3000, .height = 2000});
  ASSERT_GT(big.size(), 64u * 1024);
  ASSERT_LE(big.size(), kUploadLimit);
  EXPECT_EQ(PutImage(owner, item_id, "image/png", big).status, 200);

  // Without a valid token, the larger limit is not granted.
  HttpClient anonymous(port());
  const Response no_token =
      anonymous.Send({"PUT", "/items/" + item_id + "/image", {{"Content-Type", "image/png"}}, big});
  EXPECT_EQ(no_token.status, 413) << no_token;
  EXPECT_NE(no_token.String("message").find("64 KiB"), std::string::npos) << no_token;
  // Nor on any other route.
  const Response patch =
      owner.http().Send({"PATCH",
                         "/items/" + item_id,
                         {{"Authorization", Bearer(owner.token())}, {"Content-Type", "application/json"}},
                         "{\"name\":\"" + std::string(100 * 1024, 'a') + "\"}"});
  EXPECT_EQ(patch.status, 413) << patch;
  // A small upload without a token is refused for the token.
  const Response unauthorized = anonymous.Send({"PUT",
                                                "/items/" + item_id + "/image",
                                                {{"Content-Type", "image/png"}},
                                                MakeTestImage(ImageFormat::kPng)});
  EXPECT_EQ(unauthorized.status, 401) << unauthorized;
}

TEST_F(ImagesApiTest, OnlyTheOwnerChangesAPhotoAndOthersSeeItOnlyWhenPublic) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient other(port(), UniqueUserId("other"));
  const std::string item_id = NewItem(owner);
  const std::string png = MakeTestImage(ImageFormat::kPng);
  EXPECT_EQ(PutImage(other, item_id, "image/png", png).status, 404);  // private: as if missing
  ASSERT_EQ(PutImage(owner, item_id, "image/png", png).status, 200);
  EXPECT_EQ(GetImage(other, item_id).status, 404);
  EXPECT_EQ(GetImage(other, item_id, "thumbnail").status, 404);
  EXPECT_EQ(other.http().Delete("/items/" + item_id + "/image", other.token()).status, 404);

  ASSERT_EQ(owner.ShareItem(item_id).status, 202);
  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  const Response seen = GetImage(other, item_id, "thumbnail");
  EXPECT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(seen.Header("Content-Type").value_or(""), "image/png");
  const Response forbidden = PutImage(other, item_id, "image/png", png);
  EXPECT_EQ(forbidden.status, 403) << forbidden;
  EXPECT_EQ(forbidden.ErrorCode(), "forbidden");
  EXPECT_EQ(other.http().Delete("/items/" + item_id + "/image", other.token()).status, 403);
  EXPECT_EQ(GetImage(owner, "no-such-item").status, 404);
  EXPECT_EQ(PutImage(owner, "no-such-item", "image/png", png).status, 404);
}

TEST_F(ImagesApiTest, RemovingAPhotoClearsTheUrlAndIsIdempotent) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  ASSERT_EQ(PutImage(owner, item_id, "image/png", MakeTestImage(ImageFormat::kPng)).status, 200);
  const Response removed = owner.http().Delete("/items/" + item_id + "/image", owner.token());
  EXPECT_EQ(removed.status, 204) << removed;
  EXPECT_FALSE(owner.GetItem(item_id).Has("imageUrl"));
  const Response gone = GetImage(owner, item_id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(GetImage(owner, item_id, "thumbnail").status, 404);
  EXPECT_EQ(owner.http().Delete("/items/" + item_id + "/image", owner.token()).status, 204);
}

TEST_F(ImagesApiTest, AnItemWhoseUrlWasPatchedAwayNoLongerServesItsPhoto) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  ASSERT_EQ(PutImage(owner, item_id, "image/png", MakeTestImage(ImageFormat::kPng)).status, 200);
  ASSERT_EQ(
      owner.PatchItem(item_id, json::object{{"imageUrl", "https://img.example.com/elsewhere.png"}}).status,
      200);
  EXPECT_EQ(GetImage(owner, item_id).status, 404);
  EXPECT_EQ(GetImage(owner, item_id, "thumbnail").status, 404);
  // A new upload points the item at its photo again.
  ASSERT_EQ(PutImage(owner, item_id, "image/png", MakeTestImage(ImageFormat::kPng)).status, 200);
  EXPECT_EQ(GetImage(owner, item_id).status, 200);
}

TEST_F(ImagesApiTest, DeletingAnItemDeletesItsPhoto) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = NewItem(owner);
  ASSERT_EQ(PutImage(owner, item_id, "image/jpeg", MakeTestImage(ImageFormat::kJpeg)).status, 200);
  ASSERT_EQ(owner.DeleteItem(item_id).status, 204);
  // The same id made again by its owner starts without a photo: the old
  // one's files went with the item.
  const Response again =
      owner.CreateItem(json::object{{"itemId", item_id}, {"name", "Again"}, {"category", "tops"}});
  ASSERT_EQ(again.status, 201) << again;
  EXPECT_EQ(GetImage(owner, item_id).status, 404);
  EXPECT_EQ(GetImage(owner, item_id, "thumbnail").status, 404);
}

TEST(ImagesPublicUrlTest, WithAPublicUrlTheImageUrlIsAbsolute) {
  ServerOptions options;
  options.extra_args = {"--public-url", "https://api.example.com/prod/"};
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "public-url-owner");
  const std::string item_id = NewItem(owner);
  const Response put = PutImage(owner, item_id, "image/png", MakeTestImage(ImageFormat::kPng));
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.String("imageUrl"), "https://api.example.com/prod/items/" + item_id + "/image");
}

TEST(ImagesPublicUrlTest, APublicUrlThatIsNotAnAbsoluteHttpUrlStopsTheServer) {
  for (const std::string bad : {"api.example.com", "ftp://api.example.com", "https://api.example.com/?x=1",
                                "https://user:pw@api.example.com", "https://"}) {
    SCOPED_TRACE(bad);
    TempDir data_dir;
    const ProcessOutcome outcome = RunToExit(
        {"serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.path().string(), "--public-url", bad},
        std::string(kTestJwtSecret));
    EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
    EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
    EXPECT_NE(outcome.output.find("--public-url must be an absolute http or https URL"), std::string::npos)
        << outcome.output;
    EXPECT_EQ(outcome.output.find("listening on"), std::string::npos) << outcome.output;
  }
}

}  // namespace
}  // namespace wdrbe::testing
