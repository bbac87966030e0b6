// Ranks, ties, red and black lists, the notice document and its publication.
#include <gtest/gtest.h>

#include "redledger/codec.h"
#include "redledger/scoring.h"
#include "scoring/score_log.h"

namespace redledger {
namespace {

using testing::ScoreLog;
using testing::T;

constexpr CivilMonth kAug{2022, 8};
constexpr Micros kH = kMicrosPerHour;

std::vector<ScoreEntry> Entries(const std::vector<std::pair<std::string, std::optional<int64_t>>>& v) {
  std::vector<ScoreEntry> out;
  for (const auto& [id, c] : v) {
    ScoreEntry e;
    e.id = id;
    e.composite_x100 = c;
    out.push_back(e);
  }
  return out;
}

std::vector<std::pair<std::string, std::optional<int64_t>>> Ranks(const std::vector<ScoreEntry>& v) {
  std::vector<std::pair<std::string, std::optional<int64_t>>> out;
  for (const ScoreEntry& e : v) out.emplace_back(e.id, e.rank);
  return out;
}

using Want = std::vector<std::pair<std::string, std::optional<int64_t>>>;
using Ids = std::vector<std::string>;

TEST(Ranking, TiesShareARankAndTheNextRankSkips) {
  auto v = Entries({{"d", 7000}, {"c", 8000}, {"b", 8000}, {"a", 9000}, {"u", std::nullopt}});
  RankEntries(&v);
  EXPECT_EQ(Ranks(v), (Want{{"a", 1}, {"b", 2}, {"c", 2}, {"d", 4}, {"u", std::nullopt}}));
}

TEST(Ranking, ListsWithFewerThanTenSitesNeverNameASiteTwice) {
  Ids red, black;
  auto six = Entries({{"a", 9000}, {"b", 8000}, {"c", 8000}, {"d", 8000}, {"e", 7000}, {"f", 6000}});
  RankEntries(&six);
  NameLists(six, &red, &black);
  // k = 3: b, c, d are both in the top 3 (rank 2) and the bottom 3 (tied): on neither.
  EXPECT_EQ(red, (Ids{"a"}));
  EXPECT_EQ(black, (Ids{"e", "f"}));

  auto three = Entries({{"a", 9000}, {"b", 8000}, {"c", 7000}, {"u", std::nullopt}});
  RankEntries(&three);
  NameLists(three, &red, &black);
  EXPECT_EQ(red, (Ids{"a"}));  // k = 1
  EXPECT_EQ(black, (Ids{"c"}));

  auto one = Entries({{"a", 9000}});
  RankEntries(&one);
  NameLists(one, &red, &black);
  EXPECT_TRUE(red.empty());
  EXPECT_TRUE(black.empty());

  auto tied = Entries({{"a", 5000}, {"b", 5000}, {"c", 5000}, {"d", 5000}});
  RankEntries(&tied);
  NameLists(tied, &red, &black);
  EXPECT_TRUE(red.empty());
  EXPECT_TRUE(black.empty());
}

TEST(Ranking, TwelveSitesGiveFiveAndFiveWithABoundaryTieNamedWhole) {
  std::vector<std::pair<std::string, std::optional<int64_t>>> v;
  for (int i = 0; i < 12; ++i) v.emplace_back(std::string(1, char('a' + i)), 10000 - 100 * i);
  v[5].second = v[4].second;  // f ties e at rank 5
  auto sites = Entries(v);
  RankEntries(&sites);
  Ids red, black;
  NameLists(sites, &red, &black);
  EXPECT_EQ(red, (Ids{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(black, (Ids{"h", "i", "j", "k", "l"}));
}

// Three sites in August: a scores best, c worst; then a publication.
class Notice : public ::testing::Test {
 protected:
  void SetUp() override {
    const Micros t = T("2022-08-10T00:00:00Z");
    log.Site("a", "Daoli", "Jingwei", t);
    log.Site("b", "Daoli", "Anjing \"East\", Gate", t);
    log.Site("c", "Nangang", "Hongjun", t);
    log.Raise("a1", "a", t, t + kH);
    log.Accept("a1", t, t + 10 * kH);
    log.Assign("a1", t, t + 10 * kH);
    log.Resolve("a1", t + kH);
    log.Evaluate("a1", "satisfied", t + 2 * kH);
    log.Raise("b1", "b", t, t + kH);
    log.Accept("b1", t, t + 10 * kH);
    log.Raise("c1", "c", t, t + kH);
    log.Raise("c2", "c", t, t + kH);
    log.Accept("c2", t + 2 * kH, t + 10 * kH);
  }
  std::string NoticeAt(const ScoreBook& book, uint64_t as_of) {
    NoticeInfo info = book.Notice(kAug, as_of);
    return NoticeJson(info, book.Scores(kAug, info.cutoff_position));
  }
  ScoreLog log;
};

TEST_F(Notice, IsCanonicalJsonWithRanksListsAndPoints) {
  std::string json = NoticeAt(log.book(), log.head());
  testing::WriteSample("responses/notice.schema.json", json);
  auto canonical = CanonicalizeJson(json);
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(*canonical, json);
  EXPECT_NE(json.find("\"status\":\"provisional\""), std::string::npos);
  EXPECT_NE(json.find("\"published_position\":null"), std::string::npos);
  EXPECT_NE(json.find("\"red_list\":[\"a\"],"), std::string::npos) << json;
  EXPECT_NE(json.find("\"black_list\":[\"c\"]"), std::string::npos) << json;
  PeriodScores s = log.book().Scores(kAug, log.head());
  EXPECT_EQ(s.sites[0].id, "a");
  EXPECT_EQ(s.sites[0].composite_x100, 10000);
  EXPECT_EQ(s.sites[1].id, "b");
  EXPECT_EQ(s.sites[1].composite_x100, 1667);  // (10·100 % + 50·0 %) / 60
  EXPECT_EQ(s.sites[2].composite_x100, 0);     // c1 unanswered, c2 late and open
}

TEST_F(Notice, APublishedNoticeIsFixedAtItsCutoffAndRebuildsByteForByte) {
  const uint64_t cutoff = log.head();
  const std::string provisional = NoticeAt(log.book(), cutoff);
  const Micros sep = T("2022-09-02T00:00:00Z");
  log.Resolve("b1", sep);  // an August demand changes after the cutoff, before the publication
  log.Publish("2022-08", cutoff, sep);
  const std::string published = NoticeAt(log.book(), log.head());
  EXPECT_NE(published.find("\"status\":\"published\""), std::string::npos);
  EXPECT_NE(published.find("\"cutoff_position\":" + std::to_string(cutoff)), std::string::npos);
  // The same scores as the provisional notice at the cutoff; only the status differs.
  PeriodScores at_cutoff = log.book().Scores(kAug, cutoff);
  EXPECT_EQ(ScoresJson(at_cutoff), ScoresJson(log.book().Scores(kAug, log.book().Notice(kAug, log.head()).cutoff_position)));
  EXPECT_NE(provisional, published);

  // More August outcomes and a policy change for later months: the notice does not move.
  log.Evaluate("b1", "satisfied", sep + kH);
  log.Accept("c1", sep + kH, sep + 10 * kH);
  log.SetPolicy("2022-10", "+08:00",
                R"({"on_time":0,"publicity":0,"reopen":0,"resolution":0,"response":100,"return":0,"satisfaction":0})",
                900, sep + 2 * kH);
  EXPECT_EQ(NoticeAt(log.book(), log.head()), published);
  // Scores (not the notice) do follow the log.
  EXPECT_NE(ScoresJson(log.book().Scores(kAug, log.head())), ScoresJson(at_cutoff));

  // Rebuilt from the log.
  ScoreBook rebuilt;
  for (const Envelope& e : log.events()) ASSERT_TRUE(rebuilt.Apply(e).ok());
  EXPECT_EQ(NoticeAt(rebuilt, rebuilt.position()), published);
  // Seen before its publication, it is the provisional one.
  EXPECT_EQ(NoticeAt(rebuilt, cutoff), provisional);
}

TEST_F(Notice, PublishingNeedsACitywideSupervisorAnEndedPeriodAndHappensOnce) {
  Principal sup{"p1", "Sup", Role::kSupervisor, true, {}, std::nullopt, {}, false};
  Principal local = sup;
  local.all_sites = false;
  local.sites = {"a"};
  Principal community = sup;
  community.role = Role::kCommunity;
  const Micros during = T("2022-08-31T15:59:00Z"), after = T("2022-08-31T16:00:00Z");

  EXPECT_EQ(DecidePublishNotice(kAug, community, after, log.head(), log.book()).status().code(),
            Status::Code::kForbidden);
  EXPECT_EQ(DecidePublishNotice(kAug, local, after, log.head(), log.book()).status().code(), Status::Code::kForbidden);
  EXPECT_EQ(DecidePublishNotice(kAug, sup, during, log.head(), log.book()).status().code(),
            Status::Code::kValidationFailed);
  auto ev = DecidePublishNotice(kAug, sup, after, log.head(), log.book());
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->stream, "notices");
  EXPECT_EQ(ev->type, "notice.published");
  EXPECT_EQ(ev->data, "{\"cutoff_position\":" + std::to_string(log.head()) + ",\"period\":\"2022-08\"}");
  log.Add(ev->stream, ev->type, ev->data, after);
  auto again = DecidePublishNotice(kAug, sup, after, log.head(), log.book());
  EXPECT_EQ(again.status().code(), Status::Code::kInvalidTransition);
  EXPECT_EQ(again.status().current_status(), "published");
}

TEST(PublishBody, AcceptsOnlyAPeriod) {
  EXPECT_EQ(ParsePublishNotice(R"({"period":"2022-08"})").value(), (CivilMonth{2022, 8}));
  EXPECT_EQ(ParsePublishNotice("[").status().code(), Status::Code::kInvalidJson);
  EXPECT_EQ(ParsePublishNotice(R"({"period":"2022-08","x":1})").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParsePublishNotice(R"({"period":202208})").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParsePublishNotice(R"({"period":"2022-13"})").status().code(), Status::Code::kValidationFailed);
  EXPECT_EQ(ParsePublishNotice("{}").status().code(), Status::Code::kValidationFailed);
}

TEST_F(Notice, CsvHasOneRowPerSiteInRankOrderWithQuotedFields) {
  NoticeInfo info = log.book().Notice(kAug, log.head());
  std::string csv = NoticeCsv(info, log.book().Scores(kAug, log.head()));
  std::vector<std::string> lines;
  for (size_t p = 0, q; (q = csv.find("\r\n", p)) != std::string::npos; p = q + 2) lines.push_back(csv.substr(p, q - p));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("period,status,cutoff_position,rank,list,site_id,name,district,street,community,composite,"
                           "response_rate,response_numerator,response_denominator,response_weight,",
                           0),
            0u);
  EXPECT_EQ(lines[1].rfind("2022-08,provisional," + std::to_string(log.head()) + ",1,red,a,Site a,Daoli,Jingwei,c,100.00,100.00,1,1,10,", 0), 0u)
      << lines[1];
  EXPECT_NE(lines[2].find(",2,,b,Site b,Daoli,\"Anjing \"\"East\"\", Gate\",c,16.67,"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(",3,black,c,"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find(",0.00,"), std::string::npos) << lines[3];
}

}  // namespace
}  // namespace redledger
