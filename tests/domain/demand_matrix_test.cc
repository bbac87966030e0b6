// The full matrix of DESIGN §2's lifecycle table: every (status, command,
// actor) triple, allowed or refused, and the events an allowed one appends.
// The oracle below is written from the table and §3, independently of the
// implementation's structure.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "domain/domain_fixture.h"

namespace redledger::testing {
namespace {

struct Outcome {
  Status::Code code = Status::Code::kOk;
  std::vector<std::string> types;  // allowed: the event types, in order
  DemandStatus after = DemandStatus::kNone;
};

class Matrix : public ::testing::Test {
 protected:
  // A demand driven to `status` by the actors the table names.
  DemandState Drive(const std::string& path) {
    DemandState s;
    auto run = [&](const Principal& a, std::string_view cmd, std::string body, const DemandState* target = nullptr) {
      auto c = ParseDemandCommand(cmd, body);
      EXPECT_TRUE(c.ok()) << c.status().ToString();
      DecideContext ctx = w.Context(target);
      ctx.new_demand_id = "d" + std::to_string(++next_id_);
      auto events = DecideDemand(s, *c, a, now_, ctx);
      EXPECT_TRUE(events.ok()) << path << " " << cmd << ": " << events.status().ToString();
      for (const Envelope& e : w.log.Append(*events, a.ToActor(), now_)) {
        if (e.stream != DemandStream(ctx.new_demand_id) && e.stream != DemandStream(s.id)) continue;
        s = *EvolveDemand(std::move(s), e);
      }
    };
    run(w.resident, "raise", RaiseBody(w));
    if (path == "raised") return s;
    if (path == "declined") {
      run(w.community, "decline", R"({"reason":"not a property matter"})");
      return s;
    }
    if (path == "closed_duplicate") {
      DemandState target = survivor_;
      run(w.community, "mark_duplicate", R"({"duplicate_of":")" + target.id + R"("})", &target);
      return s;
    }
    run(w.community, "accept", "{}");
    if (path == "accepted") return s;
    run(w.community, "assign", R"({"unit_id":"u1"})");
    if (path == "assigned") return s;
    run(w.handler, "resolve", R"({"summary":"fixed"})");
    if (path == "resolved") return s;
    run(w.resident, "evaluate", R"({"rating":"satisfied","score":5})");
    return s;  // closed
  }

  void SetUp() override { survivor_ = Drive("raised"); }  // an open demand at s1 for mark_duplicate

