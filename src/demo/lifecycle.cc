#include "demo/lifecycle.h"

#include <algorithm>
#include <iterator>

#include "demo/json_body.h"
#include "demo/texts.h"
#include "redledger/encoding.h"

namespace redledger::demo {

namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = kMicrosPerHour;
constexpr Micros kDay = kMicrosPerDay;
constexpr int kCityOffsetMinutes = 8 * 60;

// Office hours in the city's zone, as minutes of the local day.
struct Hours {
  int from, to;
};
constexpr Hours kOffice{8 * 60 + 30, 17 * 60 + 30};  // community, supervisor
constexpr Hours kField{8 * 60, 20 * 60};              // handlers
constexpr Hours kAwake{8 * 60, 21 * 60};              // residents, grid leaders

Micros Between(Rng& rng, Micros lo, Micros hi) { return rng.Between(lo, hi); }

// `t`, or the start of the next working period plus a little when `t` falls
// outside the hours.
Micros Within(Micros t, Hours h, Rng& rng) {
  int64_t minute = ((t / kMinute + kCityOffsetMinutes) % 1440 + 1440) % 1440;
  if (minute >= h.from && minute < h.to) return t;
  int64_t wait = (h.from - minute + 1440) % 1440;
  return t - (t % kMinute) + wait * kMinute + Between(rng, 0, 45 * kMinute);
}

bool IsOpenStatus(const std::string& s) { return s == "raised" || s == "accepted" || s == "assigned"; }

const char* Line(Rng& rng, Lines lines) { return lines[rng.Below(lines.size())]; }

}  // namespace

Lifecycle::Lifecycle(const City* city, Commander* cmd, uint64_t seed, Schedule schedule)
    : city_(city), cmd_(cmd), seed_(seed), schedule_(std::move(schedule)) {
  for (const SitePlan& s : city->sites) site_weights_.push_back(s.weight);
}

void Lifecycle::Plan(Demand* d) {
  Rng& r = d->rng;
  d->decline = !d->duplicate && r.Chance(50);
  d->late_response = r.Chance(70);
  d->urge_response = d->late_response && r.Chance(400);
  d->publicize = r.Chance(550);
  d->publicize_after_assign = r.Chance(300);
  d->wrong_unit = r.Chance(80);
  d->direct_reassign = !d->wrong_unit && r.Chance(25);
  d->due_override = d->urgency == Urgency::kRoutine && r.Chance(40);
  static const int kSupervision[] = {900, 50, 50};
  d->supervision = static_cast<Supervision>(r.Weighted(kSupervision));
  d->late_resolve = d->supervision != Supervision::kExtend && r.Chance(110);
  static const int kNotes[] = {30, 40, 20, 10};
  d->progress_notes = static_cast<int>(r.Weighted(kNotes));
  static const int kOutcome[] = {620, 180, 60, 80, 60};
  static const int kSecond[] = {500, 300, 0, 120, 80};
  d->outcome = static_cast<Outcome>(r.Weighted(kOutcome));
  d->second_outcome = static_cast<Outcome>(r.Weighted(kSecond));
  d->right_unit = RightUnit(d);
  d->first_unit = d->wrong_unit || d->direct_reassign ? WrongUnit(d) : d->right_unit;
}

size_t Lifecycle::RightUnit(Demand* d) {
  const SitePlan& s = city_->sites[d->site];
  Rng& r = d->rng;
  size_t branch = s.compounds[d->compound].branch;
  const std::string_view cat = kCategoryNames[d->category];
  if (cat == "heating") return r.Chance(600) ? s.utilities[kHeat] : branch;
  if (cat == "water") return r.Chance(400) ? s.utilities[kWater] : branch;
  if (cat == "drainage") return r.Chance(450) ? s.utilities[kDrain] : branch;
  if (cat == "sanitation") return r.Chance(400) ? s.utilities[kSanitation] : branch;
  if (cat == "greening") return r.Chance(450) ? s.utilities[kGreening] : branch;
  if (cat == "security") return r.Chance(300) ? s.police : branch;
  if (cat == "parking") {
    uint64_t x = r.Below(100);
    if (x < 55) return branch;
    if (x < 80 || !s.owner_committee) return s.urban;
    return *s.owner_committee;
  }
  if (cat == "noise") {
    uint64_t x = r.Below(100);
    if (x < 50) return s.urban;
    if (x < 70 && s.functional_branch) return *s.functional_branch;
    return branch;
  }
  if (cat == "other" && s.functional_branch && r.Chance(300)) return *s.functional_branch;
  return branch;  // lifts and the rest: the property branch
}

