// ScoreBook::Scores: one period's counts, rates, ranks, lists and roll-ups
// as of a position.
#include <algorithm>

#include "redledger/scoring.h"
#include "scoring/score_book_impl.h"

namespace redledger {

using namespace scoring_internal;

namespace {

CivilMonth NextMonth(CivilMonth m) { return m.month == 12 ? CivilMonth{m.year + 1, 1} : CivilMonth{m.year, m.month + 1}; }

// Midnight on the 1st in the zone of the policy for that month.
Micros CohortStart(CivilMonth m, const PolicyBook& book) {
  return MonthStart(m, book.ForMonth(m).utc_offset_minutes);
}

const SiteInfo* InfoAt(const SiteHistory& h, uint64_t as_of) {
  const SiteInfo* info = nullptr;
  for (const auto& [pos, v] : h.versions) {
    if (pos > as_of) break;
    info = &v;
  }
  return info;
}

// Pools site entries by `key` into roll-up entries.
template <typename KeyFn>
std::vector<ScoreEntry> RollUp(const std::vector<ScoreEntry>& sites, const Policy& policy, KeyFn key) {
  std::map<std::string, ScoreEntry> pooled;
  for (const ScoreEntry& s : sites) {
    auto [it, inserted] = pooled.try_emplace(key(s));
    ScoreEntry& r = it->second;
    if (inserted) {
      r.id = it->first;
      r.district = s.district;
      r.sites = 0;
    }
    r.street = key(s) == s.district ? std::string() : s.street;
    r.sites += 1;
    r.counts += s.counts;
  }
  std::vector<ScoreEntry> out;
  for (auto& [k, e] : pooled) {
    ScoreEntryRates(policy, &e);
    out.push_back(std::move(e));
  }
  RankEntries(&out);
  return out;
}

}  // namespace

PeriodScores ScoreBook::Scores(CivilMonth period, uint64_t as_of) const {
  const Impl& s = *impl_;
  PeriodScores out;
  out.period = period;
  out.as_of = as_of;
  PolicyBook book = PoliciesAt(as_of);
  out.policy = book.ForMonth(period);
  const Micros start = CohortStart(period, book), end = CohortStart(NextMonth(period), book);

  std::vector<ScoreCounts> counts(s.sites.size());
  auto first = std::lower_bound(s.demands.begin(), s.demands.end(), start,
                                [](const DemandRecord& d, Micros t) { return d.raised_at < t; });
  for (auto it = first; it != s.demands.end() && it->raised_at < end && it->raised_position <= as_of; ++it) {
    counts[it->site] += Contribution(*it, as_of);
  }
  for (size_t i = 0; i < s.sites.size(); ++i) {
    const SiteHistory& h = s.sites[i];
    if (h.registered_position > as_of) continue;
    for (const auto& [pos, held] : h.activities) {
      if (pos <= as_of && held >= start && held < end) ++counts[i].activities;
    }
    ScoreEntry e;
    e.id = h.id;
    if (const SiteInfo* info = InfoAt(h, as_of)) {
      e.name = info->name;
      e.district = info->district;
      e.street = info->street;
      e.community = info->community;
    }
    e.counts = counts[i];
    ScoreEntryRates(out.policy, &e);
    out.sites.push_back(std::move(e));
  }
  RankEntries(&out.sites);
  NameLists(out.sites, &out.red_list, &out.black_list);
  // Street names repeat across districts: a street is keyed within its district.
  out.streets = RollUp(out.sites, out.policy, [](const ScoreEntry& e) { return e.district + "/" + e.street; });
  out.districts = RollUp(out.sites, out.policy, [](const ScoreEntry& e) { return e.district; });
  return out;
}

}  // namespace redledger