  World w;
  Micros now_ = kT0 + kMicrosPerHour;
  int next_id_ = 0;
  DemandState survivor_;
};

struct CommandCase {
  std::string name;   // the URL command
  std::string label;  // for messages ("evaluate_dissatisfied")
  std::string body;
};

std::vector<CommandCase> Commands(const World& w, const std::string& survivor) {
  return {
      {"raise", "raise", RaiseBody(w)},
      {"accept", "accept", R"({"note":"立项"})"},
      {"decline", "decline", R"({"reason":"duplicate of a city project"})"},
      {"assign", "assign", R"({"unit_id":"u1","note":"please fix"})"},
      {"return", "return", R"({"reason":"wrong unit"})"},
      {"publicize", "publicize", R"({"notice":"Lift repair accepted","days":7})"},
      {"progress", "progress", R"({"note":"parts ordered","visibility":"public"})"},
      {"supervise", "supervise", R"({"note":"hurry"})"},
      {"resolve", "resolve", R"({"summary":"lift repaired"})"},
      {"evaluate", "evaluate", R"({"rating":"basically_satisfied"})"},
      {"evaluate", "evaluate_dissatisfied", R"({"rating":"dissatisfied","comment":"still noisy"})"},
      {"close", "close", R"({"note":"no answer from the reporter"})"},
      {"mark_duplicate", "mark_duplicate", R"({"duplicate_of":")" + survivor + R"("})"},
  };
}

// DESIGN §2 table and §3, as data.
Outcome Expected(const World& w, const DemandState& s, const CommandCase& c, const Principal& a) {
  using S = DemandStatus;
  using Set = std::set<S>;
  const Set open = {S::kRaised, S::kAccepted, S::kAssigned};
  struct Row {
    std::function<bool()> who;
    Set from;
    std::vector<std::string> types;
    std::optional<S> to;  // nullopt: unchanged
  };
  auto community = [&] { return a.role == Role::kCommunity && a.InScope(s.site_id); };
  auto unit_handler = [&] { return a.role == Role::kHandler && s.assigned_unit && a.unit_id == s.assigned_unit; };
  auto reporter = [&] {
    return (a.role == Role::kResident && a.id == s.reporter_subject_id) ||
           (a.role == Role::kGridLeader && s.grid_id && a.HasGrid(*s.grid_id));
  };
  std::map<std::string, Row> table = {
      {"raise", {[&] { return (a.role == Role::kResident && a.InScope(w.s1)) || (a.role == Role::kGridLeader && a.HasGrid(w.g1)); }, {S::kNone}, {"demand.raised"}, S::kRaised}},
      {"accept", {community, {S::kRaised}, {"demand.accepted"}, S::kAccepted}},
      {"decline", {community, {S::kRaised}, {"demand.declined"}, S::kDeclined}},
      {"assign", {community, {S::kAccepted, S::kAssigned}, {"demand.assigned"}, S::kAssigned}},
      {"return", {unit_handler, {S::kAssigned}, {"demand.returned"}, S::kAccepted}},
      {"publicize", {community, {S::kAccepted, S::kAssigned}, {"demand.publicized"}, std::nullopt}},
      {"progress", {unit_handler, {S::kAssigned}, {"demand.progress_reported"}, std::nullopt}},
      {"supervise", {[&] { return a.role == Role::kSupervisor; }, open, {"demand.supervised"}, std::nullopt}},
      {"resolve", {unit_handler, {S::kAssigned}, {"demand.resolved"}, S::kResolved}},
      {"evaluate", {reporter, {S::kResolved}, {"demand.evaluated", "demand.closed"}, S::kClosed}},
      {"evaluate_dissatisfied", {reporter, {S::kResolved}, {"demand.evaluated", "demand.reopened"}, S::kAssigned}},
      {"close", {community, {S::kResolved}, {"demand.closed"}, S::kClosed}},
      {"mark_duplicate", {community, open, {"demand.closed", "demand.reporter_linked"}, S::kClosed}},
  };
  const Row& row = table.at(c.label);
  auto refused = [](Status::Code code) { return Outcome{code, {}, DemandStatus::kNone}; };
  if (c.name != "raise" && s.version == 0) return refused(Status::Code::kNotFound);
  if (!row.who()) return refused(Status::Code::kForbidden);
  if (!row.from.count(s.status)) return refused(Status::Code::kInvalidTransition);
  return {Status::Code::kOk, row.types, row.to.value_or(s.status)};
}

TEST_F(Matrix, EveryStatusCommandAndActor) {
  const std::vector<std::string> paths = {"none", "raised", "accepted", "assigned", "resolved", "closed",
                                          "closed_duplicate", "declined"};
  const std::vector<const Principal*> actors = {
      &w.resident,  &w.resident_other, &w.grid_leader, &w.grid_leader_other, &w.handler,  &w.handler_other,
      &w.community, &w.community_other, &w.supervisor, &w.inspector,        &w.admin};
  size_t allowed = 0, refused = 0;
  for (const std::string& path : paths) {
    for (const CommandCase& c : Commands(w, survivor_.id)) {
      for (const Principal* a : actors) {
        DemandState s;
        if (path != "none") s = Drive(path);
        s.id = s.id.empty() ? "d-none" : s.id;
        SCOPED_TRACE(path + " / " + c.label + " / " + a->id);
        auto cmd = ParseDemandCommand(c.name, c.body);
        ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
        DecideContext ctx = w.Context(&survivor_);
        ctx.new_demand_id = "d-new-" + std::to_string(++next_id_);
        ctx.reporter_subject_id = "subject-of-phone";
        Outcome want = Expected(w, s, c, *a);
        auto got = DecideDemand(s, *cmd, *a, now_, ctx);
        ASSERT_EQ(got.status().code(), want.code) << got.status().ToString();
        if (!got.ok()) {
          ++refused;
          if (want.code == Status::Code::kInvalidTransition) {
            EXPECT_EQ(got.status().current_status(), DemandStatusName(s.status));
          }
          if (want.code == Status::Code::kForbidden) {
            EXPECT_NE(got.status().message().find("permission"), std::string::npos) << got.status().message();
          }
          continue;
        }
        ++allowed;
        std::vector<std::string> types;
        for (const DomainEvent& e : *got) types.push_back(e.type);
        EXPECT_EQ(types, want.types);
        DemandState after = s;
        std::string own = DemandStream(c.name == "raise" ? ctx.new_demand_id : s.id);
        for (const Envelope& e : w.log.Append(*got, a->ToActor(), now_)) {
          if (e.stream == own) {
            auto next = EvolveDemand(std::move(after), e);
            ASSERT_TRUE(next.ok()) << next.status().ToString();
            after = std::move(*next);
          } else {
            EXPECT_EQ(e.stream, DemandStream(survivor_.id));
          }
        }
        EXPECT_EQ(after.status, want.after);
      }
    }
  }
  // Sanity of the sweep itself: both outcomes occur in volume.
  EXPECT_EQ(allowed, 22u);
  EXPECT_GT(refused, 800u);
}

TEST_F(Matrix, EvaluationByGridLeaderOnBehalfOfResident) {
  DemandState s = Drive("resolved");
  auto cmd = ParseDemandCommand("evaluate", R"({"rating":"satisfied"})");
  auto got = DecideDemand(s, *cmd, w.grid_leader, now_, w.Context());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  got = DecideDemand(s, *cmd, w.grid_leader_other, now_, w.Context());
  EXPECT_EQ(got.status().code(), Status::Code::kForbidden);
}

TEST_F(Matrix, RevokedPrincipalIsRefused) {
  DemandState s = Drive("raised");
  Principal revoked = w.community;
  revoked.revoked = true;
  auto got = DecideDemand(s, *ParseDemandCommand("accept", "{}"), revoked, now_, w.Context());
  EXPECT_EQ(got.status().code(), Status::Code::kForbidden);
}

}  // namespace
}  // namespace redledger::testing