size_t Lifecycle::WrongUnit(Demand* d) {
  const SitePlan& s = city_->sites[d->site];
  size_t branch = s.compounds[d->compound].branch;
  if (d->right_unit != branch) return branch;
  std::vector<size_t> others(std::begin(s.utilities), std::end(s.utilities));
  others.push_back(s.police);
  others.push_back(s.urban);
  return others[d->rng.Below(others.size())];
}

Result<CommandResult> Lifecycle::Run(Demand* d, const Principal& actor, std::string_view command,
                                     const std::string& body) {
  auto r = cmd_->Demand(actor, d->id, command, body);
  if (r.ok()) d->status = r->status;
  return r;
}

std::string Lifecycle::Attachments(const Demand& d, std::string_view what) {
  std::string url = "https://files.redledger.example/demo/" + d.id + "/" + std::string(what) + ".jpg";
  return "[" + Body().Str("url", url).Str("sha256", HexEncode(Sha256(url))).Done() + "]";
}

Status Lifecycle::Raise(uint64_t index) {
  Demand d;
  d.rng = Rng(Mix(seed_, index));
  Rng& r = d.rng;
  Micros now = cmd_->now();
  int month = MonthAt(now, kCityOffsetMinutes).month;
  d.site = static_cast<uint32_t>(r.Weighted(site_weights_));
  // Now and then another resident reports what is already open at a site.
  if (r.Chance(30) && !recent_.empty()) {
    auto it = active_.find(recent_[r.Below(recent_.size())]);
    if (it != active_.end() && IsOpenStatus(it->second.status) && !it->second.duplicate) {
      const Demand& s = it->second;
      d.duplicate = true;
      d.survivor = it->first;
      d.site = s.site;
      d.compound = s.compound;
      d.grid = s.grid;
      d.category = s.category;
      d.text = s.text;
      d.urgency = s.urgency;
      d.building = s.building;
      d.title = "又有居民反映：" + s.title;
    }
  }
  const SitePlan* site = &city_->sites[d.site];
  const DemandText* text;
  if (d.duplicate) {
    text = &TextsOf(d.category)[d.text];
  } else {
    int weights[kCategoryCount];
    for (int c = 0; c < kCategoryCount; ++c) weights[c] = kCategoryMonthWeights[c][month - 1];
    d.category = static_cast<uint8_t>(r.Weighted(weights));
    std::vector<uint8_t> in_season;
    auto texts = TextsOf(d.category);
    for (size_t i = 0; i < texts.size(); ++i) {
      if (InSeason(texts[i].season, month)) in_season.push_back(static_cast<uint8_t>(i));
    }
    d.text = in_season[r.Below(in_season.size())];
    text = &texts[d.text];
    d.urgency = text->urgency;
    if (r.Chance(250)) {
      size_t k = site->residents[r.Below(site->residents.size())];
      const ResidentPlan& res = city_->residents[k];
      d.resident = static_cast<int32_t>(k);
      d.compound = static_cast<uint32_t>(res.compound);
      d.building = res.building;
    } else {
      std::vector<int> w;
      for (const CompoundPlan& c : site->compounds) w.push_back(c.weight);
      d.compound = static_cast<uint32_t>(r.Weighted(w));
      d.building = std::to_string(r.Between(1, site->compounds[d.compound].buildings)) + "号楼" +
                   std::to_string(r.Between(1, 6)) + "单元";
    }
    const auto& grids = site->compounds[d.compound].grids;
    d.grid = static_cast<uint32_t>(grids[r.Below(grids.size())]);
  }
  const CompoundPlan& compound = site->compounds[d.compound];
  if (!d.duplicate) d.title = Fill(text->title, d.building, compound.name);

  Body location;
  location.Str("compound_id", compound.id).Str("building", d.building).Str("grid_id", city_->grids[d.grid].id);
  Body body;
  body.Str("site_id", site->id)
      .Str("category", kCategoryNames[d.category])
      .Str("title", d.title)
      .Str("description", Fill(text->description, d.building, compound.name))
      .Str("urgency", UrgencyName(d.urgency));
  const Principal* raiser;
  if (d.resident >= 0) {
    const ResidentPlan& res = city_->residents[d.resident];
    raiser = &res.principal;
    body.Str("channel", r.Chance(750) ? "app" : "red_station")
        .Raw("location", location.Done())
        .Raw("reporter", Body().Str("name", res.name).Str("phone", res.phone).Done());
  } else {
    static const char* const kChannels[] = {"grid_visit", "hotline", "red_station", "walk_in"};
    static const int kChannelWeights[] = {45, 25, 15, 15};
    int k = static_cast<int>(r.Below(kReportersPerGrid));
    raiser = &city_->grids[d.grid].leader;
    body.Str("channel", kChannels[r.Weighted(kChannelWeights)])
        .Raw("location", location.Done())
        .Raw("reporter", Body()
                             .Str("name", ReporterName(seed_, d.grid, k))
                             .Str("phone", ReporterPhone(d.grid, k))
                             .Done());
  }
  if (r.Chance(150)) {  // a resident's photo; the demand id does not exist yet
    std::string url = "https://files.redledger.example/demo/raise-" + std::to_string(seed_) + "-" +
                      std::to_string(index) + ".jpg";
    body.Raw("attachments", "[" + Body().Str("url", url).Str("sha256", HexEncode(Sha256(url))).Done() + "]");
  }
  auto res = cmd_->Raise(*raiser, body.Done());
  if (!res.ok()) return res.status();
  d.id = res->id;
  d.status = res->status;
  Plan(&d);
  if (sample_.empty() && d.site == 0 && d.publicize && !d.decline && !d.duplicate) sample_ = d.id;
  if (!d.duplicate) {
    recent_.push_back(index);
    if (recent_.size() > 32) recent_.pop_front();
  }
  auto [it, inserted] = active_.emplace(index, std::move(d));
  peak_ = std::max(peak_, active_.size());
  PlanResponse(index, &it->second);
  return Status::OK();
}

