// The projection over a store: publish, append more, re-read; rebuild from
// the log; as_of; the publish command's checks.
#include "redledger/score_projection.h"

#include <gtest/gtest.h>

#include "redledger/codec.h"
#include "redledger/encoding.h"
#include "scoring/score_log.h"

namespace redledger {
namespace {

using testing::Q;
using testing::T;

constexpr CivilMonth kAug{2022, 8};

class ScoreProjectionTest : public ::testing::Test {
 protected:
  ScoreProjectionTest() {
    StoreOptions options;
    options.clock = &clock_;
    store_ = NewMemoryEventStore(options);
  }

  uint64_t Append(const std::string& stream, const std::string& type, const std::string& data, Micros at) {
    clock_.Set(at);
    NewEvent e;
    e.type = type;
    e.event_id = NewUuidV4();
    e.actor = Actor{"p-admin", "admin", std::nullopt};
    e.data = data;
    auto r = store_->Append({AppendPart{stream, ExpectedVersion::Any(), {e}}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->last_position : 0;
  }
  void Site(const std::string& id, Micros at) {
    Append("site-" + id, "site.registered",
           "{\"community\":\"c\",\"construction_mode\":\"joint\",\"district\":\"Daoli\",\"name\":" + Q("Site " + id) +
               ",\"site_id\":" + Q(id) + ",\"street\":\"Jingwei\"}",
           at);
  }
  void Raise(const std::string& d, const std::string& site, Micros at) {
    Append("demand-" + d, "demand.raised",
           "{\"demand_id\":" + Q(d) + ",\"site_id\":" + Q(site) + ",\"response_due_at\":" +
               Q(FormatRfc3339(at + 72 * kMicrosPerHour)) + "}",
           at);
  }
  void Accept(const std::string& d, Micros at) {
    Append("demand-" + d, "demand.accepted",
           "{\"note\":null,\"resolve_due_at\":" + Q(FormatRfc3339(at + 360 * kMicrosPerHour)) + "}", at);
  }

  FakeClock clock_;
  std::unique_ptr<EventStore> store_;
  Principal supervisor_{"p-sup", "Sup", Role::kSupervisor, true, {}, std::nullopt, {}, false};
};

TEST_F(ScoreProjectionTest, APublishedNoticeNeverChangesAndRebuildsByteForByte) {
  Site("a", T("2022-08-01T00:00:00Z"));
  Site("b", T("2022-08-01T00:00:00Z"));
  Raise("a1", "a", T("2022-08-02T00:00:00Z"));
  Accept("a1", T("2022-08-02T01:00:00Z"));
  Raise("b1", "b", T("2022-08-03T00:00:00Z"));
  Raise("b2", "b", T("2022-08-03T00:00:00Z"));

  ScoreProjection live(store_.get());
  const Micros sep = T("2022-09-02T00:00:00Z");
  clock_.Set(sep);
  const uint64_t head_before = store_->Head();
  auto published = live.Publish(store_.get(), supervisor_, R"({"period":"2022-08"})", CommandMeta{}, sep);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->cutoff_position, head_before);
  EXPECT_EQ(published->position, head_before + 1);
  EXPECT_NE(published->notice_json.find("\"status\":\"published\""), std::string::npos);
  auto stored = store_->ReadAt(published->position);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->stream, "notices");
  EXPECT_EQ(stored->data, "{\"cutoff_position\":" + std::to_string(head_before) + ",\"period\":\"2022-08\"}");
  testing::WriteSample("events/notice.published.schema.json", stored->data);
  testing::WriteSample("responses/notice.schema.json", published->notice_json);

  // August outcomes, a new site and a policy for later months after the publication.
  Accept("b1", sep + kMicrosPerHour);
  Site("c", sep + kMicrosPerHour);
  Raise("c1", "c", sep + kMicrosPerHour);  // a September demand
  Append("policy", "policy.set",
         "{\"basically_satisfied_factor\":500,\"categories\":[\"other\"],\"effective_from\":\"2022-10\","
         "\"evaluation_window_days\":7,\"resolve_hours\":{\"emergency\":24,\"routine\":360,\"urgent\":72},"
         "\"response_hours\":{\"emergency\":2,\"routine\":72,\"urgent\":24},\"timezone\":\"+08:00\","
         "\"weights\":{\"on_time\":0,\"publicity\":0,\"reopen\":0,\"resolution\":0,\"response\":100,\"return\":0,"
         "\"satisfaction\":0}}",
         sep + 2 * kMicrosPerHour);

  auto reread = live.Notice(kAug, std::nullopt);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(*reread, published->notice_json);
  // The scores themselves moved on (b1 was accepted).
  auto scores_now = live.Scores(kAug, std::nullopt);
  auto scores_at_cutoff = live.Scores(kAug, head_before);
  ASSERT_TRUE(scores_now.ok() && scores_at_cutoff.ok());
  EXPECT_NE(*scores_now, *scores_at_cutoff);

  testing::WriteSample("responses/scores.schema.json", *scores_now);
  testing::WriteSample("responses/site_scores.schema.json", *live.SiteScores("a", kAug, std::nullopt));
  testing::WriteSample("responses/notice.schema.json", *live.Notice(kAug, head_before));

  ScoreProjection rebuilt(store_.get());
  ASSERT_TRUE(rebuilt.CatchUp().ok());
  EXPECT_EQ(rebuilt.Applied(), store_->Head());
  EXPECT_EQ(*rebuilt.Notice(kAug, std::nullopt), published->notice_json);
  EXPECT_EQ(*rebuilt.Scores(kAug, head_before), *scores_at_cutoff);
  // Read as of before its publication, the notice is the provisional one.
  auto before = rebuilt.Notice(kAug, head_before);
  ASSERT_TRUE(before.ok());
  EXPECT_NE(before->find("\"status\":\"provisional\""), std::string::npos);

