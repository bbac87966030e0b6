// The read models' properties: as-of answers equal the live answers recorded
// at the time, paging is stable while events arrive, the public board holds
// nothing personal or internal, and PositionAt inverts recorded_at.
#include "projection/fixture.h"
#include "redledger/codec.h"

namespace redledger::testing {
namespace {

using ReadModelsTest = ProjectionFixture;

TEST_F(ReadModelsTest, AsOfEqualsLive) {
  auto runner = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 11);
  ASSERT_TRUE(d.Setup().ok());
  struct Seen {
    uint64_t position;
    size_t demands;  // how many demand ids the driver knew then
    std::vector<std::string> answers;
  };
  std::vector<Seen> seen;
  for (int round = 0; round < 30; ++round) {
    Steps(d, 30);
    CatchUp(*runner);
    uint64_t p = runner->Applied();
    ASSERT_EQ(p, store_->Head());
    seen.push_back(Seen{p, d.demand_ids().size(), DumpReadModels(runner->views(), d, std::nullopt)});
  }
  Steps(d, 200);
  CatchUp(*runner);
  for (const Seen& s : seen) {
    auto now = DumpReadModels(runner->views(), d, s.position);
    // Demands raised later answer NotFound as of then; the recorded dump did
    // not list them: compare the same ids (two answers per demand first).
    std::vector<std::string> then = s.answers;
    size_t per_demand = 2 * s.demands, later = 2 * (d.demand_ids().size() - s.demands);
    ASSERT_EQ(now.size(), then.size() + later);
    for (size_t i = 0; i < later; ++i) {
      EXPECT_EQ(now[per_demand + i].rfind("error: not_found", 0), 0u) << now[per_demand + i].substr(0, 80);
    }
    now.erase(now.begin() + static_cast<long>(per_demand), now.begin() + static_cast<long>(per_demand + later));
    for (size_t i = 0; i < then.size(); ++i) ASSERT_TRUE(SameAnswer(then[i], now[i])) << "position " << s.position << " answer #" << i;
  }
}

TEST_F(ReadModelsTest, PagingIsStableWhileEventsArrive) {
  auto runner = OpenRunner("live");
  Driver d(store_.get(), vault_.get(), &clock_, 12);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 400);
  CatchUp(*runner);
  DemandQuery q;
  q.site_id = "s1";
  q.limit = 4;
  std::vector<DemandListItem> paged;
  uint64_t first_position = 0;
  while (true) {
    auto page = runner->views().Demands(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (!first_position) first_position = page->as_of;
    EXPECT_EQ(page->as_of, first_position);
    paged.insert(paged.end(), page->items.begin(), page->items.end());
    if (!page->next_cursor) break;
    q.cursor = page->next_cursor;
    Steps(d, 5);  // new demands and transitions meanwhile
    CatchUp(*runner);
  }
  DemandQuery whole;
  whole.site_id = "s1";
  whole.limit = 1000;
  whole.as_of = first_position;
  auto all = runner->views().Demands(whole);
  ASSERT_TRUE(all.ok());
  EXPECT_GT(paged.size(), 8u);
  EXPECT_EQ(paged, all->items);
  for (size_t i = 1; i < paged.size(); ++i) EXPECT_GT(paged[i - 1].raised_position, paged[i].raised_position);
}

TEST_F(ReadModelsTest, BoardNeverShowsPersonalOrInternalData) {
  auto runner = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 13);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 800);
  CatchUp(*runner);
  std::vector<std::string> forbidden = kSecretMarkers;
  bool internal_in_views = false;
  for (const std::string& id : d.demand_ids()) {
    auto v = runner->views().Demand(id, std::nullopt);
    ASSERT_TRUE(v.ok());
    forbidden.push_back(v->state.reporter_subject_id);
    if (!v->reporter_personal.empty()) forbidden.push_back(Base64Encode(v->reporter_personal));
    std::string with = DemandViewJson(*v, DemandViewRender{std::nullopt, std::nullopt, true});
    std::string without = DemandViewJson(*v, DemandViewRender{});
    internal_in_views |= with.find("INTERNAL-NOTE-MARK") != std::string::npos;
    EXPECT_EQ(without.find("INTERNAL-NOTE-MARK"), std::string::npos);
  }
  EXPECT_TRUE(internal_in_views) << "the workload never wrote an internal note";
  size_t items = 0;
  bool public_note = false;
  for (const std::string& s : d.site_ids()) {
    auto b = runner->views().Board(s, std::nullopt, 1000);
    ASSERT_TRUE(b.ok());
    items += b->items.size();
    std::string json = PublicBoardJson(*b);
    public_note |= json.find(kPublicMarker) != std::string::npos;
    for (const std::string& f : forbidden) EXPECT_EQ(json.find(f), std::string::npos) << "board of " << s << " shows " << f;
    for (const BoardItem& i : b->items) {
      auto v = runner->views().Demand(i.demand_id, std::nullopt);
      EXPECT_TRUE(v->state.publicized) << i.demand_id;
    }
  }
  EXPECT_GT(items, 0u);
  EXPECT_TRUE(public_note);
}