void Lifecycle::PlanResponse(uint64_t index, Demand* d) {
  Rng& r = d->rng;
  Micros now = cmd_->now();
  Policy policy = cmd_->PolicyNow();
  Micros due = policy.ResponseDue(d->urgency, now);
  if (d->duplicate) {
    schedule_(Within(now + Between(r, 30 * kMinute, 6 * kHour), kOffice, r), index, Stage::kMarkDuplicate);
    return;
  }
  Micros at;
  if (d->late_response) {
    at = Within(due + Between(r, kHour, 30 * kHour), kOffice, r);
    if (d->urge_response) schedule_(due + (at - due) / 3, index, Stage::kUrge);
  } else if (d->urgency == Urgency::kEmergency) {
    at = now + Between(r, 10 * kMinute, 80 * kMinute);
  } else {
    at = Within(now + (due - now) * r.Between(5, 60) / 100, kOffice, r);
    if (at >= due) at = now + (due - now) / 2;
  }
  schedule_(at, index, Stage::kRespond);
}

Status Lifecycle::Step(uint64_t index, Stage stage) {
  auto it = active_.find(index);
  if (it == active_.end()) return Status::Internal("demo: a step for a demand no longer in flight");
  Demand* d = &it->second;
  Rng& r = d->rng;
  Micros now = cmd_->now();
  const Principal& supervisor = city_->supervisor;
  switch (stage) {
    case Stage::kRespond:
      return Respond(index, d);
    case Stage::kMarkDuplicate: {
      auto s = active_.find(d->survivor);
      if (s == active_.end() || !IsOpenStatus(s->second.status)) {
        d->duplicate = false;  // the first report was settled meanwhile: treat this one on its own
        PlanResponse(index, d);
        return Status::OK();
      }
      auto res = Run(d, Community(*d), "mark_duplicate", Body().Str("duplicate_of", s->second.id).Done());
      if (!res.ok()) return res.status();
      Finish(index);
      return Status::OK();
    }
    case Stage::kUrge:
      return Run(d, supervisor, "supervise", Body().Str("note", Line(r, kUrgeResponseNotes)).Done()).status();
    case Stage::kPublicize: {
      size_t unit = d->assigned ? d->right_unit : d->first_unit;
      std::string notice = "【立项公示】" + city_->sites[d->site].compounds[d->compound].name + "：" + d->title +
                           "。社区已立项，承办单位：" + city_->units[unit].name + "，欢迎居民监督。";
      static const int kDays[] = {7, 15, 30};
      auto res = Run(d, Community(*d), "publicize",
                     Body().Str("notice", notice).Int("days", kDays[r.Below(3)]).Done());
      if (!res.ok()) return res.status();
      d->publicized = true;
      if (!d->assigned) {
        schedule_(now + Between(r, 10 * kMinute, 2 * kHour), index, Stage::kAssign);
        return Status::OK();
      }
      return StartWork(index, d);
    }
    case Stage::kAssign:
      return Assign(index, d, d->first_unit, Line(r, kAssignNotes));
    case Stage::kReturn: {
      std::string reason = Fill(Line(r, kReturnReasons), "", "", city_->units[d->right_unit].name);
      auto res = Run(d, Handler(d->first_unit), "return", Body().Str("reason", reason).Done());
      if (!res.ok()) return res.status();
      schedule_(Within(now + Between(r, kHour, 8 * kHour), kOffice, r), index, Stage::kReassign);
      return Status::OK();
    }
    case Stage::kReassign:
      d->wrong_unit = d->direct_reassign = false;
      return Assign(index, d, d->right_unit, "改派至" + city_->units[d->right_unit].name + "办理。");
    case Stage::kProgress: {
      bool pub = r.Chance(600);
      Body b;
      b.Str("note", Line(r, pub ? kProgressPublic : kProgressInternal)).Str("visibility", pub ? "public" : "internal");
      if (r.Chance(200)) b.Raw("attachments", Attachments(*d, "progress-" + std::to_string(now / kMinute)));
      return Run(d, Handler(d->right_unit), "progress", b.Done()).status();
    }
    case Stage::kSupervise: {
      Body b;
      if (d->supervision == Supervision::kExtend) {
        b.Str("note", Line(r, kExtendNotes)).Str("due_at", FormatRfc3339(d->resolve_at + Between(r, 12 * kHour, 2 * kDay)));
      } else {
        b.Str("note", Line(r, kUrgeResolveNotes));
      }
      return Run(d, supervisor, "supervise", b.Done()).status();
    }
    case Stage::kResolve:
      return Resolve(index, d);
    case Stage::kEvaluate:
      return Evaluate(index, d);
    case Stage::kClose: {
      auto res = Run(d, Community(*d), "close", Body().Str("note", Line(r, kCloseNotes)).Done());
      if (!res.ok()) return res.status();
      Finish(index);
      return Status::OK();
    }
  }
  return Status::Internal("demo: unknown stage");
}

