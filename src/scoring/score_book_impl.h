// Internal: ScoreBook's state. Demands are kept in raise order, which is
// also recorded_at order (the store never lets time go backwards), so a
// cohort is a contiguous range found by binary search.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "redledger/scoring.h"
#include "scoring/demand_facts.h"

namespace redledger {

// Hash maps keyed by std::string that look up by string_view.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct SiteInfo {
  std::string name, district, street, community;
};

struct SiteHistory {
  std::string id;
  uint64_t registered_position = 0;  // the first event naming the site
  std::vector<std::pair<uint64_t, SiteInfo>> versions;  // (position, info after it)
  std::vector<std::pair<uint64_t, Micros>> activities;  // (position, held_at)
};

class ScoreBook::Impl {
 public:
  Status Apply(const Envelope& e);

  uint64_t position = 0;
  std::vector<scoring_internal::DemandRecord> demands;
  StringMap<uint32_t> demand_index;
  std::vector<SiteHistory> sites;
  StringMap<uint32_t> site_index;
  PolicyBook policies;                 // current
  std::vector<Envelope> policy_events;  // to rebuild the book as of a position
  std::map<CivilMonth, NoticeInfo> notices;

 private:
  uint32_t SiteIndex(std::string_view id, uint64_t position);
  Status ApplyRaised(const Envelope& e);
  Status ApplyStep(const Envelope& e, scoring_internal::StepKind kind);
  Status ApplySite(const Envelope& e);
  Status ApplyActivity(const Envelope& e);
  Status ApplyNotice(const Envelope& e);
};

}  // namespace redledger
