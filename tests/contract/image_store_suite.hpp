// The ImageStore contract (storage/image_store.hpp), the same for every
// adapter: bytes, content type and entity tag come back exactly as put; a
// put replaces; the two variants and different items are independent; a
// missing image is kNotFound; a delete removes both variants and is Ok when
// there is nothing; a 5 MiB image round trips; and a get racing puts of one
// image sees one of them whole, never a mix.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "contract/image_store_fixture.hpp"

namespace wdrbe::contract {
namespace image_store_suite {

// Every byte value, NULs first, inside and last, so that nothing on the
// way (a C string, a text decoding, a header) can go unnoticed.
inline std::string EveryByteValue() {
  std::string bytes(1, '\0');
  for (int round = 0; round < 3; ++round) {
    for (int value = 0; value < 256; ++value) bytes += static_cast<char>(value);
  }
  bytes += std::string(4, '\0');
  return bytes;
}

// `size` bytes no two seeds share, cheap to make and to check.
inline std::string Pattern(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  unsigned state = seed * 2654435761u + 1;
  for (char& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<char>(state >> 24);
  }
  return bytes;
}

inline StoredImage Jpeg(std::string bytes, std::string etag) {
  return StoredImage{"image/jpeg", std::move(bytes), std::move(etag)};
}

}  // namespace image_store_suite

TEST_P(ImageStoreTest, APutImageComesBackByteForByte) {
  const std::string bytes = image_store_suite::EveryByteValue();
  MustPut("itm_a", ImageVariant::kOriginal, image_store_suite::Jpeg(bytes, "\"e1\""));

  const StoredImage got = MustGet("itm_a", ImageVariant::kOriginal);

  EXPECT_EQ(got.bytes.size(), bytes.size());
  EXPECT_TRUE(got.bytes == bytes) << "the bytes differ (NULs and every byte value must survive)";
}

TEST_P(ImageStoreTest, TheContentTypeAndEntityTagComeBackExactlyAsPut) {
  MustPut("itm_a", ImageVariant::kOriginal, {"image/png", "png bytes", "\"3f2a9c\""});
  MustPut("itm_a", ImageVariant::kThumbnail, {"image/webp", "webp bytes", "\"b7-0001\""});

  const StoredImage original = MustGet("itm_a", ImageVariant::kOriginal);
  const StoredImage thumbnail = MustGet("itm_a", ImageVariant::kThumbnail);

  EXPECT_EQ(original.content_type, "image/png");
  EXPECT_EQ(original.etag, "\"3f2a9c\"") << "the caller's tag, quotes and all, not the engine's own";
  EXPECT_EQ(thumbnail.content_type, "image/webp");
  EXPECT_EQ(thumbnail.etag, "\"b7-0001\"");
}

TEST_P(ImageStoreTest, APutReplacesTheImageWhole) {
  MustPut("itm_a", ImageVariant::kOriginal,
          image_store_suite::Jpeg(image_store_suite::Pattern(4096, 1), "\"old\""));
  MustPut("itm_a", ImageVariant::kOriginal, {"image/png", "short", "\"new\""});

  const StoredImage got = MustGet("itm_a", ImageVariant::kOriginal);

  EXPECT_EQ(got.bytes, "short") << "nothing of the longer old image is left";
  EXPECT_EQ(got.content_type, "image/png");
  EXPECT_EQ(got.etag, "\"new\"");
}

TEST_P(ImageStoreTest, TheTwoVariantsAreIndependent) {
  MustPut("itm_a", ImageVariant::kOriginal, image_store_suite::Jpeg("original", "\"o1\""));
  EXPECT_EQ(ErrorOf("itm_a", ImageVariant::kThumbnail), ErrorCode::kNotFound)
      << "an original alone has no thumbnail";

  MustPut("itm_a", ImageVariant::kThumbnail, image_store_suite::Jpeg("thumbnail", "\"t1\""));
  MustPut("itm_a", ImageVariant::kOriginal, image_store_suite::Jpeg("original 2", "\"o2\""));

  EXPECT_EQ(MustGet("itm_a", ImageVariant::kOriginal).bytes, "original 2");
  const StoredImage thumbnail = MustGet("itm_a", ImageVariant::kThumbnail);
  EXPECT_EQ(thumbnail.bytes, "thumbnail") << "replacing the original left the thumbnail alone";
  EXPECT_EQ(thumbnail.etag, "\"t1\"");
}

TEST_P(ImageStoreTest, AMissingImageIsNotFound) {
  for (const ImageVariant variant : {ImageVariant::kOriginal, ImageVariant::kThumbnail}) {
    const Result<StoredImage> got = Get("itm_never_seen", variant);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().message;
  }
}

TEST_P(ImageStoreTest, DeleteRemovesBothVariants) {
  MustPut("itm_a", ImageVariant::kOriginal, image_store_suite::Jpeg("original", "\"o\""));
  MustPut("itm_a", ImageVariant::kThumbnail, image_store_suite::Jpeg("thumbnail", "\"t\""));

  const Status deleted = Delete("itm_a");

  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(ErrorOf("itm_a", ImageVariant::kOriginal), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorOf("itm_a", ImageVariant::kThumbnail), ErrorCode::kNotFound);
}

TEST_P(ImageStoreTest, DeleteIsOkWhenThereIsNothingOrOnlyOneVariant) {
  const Status nothing = Delete("itm_never_seen");
  EXPECT_TRUE(nothing.ok()) << nothing.error().message;

  MustPut("itm_a", ImageVariant::kThumbnail, image_store_suite::Jpeg("thumbnail", "\"t\""));
  const Status once = Delete("itm_a");
  EXPECT_TRUE(once.ok()) << once.error().message;
  const Status twice = Delete("itm_a");
  EXPECT_TRUE(twice.ok()) << twice.error().message;
  EXPECT_EQ(ErrorOf("itm_a", ImageVariant::kThumbnail), ErrorCode::kNotFound);
}

TEST_P(ImageStoreTest, DeletingOneItemLeavesAnotherItemsImages) {
  // "itm_a" is a prefix of "itm_ab": a delete by prefix would take both.
  for (const std::string item : {"itm_a", "itm_ab", "itm_b"}) {
    MustPut(item, ImageVariant::kOriginal, image_store_suite::Jpeg(item + " original", "\"" + item + "\""));
    MustPut(item, ImageVariant::kThumbnail, image_store_suite::Jpeg(item + " thumbnail", "\"" + item + "\""));
  }

  ASSERT_TRUE(Delete("itm_a").ok());

  EXPECT_EQ(ErrorOf("itm_a", ImageVariant::kOriginal), ErrorCode::kNotFound);
  for (const std::string item : {"itm_ab", "itm_b"}) {
    EXPECT_EQ(MustGet(item, ImageVariant::kOriginal).bytes, item + " original");
    EXPECT_EQ(MustGet(item, ImageVariant::kThumbnail).bytes, item + " thumbnail");
  }
}

TEST_P(ImageStoreTest, ItemIdsOfEveryAllowedCharacterAndTheLongestLengthWork) {
  const std::string longest = "Az09_-" + std::string(122, 'x');
  ASSERT_EQ(longest.size(), 128u);
  MustPut(longest, ImageVariant::kOriginal, image_store_suite::Jpeg("long", "\"l\""));
  MustPut("_", ImageVariant::kOriginal, image_store_suite::Jpeg("short", "\"s\""));

  EXPECT_EQ(MustGet(longest, ImageVariant::kOriginal).bytes, "long");
  EXPECT_EQ(MustGet("_", ImageVariant::kOriginal).bytes, "short");
  EXPECT_TRUE(Delete(longest).ok());
  EXPECT_EQ(ErrorOf(longest, ImageVariant::kOriginal), ErrorCode::kNotFound);
}

TEST_P(ImageStoreTest, AFiveMebibyteImageRoundTrips) {
  const std::string bytes = image_store_suite::Pattern(5 * 1024 * 1024, 7);
  MustPut("itm_big", ImageVariant::kOriginal, image_store_suite::Jpeg(bytes, "\"big\""));

  const StoredImage got = MustGet("itm_big", ImageVariant::kOriginal);

  EXPECT_EQ(got.bytes.size(), bytes.size());
  EXPECT_TRUE(got.bytes == bytes) << "the 5 MiB image came back different";
  EXPECT_EQ(got.etag, "\"big\"");
}

TEST_P(ImageStoreTest, GetsRacingPutsOfOneImageSeeOneOfThemWhole) {
  // Two versions of one image, told apart by their tags; writers put them
  // in turn while readers read. Every read must be one version whole.
  constexpr std::size_t kSize = 256 * 1024;
  constexpr int kRounds = 12;
  const std::string versions[2] = {image_store_suite::Pattern(kSize, 11),
                                   image_store_suite::Pattern(kSize, 12)};
  const std::string tags[2] = {"\"v0\"", "\"v1\""};
  MustPut("itm_race", ImageVariant::kOriginal, image_store_suite::Jpeg(versions[0], tags[0]));

  std::atomic<int> torn{0};
  std::atomic<int> failed{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < 2; ++writer) {
    threads.emplace_back([&, writer] {
      for (int round = 0; round < kRounds; ++round) {
        const int v = (round + writer) % 2;
        const Status put = testing::RunTask(store().PutImage("itm_race", ImageVariant::kOriginal,
                                                             image_store_suite::Jpeg(versions[v], tags[v])));
        if (!put.ok()) failed.fetch_add(1);
      }
    });
  }
  for (int reader = 0; reader < 2; ++reader) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        const Result<StoredImage> got =
            testing::RunTask(store().GetImage("itm_race", ImageVariant::kOriginal));
        if (!got.ok()) {
          failed.fetch_add(1);
          continue;
        }
        reads.fetch_add(1);
        const bool whole = (got->etag == tags[0] && got->bytes == versions[0]) ||
                           (got->etag == tags[1] && got->bytes == versions[1]);
        if (!whole) torn.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(reads.load(), 2 * kRounds);
  EXPECT_EQ(torn.load(), 0) << "a read returned bytes that match neither version under its tag";
}

}  // namespace wdrbe::contract
