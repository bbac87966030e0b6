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
// without parsing; members are read with EventFields (event_fields.h).
#include <algorithm>
#include <unordered_map>

#include "redledger/scoring.h"
#include "scoring/demand_facts.h"
#include "scoring/event_fields.h"
#include "scoring/score_book_impl.h"

namespace redledger {

using namespace scoring_internal;

namespace {

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

uint32_t ScoreBook::Impl::SiteIndex(std::string_view id, uint64_t position) {
  auto found = site_index.find(id);
  if (found != site_index.end()) return found->second;
  const auto index = static_cast<uint32_t>(sites.size());
  site_index.emplace(std::string(id), index);
  SiteHistory h;
  h.id = std::string(id);
  h.registered_position = position;
  sites.push_back(std::move(h));
  return index;
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
  EventFields f(e);
  auto id = f.Str("demand_id");
  auto site = f.Str("site_id");
  auto due = f.Time("response_due_at");
  if (!id.ok()) return id.status();
  if (!site.ok()) return site.status();
  if (!due.ok()) return due.status();
  if (!demand_index.try_emplace(std::string(*id), static_cast<uint32_t>(demands.size())).second)
    return f.Bad("raised twice");
  DemandRecord d;
  d.raised_position = e.position;
  d.raised_at = e.recorded_at;
  d.response_due = *due;
  d.site = SiteIndex(*site, e.position);
  d.steps.reserve(6);  // a typical lifecycle: one allocation instead of three
  demands.push_back(std::move(d));
  return Status::OK();
}

Status ScoreBook::Impl::ApplyStep(const Envelope& e, StepKind kind) {
  EventFields f(e);
  auto it = demand_index.find(DemandIdOfStream(e.stream));
  if (it == demand_index.end()) return f.Bad("unknown demand");
  Step s;
  s.position = e.position;
  s.at = e.recorded_at;
  s.kind = kind;
  switch (kind) {
    case StepKind::kExtended: {
      auto extended = f.Bool("extended");
      if (!extended.ok()) return extended.status();
      if (!*extended) return Status::OK();
      [[fallthrough]];
    }
    case StepKind::kAccepted:
    case StepKind::kAssigned:
    case StepKind::kReopened: {
      auto due = f.Time("resolve_due_at");
      if (!due.ok()) return due.status();
      s.due = *due;
      break;
    }
    case StepKind::kEvaluated: {
      auto r = f.Str("rating");
      if (!r.ok()) return r.status();
      if (*r == "satisfied") s.rating = Rating::kSatisfied;
      else if (*r == "basically_satisfied") s.rating = Rating::kBasicallySatisfied;
      else if (*r == "dissatisfied") s.rating = Rating::kDissatisfied;
      else return f.Bad("unknown rating");
      break;
    }
    case StepKind::kDuplicate: {  // demand.closed: only a duplicate changes the scores
      auto reason = f.Str("reason");
      if (!reason.ok()) return reason.status();
      if (*reason != "duplicate") return Status::OK();
      break;
    }
    default:
      break;
  }
  demands[it->second].steps.push_back(s);
  return Status::OK();
}

Status ScoreBook::Impl::ApplySite(const Envelope& e) {
  EventFields f(e);
  auto id = f.Str("site_id");
  if (!id.ok()) return id.status();
  SiteHistory& h = sites[SiteIndex(*id, e.position)];
  SiteInfo info = h.versions.empty() ? SiteInfo{} : h.versions.back().second;
  for (auto [key, member] : {std::pair{"name", &SiteInfo::name}, std::pair{"district", &SiteInfo::district},
                             std::pair{"street", &SiteInfo::street}, std::pair{"community", &SiteInfo::community}}) {
    if (auto v = f.OptStr(key)) info.*member = std::string(*v);
  }
  if (e.type == "site.registered") h.registered_position = std::min(h.registered_position, e.position);
  h.versions.emplace_back(e.position, std::move(info));
  return Status::OK();
}

Status ScoreBook::Impl::ApplyActivity(const Envelope& e) {
  EventFields f(e);
  auto id = f.Str("site_id");
  auto held = f.Time("held_at");
  if (!id.ok()) return id.status();
  if (!held.ok()) return held.status();
  sites[SiteIndex(*id, e.position)].activities.emplace_back(e.position, *held);
  return Status::OK();
}

Status ScoreBook::Impl::ApplyNotice(const Envelope& e) {
  EventFields f(e);
  auto period = f.Str("period");
  auto cutoff = f.Int("cutoff_position");
  if (!period.ok()) return period.status();
  if (!cutoff.ok()) return cutoff.status();
  auto month = ParseMonth(*period);
  if (!month.ok() || *cutoff < 0 || static_cast<uint64_t>(*cutoff) >= e.position) return f.Bad("malformed notice");
  notices.try_emplace(*month, NoticeInfo{*month, static_cast<uint64_t>(*cutoff), e.position});
  return Status::OK();
}

std::string ScoreBook::SiteAffectedBy(const Envelope& e) const {
  const Impl& s = *impl_;
  if (e.type == "policy.set") return "*";
  if (e.type == "site.registered" || e.type == "site.updated" || e.type == "site.activity_recorded") {
    std::string_view stream = e.stream;
    return stream.starts_with("site-") ? std::string(stream.substr(5)) : std::string();
  }
  if (!e.type.starts_with("demand.")) return {};
  auto it = s.demand_index.find(DemandIdOfStream(e.stream));
  return it == s.demand_index.end() ? std::string() : s.sites[s.demands[it->second].site].id;
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
