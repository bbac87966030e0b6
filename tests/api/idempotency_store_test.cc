// IdempotencyStore: records survive reopening, expire after the TTL, and
// the sweep deletes what expired (only that).
#include "redledger/api.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace redledger::testing {
namespace {

TEST(IdempotencyStoreTest, KeepsRecordsDurablyUntilTheyExpire) {
  TempDir dir;
  FakeClock clock(1'000'000);
  api::IdempotencyStore::Record record{Sha256("POST /v1/demands\n{}"), 201, R"({"demand_id":"d-1"})"};
  {
    auto store = api::IdempotencyStore::Open(dir.path(), &clock, std::chrono::seconds(60));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put("p-1", "k", record).ok());
  }
  auto store = api::IdempotencyStore::Open(dir.path(), &clock, std::chrono::seconds(60));
  ASSERT_TRUE(store.ok());
  auto found = (*store)->Find("p-1", "k");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, 201);
  EXPECT_EQ((*found)->body, record.body);
  EXPECT_EQ((*found)->request_hash, record.request_hash);
  EXPECT_FALSE((*store)->Find("p-2", "k")->has_value());  // per principal
  EXPECT_FALSE((*store)->Find("p-1", "k2")->has_value());

  clock.Advance(30 * kMicrosPerSecond);
  ASSERT_TRUE((*store)->Put("p-1", "later", record).ok());
  EXPECT_EQ(*(*store)->Sweep(), 0u);
  clock.Advance(31 * kMicrosPerSecond);  // "k" expired, "later" not
  EXPECT_FALSE((*store)->Find("p-1", "k")->has_value());
  EXPECT_EQ(*(*store)->Sweep(), 1u);
  EXPECT_TRUE((*store)->Find("p-1", "later")->has_value());
  clock.Advance(60 * kMicrosPerSecond);
  EXPECT_EQ(*(*store)->Sweep(), 1u);
  EXPECT_EQ(*(*store)->Sweep(), 0u);
}

TEST(IdempotencyStoreTest, ARewrittenKeyKeepsItsNewExpiry) {
  TempDir dir;
  FakeClock clock(1'000'000);
  auto store = api::IdempotencyStore::Open(dir.path(), &clock, std::chrono::seconds(60));
  ASSERT_TRUE(store.ok());
  api::IdempotencyStore::Record record{Sha256("x"), 200, "{}"};
  ASSERT_TRUE((*store)->Put("p", "k", record).ok());
  clock.Advance(50 * kMicrosPerSecond);
  ASSERT_TRUE((*store)->Put("p", "k", record).ok());
  clock.Advance(20 * kMicrosPerSecond);  // the first expiry passed, the second not
  EXPECT_EQ(*(*store)->Sweep(), 1u);     // the stale index entry only
  EXPECT_TRUE((*store)->Find("p", "k")->has_value());
}

}  // namespace
}  // namespace redledger::testing