// Lists and ledgers against a brute force over the demand views (which fold
// each stream with the domain's EvolveDemand), at several positions.
TEST_F(ReadModelsTest, ListsAndLedgersAgreeWithDemandViews) {
  auto runner = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 15);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 700);
  CatchUp(*runner);
  const ReadModels& v = runner->views();
  for (uint64_t at : {store_->Head() / 3, store_->Head() / 2, store_->Head()}) {
    std::vector<DemandState> states;  // newest first
    for (auto it = d.demand_ids().rbegin(); it != d.demand_ids().rend(); ++it) {
      auto view = v.Demand(*it, at);
      if (view.ok()) states.push_back(view->state);
    }
    for (const std::string& site : d.site_ids()) {
      for (const char* status : {"open", "raised", "assigned", "closed"}) {
        for (std::optional<bool> overdue : {std::optional<bool>(), std::optional<bool>(true)}) {
          DemandQuery q;
          q.site_id = site;
          q.status = status;
          q.overdue = overdue;
          q.as_of = at;
          q.limit = 1000;
          auto page = v.Demands(q);
          ASSERT_TRUE(page.ok());
          std::vector<std::string> got, want;
          for (const auto& i : page->items) got.push_back(i.demand_id);
          for (const DemandState& s : states) {
            std::string name = DemandStatusName(s.status);
            bool st = std::string(status) == "open" ? IsOpen(s.status) : name == status;
            if (s.site_id == site && st && (!overdue || s.Overdue() == *overdue)) want.push_back(s.id);
          }
          EXPECT_EQ(got, want) << site << " " << status << " at " << at;
        }
      }
      auto ledger = v.Ledger(site, at);
      ASSERT_TRUE(ledger.ok());
      int64_t open = 0, overdue = 0, total = 0, closed = 0;
      for (const DemandState& s : states) {
        if (s.site_id != site) continue;
        ++total;
        open += IsOpen(s.status);
        overdue += s.Overdue();
        closed += s.status == DemandStatus::kClosed;
      }
      EXPECT_EQ(ledger->total, total);
      EXPECT_EQ(ledger->open, open);
      EXPECT_EQ(ledger->overdue, overdue);
      EXPECT_EQ(ledger->counts.closed, closed);
    }
  }
}

TEST_F(ReadModelsTest, PositionAtIsTheLastPositionRecordedAtOrBefore) {
  auto runner = OpenRunner("live");
  Driver d(store_.get(), vault_.get(), &clock_, 14);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 300);
  auto events = store_->ReadAll(0, 100000);
  ASSERT_TRUE(events.ok());
  const ReadModels& v = runner->views();
  EXPECT_EQ(*v.PositionAt(events->front().recorded_at - 1), 0u);
  EXPECT_EQ(*v.PositionAt(events->back().recorded_at + 1), events->back().position);
  for (size_t i = 0; i < events->size(); i += 7) {
    Micros t = (*events)[i].recorded_at;
    uint64_t expected = 0;
    for (const Envelope& e : *events) {
      if (e.recorded_at <= t) expected = e.position;
    }
    ASSERT_EQ(*v.PositionAt(t), expected);
  }
}

TEST_F(ReadModelsTest, RejectsBadInput) {
  auto runner = OpenRunner("live");
  const ReadModels& v = runner->views();
  DemandQuery q;
  q.limit = 0;
  EXPECT_EQ(v.Demands(q).status().code(), Status::Code::kInvalidArgument);
  q.limit = 1001;
  EXPECT_EQ(v.Demands(q).status().code(), Status::Code::kInvalidArgument);
  q.limit = 10;
  q.status = "lost";
  EXPECT_EQ(v.Demands(q).status().code(), Status::Code::kInvalidArgument);
  q.status.reset();
  q.cursor = "x.y";
  EXPECT_EQ(v.Demands(q).status().code(), Status::Code::kInvalidArgument);
  q.cursor.reset();
  q.as_of = store_->Head() + 5;
  EXPECT_EQ(v.Demands(q).status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(v.Demand("dnope", store_->Head() + 5).status().code(), Status::Code::kValidationFailed);
  EXPECT_EQ(v.Demand("dnope", std::nullopt).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace redledger::testing
