#include "redledger/clock.h"

#include <gtest/gtest.h>

namespace redledger {
namespace {

TEST(ClockTest, FormatsSixFractionDigits) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(1658390400123456), "2022-07-21T08:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(ClockTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2022-07-21T08:00:00.123456Z"), 1658390400123456);
  EXPECT_EQ(*ParseRfc3339("2022-07-21T16:00:00+08:00"), 1658390400000000);
  EXPECT_EQ(*ParseRfc3339("2022-07-21T08:00:00.1234567Z"), 1658390400123456);  // truncated
  EXPECT_EQ(*ParseRfc3339("2024-02-29T00:00:00Z"), 1709164800000000);
}

TEST(ClockTest, RejectsMalformed) {
  for (const char* bad : {"", "2022-07-21", "2022-07-21T08:00:00", "2022-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2022-07-21T08:00:00.Z", "2022-07-21T08:00:00+8:00", "2022-07-21T08:00:00Zjunk",
                          "2022-07-21 08:00:00Z"})
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
}

TEST(ClockTest, MonthInCityTimeZone) {
  // 20:00 UTC on 31 July is 04:00 on 1 August at +08:00 (DESIGN §5).
  Micros t = *ParseRfc3339("2022-07-31T20:00:00Z");
  EXPECT_EQ(MonthAt(t, 0), (CivilMonth{2022, 7}));
  EXPECT_EQ(MonthAt(t, 480), (CivilMonth{2022, 8}));
  EXPECT_EQ(MonthStart({2022, 8}, 480), *ParseRfc3339("2022-07-31T16:00:00Z"));
  EXPECT_EQ(FormatMonth({2022, 8}), "2022-08");
  EXPECT_EQ(*ParseMonth("2022-12"), (CivilMonth{2022, 12}));
  EXPECT_FALSE(ParseMonth("2022-13").ok());
  EXPECT_EQ(*ParseUtcOffset("+08:00"), 480);
  EXPECT_EQ(*ParseUtcOffset("-03:30"), -210);
  EXPECT_FALSE(ParseUtcOffset("+15:00").ok());
}

TEST(ClockTest, FakeClockIsInjected) {
  FakeClock c(100);
  c.Advance(5);
  EXPECT_EQ(c.NowMicros(), 105);
  c.Set(1);
  EXPECT_EQ(c.NowMicros(), 1);
}

}  // namespace
}  // namespace redledger
