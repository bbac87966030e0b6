// Thousands of random command sequences from many actors, with the clock
// moving and the scheduler running in between. Invariants: the state equals
// the fold of the demand's events; a refused command changes nothing;
// closed and declined demands accept no command; versions are consecutive.
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "domain/domain_fixture.h"
#include "redledger/scheduler.h"

namespace redledger::testing {
namespace {

struct Cmd {
  const char* name;
  std::string body;
};

std::vector<Cmd> Menu(const World& w, const std::string& survivor, Micros now) {
  std::string later = FormatRfc3339(now + 5 * kMicrosPerDay);
  return {
      {"raise", RaiseBody(w, "emergency")},
      {"accept", "{}"},
      {"accept", R"({"note":"ok","due_at":")" + later + R"("})"},
      {"decline", R"({"reason":"not ours"})"},
      {"assign", R"({"unit_id":"u1"})"},
      {"assign", R"({"unit_id":"u2","due_at":")" + later + R"("})"},
      {"return", R"({"reason":"wrong unit"})"},
      {"publicize", R"({"notice":"accepted","days":3})"},
      {"progress", R"({"note":"working","visibility":"internal"})"},
      {"supervise", R"({"note":"hurry"})"},
      {"supervise", R"({"note":"extend","due_at":")" + FormatRfc3339(now + 30 * kMicrosPerDay) + R"("})"},
      {"resolve", R"({"summary":"done"})"},
      {"evaluate", R"({"rating":"satisfied"})"},
      {"evaluate", R"({"rating":"dissatisfied","score":1})"},
      {"close", "{}"},
      {"mark_duplicate", R"({"duplicate_of":")" + survivor + R"("})"},
      {"accept", R"({"due_at":"yesterday"})"},  // invalid
      {"resolve", "{}"},                         // invalid
  };
}

TEST(DemandRandom, InvariantsHoldOverRandomSequences) {
  World w;
  std::mt19937_64 rng(20260302);
  const std::vector<const Principal*> actors = {
      &w.resident,  &w.resident_other, &w.grid_leader, &w.grid_leader_other, &w.handler,  &w.handler_other,
      &w.community, &w.community_other, &w.supervisor, &w.inspector,        &w.admin};

  // An open demand that others may be marked duplicates of.
  DemandState survivor;
  {
    DecideContext ctx = w.Context();
    ctx.new_demand_id = "survivor";
    auto r = DecideDemand(survivor, *ParseDemandCommand("raise", RaiseBody(w)), w.resident, kT0, ctx);
    survivor = *EvolveDemand(survivor, w.log.Append(*r, w.resident.ToActor(), kT0)[0]);
  }

  size_t accepted = 0, refused = 0, scheduled = 0, terminal_attempts = 0;
  for (int seq = 0; seq < 5000; ++seq) {
    DemandState s;
    s.id = "r" + std::to_string(seq);
    std::vector<Envelope> log;
    Micros now = kT0 + seq * kMicrosPerHour;
    int steps = 5 + static_cast<int>(rng() % 20);
    for (int step = 0; step < steps; ++step) {
      now += static_cast<Micros>(rng() % (30 * kMicrosPerHour));
      if (rng() % 4 == 0) {  // a scheduler pass
        auto due = ScheduledEvents(s, now);
        scheduled += due.size();
        for (const Envelope& e : w.log.Append(due, Actor::Scheduler(), now)) {
          ASSERT_EQ(e.version, s.version + 1);
          s = *EvolveDemand(std::move(s), e);
          log.push_back(e);
        }
        if (auto d = s.DueInForce(); d && now > *d) {
          ASSERT_TRUE(s.Overdue());
        }
      }
      auto menu = Menu(w, survivor.id, now);
      const Cmd& c = step == 0 && rng() % 5 ? menu[0] : menu[rng() % menu.size()];
      // Half the time the actor the table names for the command, else anyone.
      const Principal* named = &w.community;
      std::string_view n = c.name;
      if (n == "raise" || n == "evaluate") named = rng() % 2 ? &w.resident : &w.grid_leader;
      if (n == "return" || n == "progress" || n == "resolve") named = rng() % 2 ? &w.handler : &w.handler_other;
      if (n == "supervise") named = &w.supervisor;
      const Principal& actor = rng() % 2 ? *named : *actors[rng() % actors.size()];
      auto cmd = ParseDemandCommand(c.name, c.body);
      ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
      DecideContext ctx = w.Context(&survivor);
      ctx.new_demand_id = s.id;
      ctx.reporter_subject_id = "subject-" + std::to_string(seq);
      const DemandState before = s;
      bool terminal = s.status == DemandStatus::kClosed || s.status == DemandStatus::kDeclined;
      auto events = DecideDemand(s, *cmd, actor, now, ctx);
      if (terminal) {
        ++terminal_attempts;
        ASSERT_FALSE(events.ok()) << c.name << " accepted on a " << DemandStatusName(s.status) << " demand";
      }
      if (!events.ok()) {
        ++refused;
        ASSERT_EQ(s, before);
        continue;
      }
      ++accepted;
      ASSERT_FALSE(events->empty());
      for (const Envelope& e : w.log.Append(*events, actor.ToActor(), now)) {
        if (e.stream != DemandStream(s.id)) {
          ASSERT_EQ(e.type, "demand.reporter_linked");
          continue;
        }
        ASSERT_EQ(e.version, s.version + 1) << "versions are consecutive";
        auto next = EvolveDemand(std::move(s), e);
        ASSERT_TRUE(next.ok()) << next.status().ToString();
        s = std::move(*next);
        log.push_back(e);
      }
      auto fold = FoldDemand(log);
      ASSERT_TRUE(fold.ok());
      ASSERT_EQ(*fold, s) << "state equals the fold of its events";
      ASSERT_EQ(s.version, log.size());
      ASSERT_TRUE(!IsOpen(s.status) || s.DueInForce().has_value());
      ASSERT_TRUE(s.status != DemandStatus::kClosed || s.close_reason.has_value());
      ASSERT_TRUE(s.status != DemandStatus::kAssigned || s.assigned_unit.has_value());
    }
  }
  // The sweep exercised every kind of outcome in volume.
  EXPECT_GT(accepted, 6000u);
  EXPECT_GT(refused, 20000u);
  EXPECT_GT(scheduled, 1500u);
  EXPECT_GT(terminal_attempts, 2500u);
  std::cout << accepted << " accepted, " << refused << " refused, " << scheduled << " scheduled, "
            << terminal_attempts << " on closed or declined demands\n";
}

}  // namespace
}  // namespace redledger::testing
