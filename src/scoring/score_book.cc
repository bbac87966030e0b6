// ScoreBook: the scoring fold (DESIGN §5). What it reads of each event:
//
//   demand.raised       {demand_id, site_id, response_due_at}  -> a record
//   demand.accepted     {resolve_due_at}                        -> kAccepted
//   demand.declined                                              -> kDeclined
//   demand.assigned     {resolve_due_at}                        -> kAssigned
//   demand.returned                                              -> kReturned
//   demand.publicized                                            -> kPublicized
//   demand.supervised   {extended, resolve_due_at}              -> kExtended when extended
//   demand.resolved                                              -> kResolved
//   demand.evaluated    {rating}                                 -> kEvaluated
//   demand.reopened     {resolve_due_at}                        -> kReopened
//   demand.closed       {reason}                                 -> kDuplicate for "duplicate"
//   site.registered / site.updated {site_id, name, district, street, community}
//   site.activity_recorded {site_id, held_at}
//   policy.set          (PolicyBook::Apply)
//   notice.published    {period, cutoff_position}               the first per period stands
//
// Step times are the envelope's recorded_at. Other types are skipped
// without parsing.
#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>

#include "redledger/scoring.h"
#include "scoring/demand_facts.h"
#include "scoring/score_book_impl.h"

namespace redledger {

using namespace scoring_internal;
namespace json = boost::json;

namespace {

const json::value* Field(const json::object& o, std::string_view k) { return o.if_contains(k); }

Status Bad(const Envelope& e, std::string_view what) {
  return Status::Corruption("scoring: " + e.type + " at position " + std::to_string(e.position) + ": " +
                            std::string(what));
}

Result<std::string> Str(const Envelope& e, const json::object& o, std::string_view k) {
  const json::value* v = Field(o, k);
  if (!v || !v->is_string()) return Bad(e, std::string(k) + " missing");
  return std::string(v->as_string());
}

Result<Micros> Time(const Envelope& e, const json::object& o, std::string_view k) {
  const json::value* v = Field(o, k);
  if (!v || !v->is_string()) return Bad(e, std::string(k) + " missing");
  auto t = ParseRfc3339(v->as_string());
  if (!t.ok()) return Bad(e, std::string(k) + " is not a time");
  return *t;
}

Result<json::object> ParseData(const Envelope& e) {
  boost::system::error_code ec;
  json::value v = json::parse(e.data, ec);
  if (ec || !v.is_object()) return Bad(e, "data is not an object");
  return std::move(v.as_object());
}

std::optional<StepKind> DemandStepKind(std::string_view type) {
  static const std::unordered_map<std::string_view, StepKind> kinds = {
      {"demand.accepted", StepKind::kAccepted},   {"demand.declined", StepKind::kDeclined},
      {"demand.assigned", StepKind::kAssigned},   {"demand.returned", StepKind::kReturned},
      {"demand.publicized", StepKind::kPublicized}, {"demand.supervised", StepKind::kExtended},
      {"demand.resolved", StepKind::kResolved},   {"demand.evaluated", StepKind::kEvaluated},
      {"demand.reopened", StepKind::kReopened},   {"demand.closed", StepKind::kDuplicate}};
  auto it = kinds.find(type);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

}  // namespace

ScoreBook::ScoreBook() : impl_(std::make_unique<Impl>()) {}
ScoreBook::~ScoreBook() = default;
ScoreBook::ScoreBook(ScoreBook&&) noexcept = default;
ScoreBook& ScoreBook::operator=(ScoreBook&&) noexcept = default;

uint64_t ScoreBook::position() const { return impl_->position; }

Status ScoreBook::Apply(const Envelope& e) {
  Status s = impl_->Apply(e);
  if (s.ok()) impl_->position = e.position;
  return s;
}

uint32_t ScoreBook::Impl::SiteIndex(const std::string& id, uint64_t position) {
  auto [it, inserted] = site_index.try_emplace(id, static_cast<uint32_t>(sites.size()));
  if (inserted) {
    SiteHistory h;
    h.id = id;
    h.registered_position = position;
    sites.push_back(std::move(h));
  }
  return it->second;
}

Status ScoreBook::Impl::Apply(const Envelope& e) {
  const std::string& t = e.type;
  if (t == "demand.raised") return ApplyRaised(e);
  if (auto kind = DemandStepKind(t)) return ApplyStep(e, *kind);
  if (t == "site.registered" || t == "site.updated") return ApplySite(e);
  if (t == "site.activity_recorded") return ApplyActivity(e);
  if (t == "policy.set") {
    REDLEDGER_RETURN_IF_ERROR(policies.Apply(e));
    policy_events.push_back(e);
    return Status::OK();
  }
  if (t == kNoticePublished) return ApplyNotice(e);
  return Status::OK();
}

Status ScoreBook::Impl::ApplyRaised(const Envelope& e) {
  auto o = ParseData(e);
  if (!o.ok()) return o.status();
  auto id = Str(e, *o, "demand_id");
  auto site = Str(e, *o, "site_id");
  auto due = Time(e, *o, "response_due_at");
  if (!id.ok()) return id.status();
  if (!site.ok()) return site.status();
  if (!due.ok()) return due.status();
  if (!demand_index.try_emplace(*id, static_cast<uint32_t>(demands.size())).second) return Bad(e, "raised twice");
  DemandRecord d;
  d.raised_position = e.position;
  d.raised_at = e.recorded_at;
  d.response_due = *due;
  d.site = SiteIndex(*site, e.position);
  demands.push_back(std::move(d));
  return Status::OK();
}

Status ScoreBook::Impl::ApplyStep(const Envelope& e, StepKind kind) {
  std::string_view id = DemandIdOfStream(e.stream);
  auto it = demand_index.find(std::string(id));
  if (it == demand_index.end()) return Bad(e, "unknown demand");
  Step s;
  s.position = e.position;
  s.at = e.recorded_at;
  s.kind = kind;
  bool needs_data = kind == StepKind::kAccepted || kind == StepKind::kAssigned || kind == StepKind::kReopened ||
                    kind == StepKind::kExtended || kind == StepKind::kEvaluated || kind == StepKind::kDuplicate;
  if (needs_data) {
    auto o = ParseData(e);
    if (!o.ok()) return o.status();
    switch (kind) {
      case StepKind::kExtended: {
        const json::value* ext = Field(*o, "extended");
        if (!ext || !ext->is_bool()) return Bad(e, "extended missing");
        if (!ext->as_bool()) return Status::OK();
        [[fallthrough]];
      }
      case StepKind::kAccepted:
      case StepKind::kAssigned:
      case StepKind::kReopened: {
        auto due = Time(e, *o, "resolve_due_at");
        if (!due.ok()) return due.status();
        s.due = *due;
        break;
      }
      case StepKind::kEvaluated: {
        auto r = Str(e, *o, "rating");
        if (!r.ok()) return r.status();
        if (*r == "satisfied") s.rating = Rating::kSatisfied;
        else if (*r == "basically_satisfied") s.rating = Rating::kBasicallySatisfied;
        else if (*r == "dissatisfied") s.rating = Rating::kDissatisfied;
        else return Bad(e, "unknown rating");
        break;
      }
      default: {  // demand.closed: only a duplicate changes the scores
        auto reason = Str(e, *o, "reason");
        if (!reason.ok()) return reason.status();
        if (*reason != "duplicate") return Status::OK();
        break;
      }
    }
  }
  demands[it->second].steps.push_back(s);
  return Status::OK();
}

Status ScoreBook::Impl::ApplySite(const Envelope& e) {
  auto o = ParseData(e);
  if (!o.ok()) return o.status();
  auto id = Str(e, *o, "site_id");
  if (!id.ok()) return id.status();
  SiteHistory& h = sites[SiteIndex(*id, e.position)];
  SiteInfo info = h.versions.empty() ? SiteInfo{} : h.versions.back().second;
  for (auto [key, member] : {std::pair{"name", &SiteInfo::name}, std::pair{"district", &SiteInfo::district},
                             std::pair{"street", &SiteInfo::street}, std::pair{"community", &SiteInfo::community}}) {
    const json::value* v = Field(*o, key);
    if (v && v->is_string()) info.*member = std::string(v->as_string());
  }
  if (e.type == "site.registered") h.registered_position = std::min(h.registered_position, e.position);
  h.versions.emplace_back(e.position, std::move(info));
  return Status::OK();
}

Status ScoreBook::Impl::ApplyActivity(const Envelope& e) {
  auto o = ParseData(e);
  if (!o.ok()) return o.status();
  auto id = Str(e, *o, "site_id");
  auto held = Time(e, *o, "held_at");
  if (!id.ok()) return id.status();
  if (!held.ok()) return held.status();
  sites[SiteIndex(*id, e.position)].activities.emplace_back(e.position, *held);
  return Status::OK();
}

Status ScoreBook::Impl::ApplyNotice(const Envelope& e) {
  auto o = ParseData(e);
  if (!o.ok()) return o.status();
  auto period = Str(e, *o, "period");
  if (!period.ok()) return period.status();
  auto month = ParseMonth(*period);
  const json::value* cutoff = Field(*o, "cutoff_position");
  if (!month.ok() || !cutoff || !cutoff->is_int64() || cutoff->as_int64() < 0 ||
      static_cast<uint64_t>(cutoff->as_int64()) >= e.position)
    return Bad(e, "malformed notice");
  notices.try_emplace(*month, NoticeInfo{*month, static_cast<uint64_t>(cutoff->as_int64()), e.position});
  return Status::OK();
}

PolicyBook ScoreBook::PoliciesAt(uint64_t as_of) const {
  const auto& events = impl_->policy_events;
  if (events.empty() || events.back().position <= as_of) return impl_->policies;
  PolicyBook book;
  for (const Envelope& e : events) {
    if (e.position > as_of) break;
    book.Apply(e).IgnoreError();  // folded once already in Apply
  }
  return book;
}

NoticeInfo ScoreBook::Notice(CivilMonth period, uint64_t as_of) const {
  auto it = impl_->notices.find(period);
  if (it != impl_->notices.end() && it->second.published_position <= as_of) return it->second;
  return NoticeInfo{period, as_of, 0};
}

}  // namespace redledger
