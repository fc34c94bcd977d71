// OpenBackendForAdmin: the operator commands (`wdrbe dlq`) work on a data
// directory's existing database and never create one.
#include "wdrbe/app/backends.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/fake_clock.hpp"
#include "testing/seeded_random.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/app/data_dir_layout.hpp"

namespace wdrbe::app {
namespace {

TEST(OpenBackendForAdminTest, AMissingDatabaseIsNotFoundAndNotCreated) {
  testing::TempDir dir;
  testing::FakeClock clock;
  testing::SeededRandom random(1);
  const BackendDependencies deps{clock, random, nullptr};

  Result<Backend> empty_dir = OpenBackendForAdmin(BackendChoice{.data_dir = dir.path().string()}, deps);
  Result<Backend> no_dir =
      OpenBackendForAdmin(BackendChoice{.data_dir = (dir.path() / "no-such-dir").string()}, deps);

  ASSERT_FALSE(empty_dir.ok());
  EXPECT_EQ(empty_dir.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / kDatabaseFile));
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "no-such-dir"));
}

}  // namespace
}  // namespace wdrbe::app
