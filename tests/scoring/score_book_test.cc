// Hand-computed fixtures for DESIGN §5: each rate, the composite, empty
// denominators, the basically-satisfied factor, returns and reopens, on-time
// by the due time in force, duplicates, the month boundary, policy changes.
#include "redledger/scoring.h"

#include <gtest/gtest.h>

#include "redledger/codec.h"
#include "scoring/score_log.h"

namespace redledger {
namespace {

using testing::ScoreLog;
using testing::T;

constexpr CivilMonth kJul{2022, 7}, kAug{2022, 8}, kSep{2022, 9};
constexpr Micros kH = kMicrosPerHour;

ScoreEntry SiteOf(const PeriodScores& s, const std::string& id) {
  for (const ScoreEntry& e : s.sites)
    if (e.id == id) return e;
  ADD_FAILURE() << "no site " << id;
  return ScoreEntry{};
}

const RateScore& RateOf(const ScoreEntry& e, std::string_view name) {
  for (const RateScore& r : e.rates)
    if (r.name == name) return r;
  ADD_FAILURE() << "no rate " << name;
  static RateScore none;
  return none;
}

// Five demands of one site in August covering every rate (see each comment).
class EveryRate : public ::testing::Test {
 protected:
  void SetUp() override {
    const Micros t = T("2022-08-01T02:00:00Z");  // 10:00 in +08:00
    log.Site("s1", "Daoli", "Jingwei", t - kH);
    // d1: on time throughout, publicised, satisfied.
    log.Raise("d1", "s1", t, t + 72 * kH);
    log.Accept("d1", t + 1 * kH, t + 360 * kH);
    log.Assign("d1", t + 2 * kH, t + 360 * kH);
    log.Publicize("d1", t + 3 * kH);
    // d2: accepted late, resolved late, basically satisfied.
    log.Raise("d2", "s1", t + 4 * kH, t + 5 * kH);
    log.Accept("d2", t + 6 * kH, t + 10 * kH);
    log.Assign("d2", t + 7 * kH, t + 10 * kH);
    // d3: declined on time.
    log.Raise("d3", "s1", t + 8 * kH, t + 80 * kH);
    log.Decline("d3", t + 9 * kH);
    log.Resolve("d2", t + 11 * kH);
    log.Evaluate("d2", "basically_satisfied", t + 12 * kH);
    // d4: returned once, resolved on time, dissatisfied, reopened: back in assigned.
    log.Raise("d4", "s1", t + 13 * kH, t + 80 * kH);
    log.Accept("d4", t + 14 * kH, t + 100 * kH);
    log.Assign("d4", t + 15 * kH, t + 100 * kH);
    log.Return("d4", t + 16 * kH);
    log.Assign("d4", t + 17 * kH, t + 100 * kH);
    log.Resolve("d4", t + 18 * kH);
    log.Evaluate("d4", "dissatisfied", t + 19 * kH);
    log.Reopen("d4", t + 19 * kH, t + 200 * kH);
    log.Resolve("d1", t + 20 * kH);
    log.Evaluate("d1", "satisfied", t + 21 * kH);
    // d5: raised, not yet responded to.
    log.Raise("d5", "s1", t + 22 * kH, t + 94 * kH);
  }
  ScoreLog log;
};

TEST_F(EveryRate, CountsRatesAndCompositeMatchTheHandComputation) {
  PeriodScores s = log.book().Scores(kAug, log.head());
  const ScoreEntry e = SiteOf(s, "s1");
  ScoreCounts want;
  want.raised = 5;
  want.responded_on_time = 3;  // d1, d3, d4
  want.accepted = 3;           // d1, d2, d4
  want.declined = 1;
  want.assigned = 3;
  want.returned = 1;
  want.resolved = 3;
  want.resolved_not_reopened = 2;  // d4 is back in assigned
  want.resolved_on_time = 2;       // d1, d4
  want.reopened = 1;
  want.evaluated = 3;
  want.satisfied = 1;
  want.basically_satisfied = 1;
  want.dissatisfied = 1;
  want.publicized_before_resolution = 1;
  EXPECT_EQ(e.counts, want);

  EXPECT_EQ(RateOf(e, "response").rate_x100, 6000);
  EXPECT_EQ(RateOf(e, "resolution").rate_x100, 6667);  // 2/3 rounds up
  EXPECT_EQ(RateOf(e, "on_time").rate_x100, 6667);
  EXPECT_EQ(RateOf(e, "satisfaction").numerator, 1900);  // 1000 + 900
  EXPECT_EQ(RateOf(e, "satisfaction").denominator, 3000);
  EXPECT_EQ(RateOf(e, "satisfaction").rate_x100, 6333);
  EXPECT_EQ(RateOf(e, "return").rate_x100, 3333);
  EXPECT_EQ(RateOf(e, "reopen").rate_x100, 3333);
  EXPECT_EQ(RateOf(e, "publicity").rate_x100, 3333);
  // (10·6000 + 50·6667 + 40·6333) / 100 = 6466.70 -> 64.67
  EXPECT_EQ(e.composite_x100, 6467);
  EXPECT_EQ(RateOf(e, "response").points_x100, 600);
  EXPECT_EQ(RateOf(e, "resolution").points_x100, 3334);  // 3333.5 rounds half up
  EXPECT_EQ(RateOf(e, "satisfaction").points_x100, 2533);
  EXPECT_EQ(RateOf(e, "on_time").points_x100, 0);  // weight 0 under the default policy
  EXPECT_EQ(e.rank, 1);
}

TEST_F(EveryRate, CountsFollowTheStateAtTheCutoff) {
  // Before d4's reopen (position of its dissatisfied evaluation), d4 is resolved and stands.
  uint64_t before_reopen = 0;
  for (const Envelope& ev : log.events())
    if (ev.type == "demand.reopened") before_reopen = ev.position - 1;
  const ScoreEntry e = SiteOf(log.book().Scores(kAug, before_reopen), "s1");
  EXPECT_EQ(e.counts.resolved_not_reopened, 2);  // d2, d4 (d1 resolves later)
  EXPECT_EQ(e.counts.reopened, 0);
  EXPECT_EQ(e.counts.raised, 4);  // d5 not raised yet
  EXPECT_EQ(e.counts.dissatisfied, 1);
}

TEST(Scoring, EmptyDenominatorsAreNullAndTheirWeightIsSharedProRata) {
  ScoreLog log;
  const Micros t = T("2022-08-10T00:00:00Z");
  log.Site("a", "D", "S", t);
  log.Site("empty", "D", "S", t);
  log.Raise("d1", "a", t + kH, t + 10 * kH);
  log.Accept("d1", t + 2 * kH, t + 100 * kH);
  PeriodScores s = log.book().Scores(kAug, log.head());
  const ScoreEntry a = SiteOf(s, "a");
  EXPECT_EQ(RateOf(a, "response").rate_x100, 10000);
  EXPECT_EQ(RateOf(a, "resolution").rate_x100, 0);
  EXPECT_EQ(RateOf(a, "satisfaction").rate_x100, std::nullopt);
  EXPECT_EQ(RateOf(a, "on_time").rate_x100, std::nullopt);
  // (10·10000 + 50·0) / 60 = 1666.67: satisfaction's 40 is shared by the other two.
  EXPECT_EQ(a.composite_x100, 1667);
  EXPECT_EQ(RateOf(a, "response").points_x100, 1667);
  EXPECT_EQ(RateOf(a, "resolution").points_x100, 0);
  const ScoreEntry& empty = SiteOf(s, "empty");
  EXPECT_EQ(empty.composite_x100, std::nullopt);
  EXPECT_EQ(empty.rank, std::nullopt);
  for (const RateScore& r : empty.rates) EXPECT_EQ(r.rate_x100, std::nullopt) << r.name;
  EXPECT_EQ(s.sites.back().id, "empty");  // unranked after the ranked
}

TEST(Scoring, BasicallySatisfiedCountsAtThePolicyFactor) {
  ScoreLog log;
  const Micros t = T("2022-08-02T00:00:00Z");
  log.SetPolicy("2022-08", "+08:00",
                R"({"on_time":0,"publicity":0,"reopen":0,"resolution":0,"response":0,"return":0,"satisfaction":100})",
                800, t - 30 * 24 * kH);
  log.Site("a", "D", "S", t);
  for (std::string d : {"d1", "d2", "d3"}) {
    log.Raise(d, "a", t, t + kH);
    log.Accept(d, t, t + kH);
    log.Assign(d, t, t + kH);
    log.Resolve(d, t);
  }
  log.Evaluate("d1", "basically_satisfied", t);
  log.Evaluate("d2", "basically_satisfied", t);
  log.Evaluate("d3", "satisfied", t);
  const ScoreEntry a = SiteOf(log.book().Scores(kAug, log.head()), "a");
  EXPECT_EQ(RateOf(a, "satisfaction").numerator, 2600);  // 800 + 800 + 1000
  EXPECT_EQ(RateOf(a, "satisfaction").rate_x100, 8667);
  EXPECT_EQ(a.composite_x100, 8667);
}

TEST(Scoring, OnTimeIsJudgedByTheResolveDueTimeInForceIncludingExtensions) {
  ScoreLog log;
  const Micros t = T("2022-08-03T00:00:00Z");
  log.Site("a", "D", "S", t);
  // extended: due t+10h, extended to t+20h, resolved at t+15h: on time.
  log.Raise("extended", "a", t, t + kH);
  log.Accept("extended", t, t + 10 * kH);
  log.Assign("extended", t, t + 10 * kH);
  log.Supervise("extended", t + 9 * kH, t + 20 * kH);
  // urged: a supervise that does not extend; resolved at t+15h: late.
  log.Raise("urged", "a", t, t + kH);
  log.Accept("urged", t, t + 10 * kH);
  log.Assign("urged", t, t + 10 * kH);
  log.Supervise("urged", t + 9 * kH, std::nullopt);
  // reassigned: the reassignment's due time replaces the first one.
  log.Raise("reassigned", "a", t, t + kH);
  log.Accept("reassigned", t, t + 30 * kH);
  log.Assign("reassigned", t, t + 12 * kH);
  log.Resolve("extended", t + 15 * kH);
  log.Resolve("urged", t + 15 * kH);
  log.Resolve("reassigned", t + 15 * kH);
  const ScoreEntry a = SiteOf(log.book().Scores(kAug, log.head()), "a");
  EXPECT_EQ(a.counts.resolved, 3);
  EXPECT_EQ(a.counts.resolved_on_time, 1);
}

TEST(Scoring, AReopenedDemandIsJudgedByItsLastResolveAgainstTheNewDueTime) {
  ScoreLog log;
  const Micros t = T("2022-08-03T00:00:00Z");
  log.Site("a", "D", "S", t);
  log.Raise("d", "a", t, t + kH);
  log.Accept("d", t, t + 10 * kH);
  log.Assign("d", t, t + 10 * kH);
  log.Resolve("d", t + 5 * kH);
  log.Evaluate("d", "dissatisfied", t + 6 * kH);
  log.Reopen("d", t + 6 * kH, t + 8 * kH);
  log.Resolve("d", t + 9 * kH);  // past the reopen's due time, before the first one
  log.Evaluate("d", "satisfied", t + 10 * kH);
  const ScoreEntry a = SiteOf(log.book().Scores(kAug, log.head()), "a");
  EXPECT_EQ(a.counts.resolved_not_reopened, 1);
  EXPECT_EQ(a.counts.resolved_on_time, 0);
  EXPECT_EQ(a.counts.reopened, 1);
  EXPECT_EQ(a.counts.satisfied, 1);  // the last evaluation
  EXPECT_EQ(a.counts.dissatisfied, 0);
  EXPECT_EQ(RateOf(a, "reopen").rate_x100, 10000);
}

TEST(Scoring, ReturnAndReopenCountAgainstTheCompositeWhenWeighted) {
  ScoreLog log;
  const Micros t = T("2022-08-03T00:00:00Z");
  log.SetPolicy("2022-08", "+08:00",
                R"({"on_time":0,"publicity":0,"reopen":0,"resolution":0,"response":0,"return":100,"satisfaction":0})",
                900, t - 30 * 24 * kH);
  log.Site("a", "D", "S", t);
  log.Site("b", "D", "S", t);
  for (std::string d : {"a1", "a2", "a3", "a4"}) {
    log.Raise(d, "a", t, t + kH);
    log.Accept(d, t, t + kH);
    log.Assign(d, t, t + kH);
  }
  log.Return("a1", t);
  log.Raise("b1", "b", t, t + kH);
  log.Accept("b1", t, t + kH);
  log.Assign("b1", t, t + kH);
  PeriodScores s = log.book().Scores(kAug, log.head());
  EXPECT_EQ(RateOf(SiteOf(s, "a"), "return").rate_x100, 2500);
  EXPECT_EQ(SiteOf(s, "a").composite_x100, 7500);  // 100 − 25 %
  EXPECT_EQ(SiteOf(s, "b").composite_x100, 10000);
  EXPECT_EQ(SiteOf(s, "b").rank, 1);
}

TEST(Scoring, ADuplicateIsOutOfEveryScoreFromTheMomentItIsMarked) {
  ScoreLog log;
  const Micros t = T("2022-08-04T00:00:00Z");
  log.Site("a", "D", "S", t);
  log.Raise("d1", "a", t, t + kH);
  log.Raise("d2", "a", t, t + kH);
  log.Accept("d1", t, t + 10 * kH);
  uint64_t before = log.head();
  log.Close("d2", "duplicate", t + kH);
  log.Close("d1", "manual", t + kH);  // not a duplicate: no change
  EXPECT_EQ(SiteOf(log.book().Scores(kAug, before), "a").counts.raised, 2);
  const ScoreEntry a = SiteOf(log.book().Scores(kAug, log.head()), "a");
  EXPECT_EQ(a.counts.raised, 1);
  EXPECT_EQ(RateOf(a, "response").rate_x100, 10000);
}

TEST(Scoring, ADemandRaisedNearMidnightCountsInTheCitysMonth) {
  ScoreLog log;
  log.Site("a", "D", "S", T("2022-07-01T00:00:00Z"));
  log.Raise("july", "a", T("2022-07-31T15:59:59.999999Z"), T("2022-08-03T00:00:00Z"));  // 23:59:59 in +08:00
  log.Raise("august", "a", T("2022-07-31T20:00:00Z"), T("2022-08-03T00:00:00Z"));       // 04:00 on 1 August
  log.Activity("a", T("2022-07-31T16:00:00Z"), T("2022-07-31T20:00:00Z"));              // midnight on 1 August
  EXPECT_EQ(SiteOf(log.book().Scores(kJul, log.head()), "a").counts.raised, 1);
  const ScoreEntry aug = SiteOf(log.book().Scores(kAug, log.head()), "a");
  EXPECT_EQ(aug.counts.raised, 1);
  EXPECT_EQ(aug.counts.activities, 1);
  EXPECT_EQ(SiteOf(log.book().Scores(kJul, log.head()), "a").counts.activities, 0);
}

TEST(Scoring, APolicyChangeMidYearLeavesEarlierMonthsUnchanged) {
  ScoreLog log;
  const Micros aug = T("2022-08-05T00:00:00Z");
  log.Site("a", "D", "S", aug);
  for (Micros t : {aug, T("2022-09-05T00:00:00Z")}) {
    std::string id = "d" + std::to_string(t);
    log.Raise(id, "a", t, t + kH);
    log.Accept(id, t, t + kH);  // response 100 %, resolution 0 %
  }
  const uint64_t before_change = log.head();
  const std::string before = ScoresJson(log.book().Scores(kAug, before_change));
  EXPECT_EQ(SiteOf(log.book().Scores(kAug, log.head()), "a").composite_x100, 1667);
  log.SetPolicy("2022-09", "+08:00",
                R"({"on_time":0,"publicity":0,"reopen":0,"resolution":50,"response":50,"return":0,"satisfaction":0})",
                900, T("2022-09-06T00:00:00Z"));
  PeriodScores after = log.book().Scores(kAug, log.head());
  after.as_of = before_change;  // the only field that may differ
  EXPECT_EQ(ScoresJson(after), before);
  PeriodScores sep = log.book().Scores(kSep, log.head());
  EXPECT_EQ(sep.policy.weights.at("response"), 50);
  EXPECT_EQ(SiteOf(sep, "a").composite_x100, 5000);
  // As of before the change, September was still under the default weights.
  EXPECT_EQ(SiteOf(log.book().Scores(kSep, log.head() - 1), "a").composite_x100, 1667);
}

TEST(Scoring, ATimeZoneChangeMovesTheMonthBoundaryFromItsMonthOn) {
  ScoreLog log;
  log.Site("a", "D", "S", T("2022-08-01T00:00:00Z"));
  log.SetPolicy("2022-09", "+00:00",
                R"({"on_time":0,"publicity":0,"reopen":0,"resolution":50,"response":50,"return":0,"satisfaction":0})",
                900, T("2022-08-02T00:00:00Z"));
  // 20:00 UTC on 31 August: September at +08:00, but September starts at 00:00 UTC now.
  log.Raise("d", "a", T("2022-08-31T20:00:00Z"), T("2022-09-02T00:00:00Z"));
  EXPECT_EQ(SiteOf(log.book().Scores(kAug, log.head()), "a").counts.raised, 1);
  EXPECT_EQ(SiteOf(log.book().Scores(kSep, log.head()), "a").counts.raised, 0);
}

TEST(Scoring, StreetsAndDistrictsPoolCountsRatherThanAveragingRates) {
  ScoreLog log;
  const Micros t = T("2022-08-06T00:00:00Z");
  log.Site("a", "Daoli", "Jingwei", t);
  log.Site("b", "Daoli", "Jingwei", t);
  log.Site("c", "Nangang", "Jingwei", t);  // same street name, another district
  log.Raise("a1", "a", t, t + kH);
  log.Accept("a1", t, t + kH);
  for (std::string d : {"b1", "b2", "b3"}) log.Raise(d, "b", t, t + kH);
  log.Raise("c1", "c", t, t + kH);
  PeriodScores s = log.book().Scores(kAug, log.head());
  ASSERT_EQ(s.streets.size(), 2u);
  const ScoreEntry& jingwei = s.streets[0].district == "Daoli" ? s.streets[0] : s.streets[1];
  EXPECT_EQ(jingwei.sites, 2);
  EXPECT_EQ(jingwei.counts.raised, 4);
  EXPECT_EQ(RateOf(jingwei, "response").rate_x100, 2500);  // 1 of 4, not the mean of 100 % and 0 %
  ASSERT_EQ(s.districts.size(), 2u);
  EXPECT_EQ(s.districts[0].id, "Daoli");
  EXPECT_EQ(s.districts[0].rank, 1);
  EXPECT_EQ(s.districts[0].counts.raised, 4);
}

TEST(Scoring, EventDataIsReadAsJsonWhateverItsLayoutOrContent) {
  ScoreLog log;
  const Micros t = T("2022-08-07T00:00:00Z");
  log.Site("a", "D", "S", t);
  log.Site("evil", "D", "S", t);
  // A member's text inside another string, and data that is not canonical.
  log.Add("demand-d1", "demand.raised",
          R"({"demand_id":"d1","description":"\"site_id\":\"evil\"","response_due_at":")" +
              FormatRfc3339(t + kH) + R"(","site_id":"a"})",
          t);
  log.Add("demand-d1", "demand.accepted", "{ \"resolve_due_at\" : \"" + FormatRfc3339(t + kH) + "\" }", t);
  log.Add("demand-d1", "demand.closed", R"({"note":"\"reason\":\"duplicate\"","reason":"manual"})", t);
  PeriodScores s = log.book().Scores(kAug, log.head());
  EXPECT_EQ(SiteOf(s, "a").counts.raised, 1);
  EXPECT_EQ(SiteOf(s, "a").counts.accepted, 1);
  EXPECT_EQ(SiteOf(s, "evil").counts.raised, 0);
}

}  // namespace
}  // namespace redledger
