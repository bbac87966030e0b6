// The scheduler's pure decisions (exactly-once against a store is in
// command_service_test.cc).
#include "redledger/scheduler.h"

#include <gtest/gtest.h>

#include "domain/domain_fixture.h"

namespace redledger::testing {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  Status Do(const Principal& a, std::string_view cmd, std::string_view body) {
    DecideContext ctx = w.Context();
    ctx.new_demand_id = "d1";
    auto r = DecideDemand(s, *ParseDemandCommand(cmd, body), a, now, ctx);
    if (!r.ok()) return r.status();
    Fold(w.log.Append(*r, a.ToActor(), now));
    return Status::OK();
  }
  std::vector<std::string> Tick() {
    std::vector<std::string> types;
    auto events = ScheduledEvents(s, now);
    for (const auto& e : events) types.push_back(e.type + ":" + e.data);
    Fold(w.log.Append(events, Actor::Scheduler(), now));
    return types;
  }
  void Fold(const std::vector<Envelope>& events) {
    for (const Envelope& e : events) s = *EvolveDemand(std::move(s), e);
  }
  World w;
  DemandState s;
  Micros now = kT0;
};

TEST_F(SchedulerTest, OverdueOncePerDueTime) {
  ASSERT_TRUE(Do(w.resident, "raise", RaiseBody(w, "emergency")).ok());
  EXPECT_EQ(NextWakeup(s), kT0 + 2 * kMicrosPerHour + 1);
  now = kT0 + 2 * kMicrosPerHour;
  EXPECT_TRUE(Tick().empty()) << "due, not yet past";
  now += 1;
  EXPECT_EQ(Tick(), std::vector<std::string>{R"(demand.overdue:{"due_at":"2026-03-02T02:00:00.000000Z","kind":"response"})"});
  EXPECT_TRUE(s.Overdue());
  EXPECT_EQ(NextWakeup(s), std::nullopt);
  now += kMicrosPerDay;
  EXPECT_TRUE(Tick().empty()) << "once per due time";

  ASSERT_TRUE(Do(w.community, "accept", "{}").ok());
  EXPECT_FALSE(s.Overdue()) << "cleared when the status moves on";
  ASSERT_TRUE(Do(w.community, "assign", R"({"unit_id":"u1"})").ok());
  now = *s.resolve_due_at + 1;
  EXPECT_EQ(Tick().size(), 1u);
  EXPECT_TRUE(s.Overdue());
  ASSERT_TRUE(Do(w.supervisor, "supervise", R"({"note":"n","due_at":")" + FormatRfc3339(now + kMicrosPerDay) + R"("})").ok());
  EXPECT_FALSE(s.Overdue()) << "cleared when the due time is extended";
  EXPECT_TRUE(Tick().empty());
  now += kMicrosPerDay + 1;
  EXPECT_EQ(Tick().size(), 1u) << "the extended due time passes too";
  EXPECT_TRUE(Tick().empty());
}

TEST_F(SchedulerTest, EvaluationWindowClosesResolvedDemands) {
  ASSERT_TRUE(Do(w.resident, "raise", RaiseBody(w)).ok());
  ASSERT_TRUE(Do(w.community, "accept", "{}").ok());
  ASSERT_TRUE(Do(w.community, "assign", R"({"unit_id":"u1"})").ok());
  ASSERT_TRUE(Do(w.handler, "resolve", R"({"summary":"done"})").ok());
  Micros window_end = now + 7 * kMicrosPerDay;
  EXPECT_EQ(NextWakeup(s), window_end);
  now = window_end - 1;
  EXPECT_TRUE(Tick().empty());
  now = window_end;
  EXPECT_EQ(Tick(), std::vector<std::string>{
                        R"(demand.closed:{"duplicate_of":null,"note":null,"reason":"evaluation_window_elapsed"})"});
  EXPECT_EQ(s.status, DemandStatus::kClosed);
  EXPECT_TRUE(Tick().empty());
  EXPECT_EQ(NextWakeup(s), std::nullopt);
}

TEST_F(SchedulerTest, EventIdsAreDeterministicPerState) {
  ASSERT_TRUE(Do(w.resident, "raise", RaiseBody(w, "emergency")).ok());
  now += kMicrosPerDay;
  auto a = ScheduledEvents(s, now), b = ScheduledEvents(s, now + 5);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(ScheduledEventId(s, a[0]), ScheduledEventId(s, b[0]));
  EXPECT_TRUE(IsUuid(ScheduledEventId(s, a[0])));
}

}  // namespace
}  // namespace redledger::testing