Status Lifecycle::Respond(uint64_t index, Demand* d) {
  Rng& r = d->rng;
  Micros now = cmd_->now();
  if (d->decline) {
    auto res = Run(d, Community(*d), "decline", Body().Str("reason", Line(r, kDeclineReasons)).Done());
    if (!res.ok()) return res.status();
    Finish(index);
    return Status::OK();
  }
  Body b;
  if (r.Chance(600)) b.Str("note", Line(r, kAcceptNotes));
  if (d->due_override) b.Str("due_at", FormatRfc3339(now + Between(r, 3 * kDay, 10 * kDay)));
  auto res = Run(d, Community(*d), "accept", b.Done());
  if (!res.ok()) return res.status();
  if (d->publicize && !d->publicize_after_assign) {
    schedule_(now + Between(r, 10 * kMinute, 90 * kMinute), index, Stage::kPublicize);
  } else if (d->urgency == Urgency::kEmergency) {
    schedule_(now + Between(r, 5 * kMinute, 20 * kMinute), index, Stage::kAssign);
  } else {
    schedule_(Within(now + Between(r, 10 * kMinute, 3 * kHour), kOffice, r), index, Stage::kAssign);
  }
  return Status::OK();
}

Status Lifecycle::Assign(uint64_t index, Demand* d, size_t unit, std::string note) {
  Rng& r = d->rng;
  Micros now = cmd_->now();
  auto res = Run(d, Community(*d), "assign", Body().Str("unit_id", city_->units[unit].id).Str("note", note).Done());
  if (!res.ok()) return res.status();
  d->assigned = true;
  if (d->wrong_unit) {
    schedule_(Within(now + Between(r, 2 * kHour, 30 * kHour), kField, r), index, Stage::kReturn);
  } else if (d->direct_reassign) {
    schedule_(Within(now + Between(r, kHour, 6 * kHour), kOffice, r), index, Stage::kReassign);
  } else {
    return AfterAssignment(index, d);
  }
  return Status::OK();
}

