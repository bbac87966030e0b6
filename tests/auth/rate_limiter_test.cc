#include <gtest/gtest.h>

#include "redledger/auth.h"

namespace redledger {
namespace {

TEST(RateLimiterTest, BurstThenRate) {
  FakeClock clock(1'000'000);
  RateLimiter limiter(2.0, 3.0, &clock);  // 2/s, bursts of 3
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_FALSE(limiter.Allow("p"));
  clock.Advance(kMicrosPerSecond / 2);  // one token back
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_FALSE(limiter.Allow("p"));
}

TEST(RateLimiterTest, PrincipalsHaveTheirOwnBuckets) {
  FakeClock clock(0);
  RateLimiter limiter(1.0, 1.0, &clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
}

TEST(RateLimiterTest, RefillStopsAtTheBurst) {
  FakeClock clock(0);
  RateLimiter limiter(1.0, 2.0, &clock);
  EXPECT_TRUE(limiter.Allow("p"));
  clock.Advance(100 * kMicrosPerSecond);
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_TRUE(limiter.Allow("p"));
  EXPECT_FALSE(limiter.Allow("p"));
}

}  // namespace
}  // namespace redledger
