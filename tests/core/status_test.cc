#include "redledger/status.h"

#include <gtest/gtest.h>

namespace redledger {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesDetails) {
  Status v = Status::VersionConflict("stale", 7);
  EXPECT_TRUE(v.IsVersionConflict());
  EXPECT_EQ(v.current_version(), 7u);
  Status t = Status::InvalidTransition("no", "closed");
  EXPECT_EQ(t.current_status(), "closed");
  Status f = Status::ValidationFailed({{"title", "too long"}, {"urgency", "unknown"}});
  ASSERT_EQ(f.errors().size(), 2u);
  EXPECT_EQ(f.field(), "title");
  EXPECT_EQ(f.ToString(), "validation_failed: title: too long");
}

TEST(ResultTest, ValueOrStatus) {
  Result<int> a(5);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 5);
  Result<int> b(Status::NotFound("gone"));
  EXPECT_FALSE(b.ok());
  EXPECT_TRUE(b.status().IsNotFound());
}

}  // namespace
}  // namespace redledger
