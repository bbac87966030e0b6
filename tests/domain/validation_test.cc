// Parsing (400: shapes) and validation (422: every field error at once).
#include <gtest/gtest.h>

#include <set>

#include "domain/domain_fixture.h"

namespace redledger::testing {
namespace {

std::set<std::string> Fields(const Status& s) {
  std::set<std::string> out;
  for (const FieldError& e : s.errors()) out.insert(e.field);
  return out;
}

TEST(Parse, ShapesAreInvalidArgumentNamingTheField) {
  struct Case {
    const char* cmd;
    const char* body;
    Status::Code code;
    const char* field;
  } cases[] = {
      {"raise", "{", Status::Code::kInvalidJson, ""},
      {"raise", "[1]", Status::Code::kInvalidJson, ""},
      {"raise", R"({"site_id":1})", Status::Code::kInvalidArgument, "site_id"},
      {"raise", R"({"colour":"red"})", Status::Code::kInvalidArgument, "colour"},
      {"raise", R"({"location":{"compound_id":"c1","floor":3}})", Status::Code::kInvalidArgument, "location.floor"},
      {"raise", R"({"location":"c1"})", Status::Code::kInvalidArgument, "location"},
      {"raise", R"({"reporter":{"phone":138}})", Status::Code::kInvalidArgument, "reporter.phone"},
      {"raise", R"({"attachments":[{"url":"https://x","sha256":"a","size":3}]})", Status::Code::kInvalidArgument,
       "attachments[0].size"},
      {"raise", R"({"attachments":["https://x"]})", Status::Code::kInvalidArgument, "attachments[0]"},
      {"publicize", R"({"notice":"n","days":"7"})", Status::Code::kInvalidArgument, "days"},
      {"publicize", R"({"notice":"n","days":7.5})", Status::Code::kInvalidArgument, "days"},
      {"evaluate", R"({"rating":"satisfied","score":true})", Status::Code::kInvalidArgument, "score"},
      {"accept", R"({"due":"x"})", Status::Code::kInvalidArgument, "due"},
      {"teleport", "{}", Status::Code::kNotFound, ""},
  };
  for (const Case& c : cases) {
    auto r = ParseDemandCommand(c.cmd, c.body);
    EXPECT_EQ(r.status().code(), c.code) << c.cmd << " " << c.body << " -> " << r.status().ToString();
    EXPECT_EQ(r.status().field(), c.field) << c.body;
  }
  // null reads as absent; optional fields may be null.
  EXPECT_TRUE(ParseDemandCommand("accept", R"({"note":null,"due_at":null})").ok());
}

TEST(Validate, RaiseReportsEveryFieldError) {
  World w;
  std::string body = R"({"site_id":"s1","category":"karaoke","title":")" + std::string(201, 'x') +
                     R"(","description":"   ","urgency":"asap","channel":"fax",)"
                     R"("location":{"compound_id":"c2","building":"3","grid_id":"g3"},)"
                     R"("reporter":{"name":"A","phone":"call me"},)"
                     R"("attachments":[{"url":"ftp://x","sha256":"ABC"}]})";
  auto cmd = ParseDemandCommand("raise", body);
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  DecideContext ctx = w.Context();
  ctx.new_demand_id = "d1";
  auto r = DecideDemand(DemandState{}, *cmd, w.resident, kT0, ctx);
  ASSERT_EQ(r.status().code(), Status::Code::kValidationFailed) << r.status().ToString();
  EXPECT_EQ(Fields(r.status()),
            (std::set<std::string>{"category", "title", "description", "urgency", "channel", "location.compound_id",
                                   "location.grid_id", "reporter.phone", "attachments[0].url",
                                   "attachments[0].sha256"}));
}

TEST(Validate, MissingAndUnknownIds) {
  World w;
  DecideContext ctx = w.Context();
  ctx.new_demand_id = "d1";
  auto r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", R"({"site_id":"nowhere"})"), w.supervisor, kT0, ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kForbidden) << "403 before 422";
  Principal anywhere = w.resident;
  anywhere.all_sites = true;
  r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", R"({"site_id":"nowhere"})"), anywhere, kT0, ctx);
  ASSERT_EQ(r.status().code(), Status::Code::kValidationFailed);
  EXPECT_EQ(Fields(r.status()), (std::set<std::string>{"site_id", "category", "title", "description", "urgency",
                                                       "channel", "location", "reporter"}));
}

TEST(Validate, LengthsCountCharactersNotBytes) {
  World w;
  DecideContext ctx = w.Context();
  ctx.new_demand_id = "d1";
  auto raise_with_title = [&](const std::string& title) {
    std::string body = RaiseBody(w);
    size_t at = body.find("电梯停运");
    body.replace(at, std::string("电梯停运").size(), title);
    return DecideDemand(DemandState{}, *ParseDemandCommand("raise", body), w.resident, kT0, ctx);
  };
  std::string han200, han201;
  for (int i = 0; i < 200; ++i) han200 += "梯";  // 600 bytes, 200 characters
  han201 = han200 + "梯";
  EXPECT_TRUE(raise_with_title(han200).ok());
  auto r = raise_with_title(han201);
  EXPECT_EQ(Fields(r.status()), std::set<std::string>{"title"});
  r = raise_with_title("bad \xff utf8");
  ASSERT_EQ(Fields(r.status()), std::set<std::string>{"title"});
  EXPECT_EQ(r.status().errors()[0].message, "must be valid UTF-8");
}

TEST(Validate, GridLeaderMustNameOneOfItsGrids) {
  World w;
  DecideContext ctx = w.Context();
  ctx.new_demand_id = "d1";
  ctx.reporter_subject_id = "r1";
  std::string body = RaiseBody(w);
  std::string no_grid = body;
  no_grid.replace(no_grid.find(R"(,"grid_id":"g1")"), std::string(R"(,"grid_id":"g1")").size(), "");
  auto r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", no_grid), w.grid_leader, kT0, ctx);
  EXPECT_EQ(Fields(r.status()), std::set<std::string>{"location.grid_id"});
  r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", body), w.grid_leader_other, kT0, ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kForbidden);
  r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", body), w.grid_leader, kT0, ctx);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE((*r)[0].data.find(R"("subject_id":"r1")"), std::string::npos);
  // The reporter's name and phone are only in the personal part.
  EXPECT_EQ((*r)[0].data.find("138"), std::string::npos);
  EXPECT_EQ((*r)[0].data.find("张三"), std::string::npos);
  EXPECT_NE((*r)[0].personal.find("张三"), std::string::npos);
  EXPECT_EQ((*r)[0].subject_id, "r1");
}

TEST(Validate, DueTimesAndSupervision) {
  World w;
  DecideContext ctx = w.Context();
  ctx.new_demand_id = "d1";
  Micros now = kT0;
  DemandState s;
  auto apply = [&](const Principal& a, std::string_view cmd, std::string_view body) -> Status {
    auto r = DecideDemand(s, *ParseDemandCommand(cmd, body), a, now, ctx);
    if (!r.ok()) return r.status();
    for (const Envelope& e : w.log.Append(*r, a.ToActor(), now)) s = *EvolveDemand(std::move(s), e);
    return Status::OK();
  };
  ASSERT_TRUE(apply(w.resident, "raise", RaiseBody(w, "urgent")).ok());
  EXPECT_EQ(s.response_due_at, now + 24 * kMicrosPerHour);
  EXPECT_EQ(s.DueInForce(), s.response_due_at);
  Status st = apply(w.supervisor, "supervise", R"({"note":"n","due_at":"2030-01-01T00:00:00Z"})");
  EXPECT_EQ(Fields(st), std::set<std::string>{"due_at"}) << "no resolve due time yet";
  st = apply(w.community, "accept", R"({"due_at":"2020-01-01T00:00:00Z"})");
  EXPECT_EQ(Fields(st), std::set<std::string>{"due_at"}) << "in the past";
  st = apply(w.community, "accept", R"({"due_at":"tomorrow"})");
  EXPECT_EQ(Fields(st), std::set<std::string>{"due_at"});
  ASSERT_TRUE(apply(w.community, "accept", "{}").ok());
  EXPECT_EQ(s.resolve_due_at, now + 72 * kMicrosPerHour);
  ASSERT_TRUE(apply(w.community, "assign", R"({"unit_id":"u1","due_at":"2026-03-10T00:00:00+08:00"})").ok());
  Micros assigned_due = *ParseRfc3339("2026-03-10T00:00:00+08:00");
  EXPECT_EQ(s.resolve_due_at, assigned_due);
  st = apply(w.supervisor, "supervise", R"({"note":"n","due_at":"2026-03-09T00:00:00Z"})");
  EXPECT_EQ(Fields(st), std::set<std::string>{"due_at"}) << "only later";
  ASSERT_TRUE(apply(w.supervisor, "supervise", R"({"note":"n","due_at":"2026-03-12T00:00:00Z"})").ok());
  ASSERT_TRUE(apply(w.supervisor, "supervise", R"({"note":"n"})").ok());
  EXPECT_EQ(s.extensions, 1);
  EXPECT_EQ(s.resolve_due_at, *ParseRfc3339("2026-03-12T00:00:00Z"));
  now += kMicrosPerDay;
  ASSERT_TRUE(apply(w.handler, "resolve", R"({"summary":"done"})").ok());
  EXPECT_EQ(s.evaluation_due_at, now + 7 * kMicrosPerDay);
  now += kMicrosPerHour;
  ASSERT_TRUE(apply(w.resident, "evaluate", R"({"rating":"dissatisfied"})").ok());
  EXPECT_EQ(s.status, DemandStatus::kAssigned);
  EXPECT_EQ(s.assigned_unit, "u1");
  EXPECT_EQ(s.reopen_count, 1);
  EXPECT_EQ(s.resolve_due_at, now + 72 * kMicrosPerHour) << "a reopen sets a new resolve due time";
  st = apply(w.resident, "evaluate", R"({"rating":"satisfied","score":9})");
  EXPECT_EQ(st.code(), Status::Code::kValidationFailed) << "422 before 409";
  st = apply(w.resident, "evaluate", R"({"rating":"satisfied","score":5})");
  EXPECT_EQ(st.code(), Status::Code::kInvalidTransition);
  EXPECT_EQ(st.current_status(), "assigned");
}

TEST(Validate, MarkDuplicateTarget) {
  World w;
  DecideContext ctx = w.Context();
  auto raise = [&](const std::string& id) {
    ctx.new_demand_id = id;
    auto r = DecideDemand(DemandState{}, *ParseDemandCommand("raise", RaiseBody(w)), w.resident, kT0, ctx);
    return *EvolveDemand(DemandState{}, w.log.Append(*r, w.resident.ToActor(), kT0)[0]);
  };
  DemandState a = raise("da"), b = raise("db");
  auto mark = [&](const DemandState& self, const std::string& target_id, const DemandState* target) {
    DecideContext c = w.Context(target);
    return DecideDemand(self, *ParseDemandCommand("mark_duplicate", R"({"duplicate_of":")" + target_id + R"("})"),
                        w.community, kT0, c);
  };
  EXPECT_EQ(Fields(mark(a, "da", &a).status()), std::set<std::string>{"duplicate_of"});
  DemandState missing;
  EXPECT_EQ(Fields(mark(a, "dz", &missing).status()), std::set<std::string>{"duplicate_of"});
  auto ok = mark(a, "db", &b);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].stream, "demand-db");
  EXPECT_EQ((*ok)[1].data, R"({"duplicate_id":"da","subject_id":"res-1"})");
  DemandState closed_b = b;
  closed_b.status = DemandStatus::kClosed;
  EXPECT_EQ(Fields(mark(a, "db", &closed_b).status()), std::set<std::string>{"duplicate_of"});
}

TEST(Phone, Normalisation) {
  EXPECT_EQ(NormalizePhone("+86 138-0000-1234"), "13800001234");
  EXPECT_EQ(NormalizePhone("0086 13800001234"), "13800001234");
  EXPECT_EQ(NormalizePhone("(0451) 8765.4321"), "045187654321");
  EXPECT_EQ(NormalizePhone("1234"), std::nullopt);
  EXPECT_EQ(NormalizePhone("138 0000 12a4"), std::nullopt);
  EXPECT_EQ(NormalizePhone("13+8"), std::nullopt);
}

}  // namespace
}  // namespace redledger::testing