  auto again = live.Publish(store_.get(), supervisor_, R"({"period":"2022-08"})", CommandMeta{}, sep);
  EXPECT_EQ(again.status().code(), Status::Code::kInvalidTransition);
  EXPECT_EQ(store_->Head(), rebuilt.Applied());  // nothing appended
}

TEST_F(ScoreProjectionTest, QueriesSeeEveryAcknowledgedEventAndRejectAFutureAsOf) {
  Site("a", T("2022-08-01T00:00:00Z"));
  ScoreProjection p(store_.get());
  auto empty = p.SiteScores("a", kAug, std::nullopt);
  ASSERT_TRUE(empty.ok());
  EXPECT_NE(empty->find("\"composite_x100\":null"), std::string::npos);
  Raise("a1", "a", T("2022-08-02T00:00:00Z"));
  auto one = p.SiteScores("a", kAug, std::nullopt);
  ASSERT_TRUE(one.ok());
  EXPECT_NE(one->find("\"raised\":1"), std::string::npos) << *one;
  // The document at an earlier position is unchanged (and served from the cache key of that position).
  EXPECT_EQ(*p.SiteScores("a", kAug, 1), *empty);
  EXPECT_EQ(p.SiteScores("zz", kAug, std::nullopt).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(p.Scores(kAug, store_->Head() + 1).status().code(), Status::Code::kValidationFailed);
  auto csv = p.Notice(kAug, std::nullopt, true);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("period,status,", 0), 0u);
}

TEST_F(ScoreProjectionTest, SubscribersHearWhichSitesScoresMayHaveChanged) {
  Site("a", T("2022-08-01T00:00:00Z"));
  Site("b", T("2022-08-01T00:00:00Z"));
  ScoreProjection p(store_.get());
  ASSERT_TRUE(p.CatchUp().ok());
  std::vector<std::pair<std::vector<std::string>, uint64_t>> heard;
  uint64_t id = p.Subscribe([&](const std::vector<std::string>& sites, uint64_t pos) { heard.emplace_back(sites, pos); });
  Raise("a1", "a", T("2022-08-02T00:00:00Z"));
  Accept("a1", T("2022-08-02T01:00:00Z"));
  Append("notices", "notice.published", R"({"cutoff_position":1,"period":"2022-07"})", T("2022-08-02T02:00:00Z"));
  ASSERT_TRUE(p.Scores(kAug, std::nullopt).ok());  // a query catches up too
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].first, (std::vector<std::string>{"a"}));
  EXPECT_EQ(heard[0].second, store_->Head());
  ASSERT_TRUE(p.CatchUp().ok());  // nothing new: nothing heard
  EXPECT_EQ(heard.size(), 1u);
  Site("b", T("2022-08-03T00:00:00Z"));
  Append("policy", "policy.set",
         "{\"basically_satisfied_factor\":800,\"categories\":[\"other\"],\"effective_from\":\"2022-10\","
         "\"evaluation_window_days\":7,\"resolve_hours\":{\"emergency\":24,\"routine\":360,\"urgent\":72},"
         "\"response_hours\":{\"emergency\":2,\"routine\":72,\"urgent\":24},\"timezone\":\"+08:00\","
         "\"weights\":{\"on_time\":0,\"publicity\":0,\"reopen\":0,\"resolution\":0,\"response\":100,\"return\":0,"
         "\"satisfaction\":0}}",
         T("2022-08-03T00:00:00Z"));
  ASSERT_TRUE(p.CatchUp().ok());
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[1].first, (std::vector<std::string>{"*", "b"}));
  p.Unsubscribe(id);
  Raise("a2", "a", T("2022-08-04T00:00:00Z"));
  ASSERT_TRUE(p.CatchUp().ok());
  EXPECT_EQ(heard.size(), 2u);
}

TEST_F(ScoreProjectionTest, PoliciesListTheDefaultThenEachSet) {
  Append("policy", "policy.set",
         "{\"basically_satisfied_factor\":800,\"categories\":[\"other\"],\"effective_from\":\"2022-10\","
         "\"evaluation_window_days\":7,\"resolve_hours\":{\"emergency\":24,\"routine\":360,\"urgent\":72},"
         "\"response_hours\":{\"emergency\":2,\"routine\":72,\"urgent\":24},\"timezone\":\"+08:00\","
         "\"weights\":{\"on_time\":0,\"publicity\":0,\"reopen\":0,\"resolution\":0,\"response\":100,\"return\":0,"
         "\"satisfaction\":0}}",
         T("2022-09-01T00:00:00Z"));
  ScoreProjection p(store_.get());
  auto sep = p.Policies(std::nullopt, T("2022-09-15T00:00:00Z"));
  ASSERT_TRUE(sep.ok());
  EXPECT_EQ(CanonicalizeJson(*sep).value(), *sep);
  EXPECT_NE(sep->find("\"current\":{\"basically_satisfied_factor\":900"), std::string::npos) << *sep;
  EXPECT_NE(sep->find("\"effective_from\":\"1970-01\""), std::string::npos);
  EXPECT_NE(sep->find("\"effective_from\":\"2022-10\""), std::string::npos);
  testing::WriteSample("responses/policies.schema.json", *sep);
  auto oct = p.Policies(std::nullopt, T("2022-10-15T00:00:00Z"));
  EXPECT_NE(oct->find("\"current\":{\"basically_satisfied_factor\":800"), std::string::npos) << *oct;
  auto at_zero = p.Policies(0, T("2022-10-15T00:00:00Z"));
  EXPECT_EQ(at_zero->find("2022-10"), std::string::npos);
}

}  // namespace
}  // namespace redledger