Status Lifecycle::AfterAssignment(uint64_t index, Demand* d) {
  if (d->publicize && !d->publicized) {
    schedule_(cmd_->now() + Between(d->rng, 10 * kMinute, 60 * kMinute), index, Stage::kPublicize);
    return Status::OK();
  }
  return StartWork(index, d);
}

// Plans the work on an assigned demand: progress notes, supervision and the
// resolve, around the resolve due time in force.
Status Lifecycle::StartWork(uint64_t index, Demand* d) {
  Rng& r = d->rng;
  Micros now = cmd_->now();
  auto state = cmd_->Load(d->id);
  if (!state.ok()) return state.status();
  if (!state->resolve_due_at) return Status::Internal("demo: an assigned demand without a resolve due time");
  Micros due = *state->resolve_due_at;
  Micros at;
  if (d->late_resolve || d->supervision == Supervision::kExtend || due <= now + kHour) {
    at = std::max(due, now) + Between(r, 3 * kHour, 4 * kDay);
  } else {
    at = now + (due - now) * r.Between(10, 85) / 100;
    if (d->urgency != Urgency::kEmergency) at = Within(at, kField, r);
    if (at >= due) at = now + (due - now) / 2;
  }
  d->resolve_at = at;
  for (int i = 1; i <= d->progress_notes; ++i) schedule_(now + (at - now) * i / (d->progress_notes + 1), index, Stage::kProgress);
  if (d->supervision == Supervision::kUrge) schedule_(now + (at - now) / 2 + kMicrosPerSecond, index, Stage::kSupervise);
  if (d->supervision == Supervision::kExtend && at > due) schedule_(due + (at - due) / 3, index, Stage::kSupervise);
  schedule_(at, index, Stage::kResolve);
  return Status::OK();
}

Status Lifecycle::Resolve(uint64_t index, Demand* d) {
  Rng& r = d->rng;
  Micros now = cmd_->now();
  const DemandText& text = TextsOf(d->category)[d->text];
  const std::string& compound = city_->sites[d->site].compounds[d->compound].name;
  Body b;
  b.Str("summary", Fill(text.summary, d->building, compound, city_->units[d->right_unit].name));
  if (r.Chance(300)) b.Raw("attachments", Attachments(*d, d->reopened ? "after-2" : "after"));
  auto res = Run(d, Handler(d->right_unit), "resolve", b.Done());
  if (!res.ok()) return res.status();
  switch (d->reopened ? d->second_outcome : d->outcome) {
    case Outcome::kUnevaluated:
      Finish(index);  // the scheduler closes it when the evaluation window elapses
      return Status::OK();
    case Outcome::kManualClose:
      schedule_(Within(now + Between(r, kDay, 5 * kDay), kOffice, r), index, Stage::kClose);
      return Status::OK();
    default:
      schedule_(Within(now + Between(r, 2 * kHour, 6 * kDay), kAwake, r), index, Stage::kEvaluate);
      return Status::OK();
  }
}

Status Lifecycle::Evaluate(uint64_t index, Demand* d) {
  Rng& r = d->rng;
  Outcome o = d->reopened ? d->second_outcome : d->outcome;
  const Principal& who = d->resident >= 0 ? city_->residents[d->resident].principal : city_->grids[d->grid].leader;
  Body b;
  if (o == Outcome::kSatisfied) {
    b.Str("rating", "satisfied").Int("score", r.Chance(700) ? 5 : 4);
    if (r.Chance(500)) b.Str("comment", Line(r, kSatisfiedComments));
  } else if (o == Outcome::kBasically) {
    b.Str("rating", "basically_satisfied").Int("score", r.Chance(500) ? 3 : 4);
    if (r.Chance(600)) b.Str("comment", Line(r, kBasicallyComments));
  } else {
    b.Str("rating", "dissatisfied").Int("score", r.Chance(500) ? 1 : 2).Str("comment", Line(r, kDissatisfiedComments));
  }
  auto res = Run(d, who, "evaluate", b.Done());
  if (!res.ok()) return res.status();
  if (o != Outcome::kDissatisfied) {
    Finish(index);
    return Status::OK();
  }
  // Reopened: the same unit works on it again, once more.
  d->reopened = true;
  d->late_resolve = r.Chance(200);
  d->supervision = Supervision::kNone;
  d->progress_notes = 1;
  return StartWork(index, d);
}

}  // namespace redledger::demo
