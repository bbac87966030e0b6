// The score fold over events written by the real command path
// (CommandService), so the fold reads the domain's event data as it is.
#include <gtest/gtest.h>

#include "redledger/command_service.h"
#include "redledger/score_projection.h"
#include "scoring/score_log.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

using testing::T;

class DomainEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = Vault::Open(dir_.path() + "/vault", VaultOptions{.sync = false});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vault_ = std::move(*v);
    store_ = NewMemoryEventStore(StoreOptions{.sync = false, .clock = &clock_});
    auto s = CommandService::Open(store_.get(), vault_.get(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    svc_ = std::move(*s);
    admin_.id = "admin";
    admin_.role = Role::kAdmin;
    admin_.all_sites = true;
    Must(svc_->RunRegistryCommand(admin_, "register_site", "",
                                  R"({"site_id":"s1","name":"One","district":"Daoli","street":"Jingwei","community":"C","construction_mode":"separate"})",
                                  {}));
    compound_ = Must(svc_->RunRegistryCommand(admin_, "register_compound", "s1", R"({"name":"Garden"})", {})).id;
    unit_ = Must(svc_->RunRegistryCommand(admin_, "register_unit", "", R"({"name":"P","kind":"property_branch"})", {})).id;
    resident_ = Who(R"({"name":"R","role":"resident","sites":["s1"]})");
    community_ = Who(R"({"name":"C","role":"community","sites":["s1"]})");
    handler_ = Who(R"({"name":"H","role":"handler","sites":["s1"],"unit_id":")" + unit_ + R"("})");
    supervisor_ = Who(R"({"name":"S","role":"supervisor","sites":"*"})");
  }

  CommandResult Must(Result<CommandResult> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }
  Principal Who(const std::string& body) {
    auto r = Must(svc_->RegisterPrincipal(admin_, body, {}));
    return *svc_->Snapshot()->principals.Find(r.id);
  }
  std::string Raise() {
    return Must(svc_->Raise(resident_,
                            R"({"site_id":"s1","category":"water","title":"No water","description":"d","urgency":"routine","channel":"hotline","location":{"compound_id":")" +
                                compound_ + R"(","building":"7"},"reporter":{"name":"N","phone":"13800001234"}})",
                            {}))
        .id;
  }
  void Do(const Principal& p, const std::string& id, std::string_view cmd, const std::string& body) {
    Must(svc_->Demand(p, id, cmd, body, {}));
  }

  testing::TempDir dir_;
  FakeClock clock_{T("2022-08-01T02:00:00Z")};
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandService> svc_;
  Principal admin_, resident_, community_, handler_, supervisor_;
  std::string compound_, unit_;
};

TEST_F(DomainEvents, TheFoldCountsTheCommandPathsEvents) {
  const std::string assign = R"({"unit_id":")" + unit_ + R"("})";
  // a: publicised, its due time extended by a supervisor, resolved late for the
  // first due time but on time for the extended one, basically satisfied.
  std::string a = Raise();
  clock_.Advance(kMicrosPerHour);
  Do(community_, a, "accept", R"({"due_at":"2022-08-02T02:00:00Z"})");
  Do(community_, a, "publicize", R"({"notice":"n","days":7})");
  Do(community_, a, "assign", assign);
  Do(supervisor_, a, "supervise", R"({"note":"hurry","due_at":"2022-08-05T02:00:00Z"})");
  clock_.Set(T("2022-08-03T02:00:00Z"));
  Do(handler_, a, "resolve", R"({"summary":"done"})");
  Do(resident_, a, "evaluate", R"({"rating":"basically_satisfied"})");
  // b: declined in time. c: marked a duplicate of d (out of every score).
  std::string b = Raise();
  Do(community_, b, "decline", R"({"reason":"not ours"})");
  std::string c = Raise();
  // d: returned, reassigned, resolved, dissatisfied: reopened.
  std::string d = Raise();
  Do(community_, c, "mark_duplicate", R"({"duplicate_of":")" + d + R"("})");
  Do(community_, d, "accept", "{}");
  Do(community_, d, "assign", assign);
  Do(handler_, d, "return", R"({"reason":"wrong unit"})");
  Do(community_, d, "assign", assign);
  Do(handler_, d, "resolve", R"({"summary":"done"})");
  Do(resident_, d, "evaluate", R"({"rating":"dissatisfied"})");

  ScoreProjection p(store_.get());
  ASSERT_TRUE(p.CatchUp().ok());
  ScoreBook book;
  ASSERT_TRUE(store_->Scan(0, store_->Head(), [&](const Envelope& e) { return book.Apply(e).ok(); }).ok());
  PeriodScores s = book.Scores(CivilMonth{2022, 8}, book.position());
  ASSERT_EQ(s.sites.size(), 1u);
  const ScoreCounts& n = s.sites[0].counts;
  EXPECT_EQ(n.raised, 3);
  EXPECT_EQ(n.responded_on_time, 3);
  EXPECT_EQ(n.accepted, 2);
  EXPECT_EQ(n.declined, 1);
  EXPECT_EQ(n.assigned, 2);
  EXPECT_EQ(n.returned, 1);
  EXPECT_EQ(n.resolved, 2);
  EXPECT_EQ(n.resolved_not_reopened, 1);
  EXPECT_EQ(n.resolved_on_time, 2);
  EXPECT_EQ(n.reopened, 1);
  EXPECT_EQ(n.evaluated, 2);
  EXPECT_EQ(n.basically_satisfied, 1);
  EXPECT_EQ(n.dissatisfied, 1);
  EXPECT_EQ(n.publicized_before_resolution, 1);
  EXPECT_EQ(*p.Scores(CivilMonth{2022, 8}, std::nullopt), ScoresJson(s));
}

}  // namespace
}  // namespace redledger
