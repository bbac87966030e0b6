// Rates, composite, ranks and lists (DESIGN §5) in integer arithmetic; the
// rules are written down in include/redledger/scoring.h.
#include <algorithm>

#include "redledger/scoring.h"

namespace redledger {
namespace {

// round(n / d) half up, for n >= 0, d > 0.
int64_t RoundDiv(int64_t n, int64_t d) { return (2 * n + d) / (2 * d); }

bool LowerIsBetter(std::string_view rate) { return rate == "return" || rate == "reopen"; }

struct Fraction {
  int64_t numerator, denominator;
};

Fraction FractionOf(std::string_view rate, const ScoreCounts& c, int64_t factor) {
  if (rate == "response") return {c.responded_on_time, c.raised};
  if (rate == "resolution") return {c.resolved_not_reopened, c.accepted};
  if (rate == "on_time") return {c.resolved_on_time, c.resolved};
  if (rate == "satisfaction") return {1000 * c.satisfied + factor * c.basically_satisfied, 1000 * c.evaluated};
  if (rate == "return") return {c.returned, c.assigned};
  if (rate == "reopen") return {c.reopened, c.resolved};
  return {c.publicized_before_resolution, c.accepted};  // publicity
}

}  // namespace

ScoreCounts& ScoreCounts::operator+=(const ScoreCounts& o) {
  raised += o.raised;
  responded_on_time += o.responded_on_time;
  accepted += o.accepted;
  declined += o.declined;
  assigned += o.assigned;
  returned += o.returned;
  resolved += o.resolved;
  resolved_not_reopened += o.resolved_not_reopened;
  resolved_on_time += o.resolved_on_time;
  reopened += o.reopened;
  evaluated += o.evaluated;
  satisfied += o.satisfied;
  basically_satisfied += o.basically_satisfied;
  dissatisfied += o.dissatisfied;
  publicized_before_resolution += o.publicized_before_resolution;
  activities += o.activities;
  return *this;
}

void ScoreEntryRates(const Policy& policy, ScoreEntry* entry) {
  entry->rates.clear();
  int64_t weight_sum = 0, weighted = 0;
  for (std::string_view name : kRateNames) {
    RateScore r;
    r.name = std::string(name);
    auto w = policy.weights.find(r.name);
    r.weight = w == policy.weights.end() ? 0 : w->second;
    Fraction f = FractionOf(name, entry->counts, policy.basically_satisfied_factor);
    r.numerator = f.numerator;
    r.denominator = f.denominator;
    if (f.denominator > 0) {
      r.rate_x100 = RoundDiv(10000 * f.numerator, f.denominator);
      weight_sum += r.weight;
      weighted += r.weight * (LowerIsBetter(name) ? 10000 - *r.rate_x100 : *r.rate_x100);
    }
    entry->rates.push_back(std::move(r));
  }
  entry->composite_x100.reset();
  entry->rank.reset();
  if (weight_sum == 0) return;
  entry->composite_x100 = RoundDiv(weighted, weight_sum);
  for (RateScore& r : entry->rates) {
    if (!r.rate_x100) continue;
    int64_t v = LowerIsBetter(r.name) ? 10000 - *r.rate_x100 : *r.rate_x100;
    r.points_x100 = RoundDiv(r.weight * v, weight_sum);
  }
}

void RankEntries(std::vector<ScoreEntry>* entries) {
  std::sort(entries->begin(), entries->end(), [](const ScoreEntry& a, const ScoreEntry& b) {
    if (a.composite_x100.has_value() != b.composite_x100.has_value()) return a.composite_x100.has_value();
    if (a.composite_x100 && *a.composite_x100 != *b.composite_x100) return *a.composite_x100 > *b.composite_x100;
    return a.id < b.id;
  });
  for (size_t i = 0; i < entries->size(); ++i) {
    ScoreEntry& e = (*entries)[i];
    if (!e.composite_x100) {
      e.rank.reset();
      continue;
    }
    bool tied = i > 0 && (*entries)[i - 1].composite_x100 == e.composite_x100;
    e.rank = tied ? (*entries)[i - 1].rank : std::optional<int64_t>(static_cast<int64_t>(i) + 1);
  }
}

void NameLists(const std::vector<ScoreEntry>& sites, std::vector<std::string>* red,
               std::vector<std::string>* black) {
  red->clear();
  black->clear();
  size_t n = 0;
  while (n < sites.size() && sites[n].composite_x100) ++n;
  const int64_t k = static_cast<int64_t>(std::min<size_t>(5, n / 2));
  // below[i]: how many ranked sites score strictly lower than sites[i].
  std::vector<int64_t> below(n);
  for (size_t i = n; i-- > 0;) {
    bool tied = i + 1 < n && sites[i + 1].composite_x100 == sites[i].composite_x100;
    below[i] = tied ? below[i + 1] : static_cast<int64_t>(n - 1 - i);
  }
  for (size_t i = 0; i < n; ++i) {
    bool top = *sites[i].rank <= k;
    bool bottom = below[i] + 1 <= k;
    if (top && !bottom) red->push_back(sites[i].id);
    if (bottom && !top) black->push_back(sites[i].id);
  }
}

}  // namespace redledger
