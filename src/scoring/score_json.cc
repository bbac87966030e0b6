// JSON documents of scores and notices. Keys are written in RFC 8785 order
// (all keys are ASCII, so byte order) and numbers are integers, so every
// document is canonical JSON: the same scores give the same bytes.
#include <algorithm>
#include <map>

#include "redledger/codec.h"
#include "redledger/scoring.h"

namespace redledger {
namespace {

// Members sorted by key on Done().
class Members {
 public:
  Members& Raw(std::string_view k, std::string v) {
    m_[std::string(k)] = std::move(v);
    return *this;
  }
  Members& Str(std::string_view k, std::string_view v) {
    std::string s;
    AppendJsonString(&s, v);
    return Raw(k, std::move(s));
  }
  Members& Int(std::string_view k, int64_t v) { return Raw(k, std::to_string(v)); }
  Members& OptInt(std::string_view k, const std::optional<int64_t>& v) {
    return Raw(k, v ? std::to_string(*v) : "null");
  }
  std::string Done() const {
    std::string out = "{";
    for (const auto& [k, v] : m_) {
      if (out.size() > 1) out += ',';
      AppendJsonString(&out, k);
      out += ':';
      out += v;
    }
    return out + "}";
  }

 private:
  std::map<std::string, std::string> m_;
};

std::string Array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  return out + "]";
}

std::string StrArray(const std::vector<std::string>& v) {
  std::vector<std::string> items;
  for (const auto& s : v) {
    items.emplace_back();
    AppendJsonString(&items.back(), s);
  }
  return Array(items);
}

std::string CountsJson(const ScoreCounts& c) {
  return Members()
      .Int("accepted", c.accepted)
      .Int("activities", c.activities)
      .Int("assigned", c.assigned)
      .Int("basically_satisfied", c.basically_satisfied)
      .Int("declined", c.declined)
      .Int("dissatisfied", c.dissatisfied)
      .Int("evaluated", c.evaluated)
      .Int("publicized_before_resolution", c.publicized_before_resolution)
      .Int("raised", c.raised)
      .Int("reopened", c.reopened)
      .Int("resolved", c.resolved)
      .Int("resolved_not_reopened", c.resolved_not_reopened)
      .Int("resolved_on_time", c.resolved_on_time)
      .Int("responded_on_time", c.responded_on_time)
      .Int("returned", c.returned)
      .Int("satisfied", c.satisfied)
      .Done();
}

std::string RatesJson(const std::vector<RateScore>& rates) {
  Members m;
  for (const RateScore& r : rates) {
    m.Raw(r.name, Members()
                      .Int("denominator", r.denominator)
                      .Int("numerator", r.numerator)
                      .OptInt("points_x100", r.points_x100)
                      .OptInt("rate_x100", r.rate_x100)
                      .Int("weight", r.weight)
                      .Done());
  }
  return m.Done();
}

enum class Kind { kSite, kStreet, kDistrict };

Members EntryMembers(const ScoreEntry& e, Kind kind) {
  Members m;
  m.OptInt("composite_x100", e.composite_x100)
      .Raw("counts", CountsJson(e.counts))
      .OptInt("rank", e.rank)
      .Raw("rates", RatesJson(e.rates))
      .Str("district", e.district);
  if (kind == Kind::kSite) {
    m.Str("site_id", e.id).Str("name", e.name).Str("street", e.street).Str("community", e.community);
  } else {
    m.Int("sites", e.sites);
    if (kind == Kind::kStreet) m.Str("street", e.street);
  }
  return m;
}

std::string Entries(const std::vector<ScoreEntry>& v, Kind kind) {
  std::vector<std::string> items;
  for (const ScoreEntry& e : v) items.push_back(EntryMembers(e, kind).Done());
  return Array(items);
}

Members ScoreMembers(const PeriodScores& s) {
  Members m;
  // Policy::ToJson is the canonical `policy.set` data form.
  m.Int("as_of", static_cast<int64_t>(s.as_of)).Str("period", FormatMonth(s.period)).Raw("policy", s.policy.ToJson());
  return m;
}

}  // namespace

std::string ScoresJson(const PeriodScores& s) {
  return ScoreMembers(s)
      .Raw("sites", Entries(s.sites, Kind::kSite))
      .Raw("streets", Entries(s.streets, Kind::kStreet))
      .Raw("districts", Entries(s.districts, Kind::kDistrict))
      .Done();
}

Result<std::string> SiteScoresJson(const PeriodScores& s, std::string_view site_id) {
  auto it = std::find_if(s.sites.begin(), s.sites.end(), [&](const ScoreEntry& e) { return e.id == site_id; });
  if (it == s.sites.end()) return Status::NotFound("site " + std::string(site_id) + " is not registered");
  return ScoreMembers(s).Raw("site", EntryMembers(*it, Kind::kSite).Done()).Done();
}

std::string NoticeJson(const NoticeInfo& info, const PeriodScores& s) {
  bool published = info.published_position != 0;
  return ScoreMembers(s)
      .Raw("sites", Entries(s.sites, Kind::kSite))
      .Raw("streets", Entries(s.streets, Kind::kStreet))
      .Raw("districts", Entries(s.districts, Kind::kDistrict))
      .Str("status", published ? "published" : "provisional")
      .Int("cutoff_position", static_cast<int64_t>(info.cutoff_position))
      .OptInt("published_position",
              published ? std::optional<int64_t>(static_cast<int64_t>(info.published_position)) : std::nullopt)
      .Raw("red_list", StrArray(s.red_list))
      .Raw("black_list", StrArray(s.black_list))
      .Done();
}

}  // namespace redledger
