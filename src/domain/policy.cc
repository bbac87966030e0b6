#include "redledger/policy.h"

#include <algorithm>
#include <cstdio>

#include "domain/events.h"
#include "domain/validate.h"

namespace redledger {

using namespace domain_internal;

namespace {

constexpr std::string_view kUrgencyNames[] = {"emergency", "urgent", "routine"};

std::string FormatOffset(int minutes) {
  char buf[16];
  int a = minutes < 0 ? -minutes : minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

std::string ByUrgencyJson(const std::array<int64_t, 3>& v) {
  return ObjectWriter().Int("emergency", v[0]).Int("urgent", v[1]).Int("routine", v[2]).Done();
}

Policy MakeDefault() {
  Policy p;
  for (auto r : kRateNames) p.weights[std::string(r)] = 0;
  p.weights["response"] = 10;
  p.weights["resolution"] = 50;
  p.weights["satisfaction"] = 40;
  p.categories = {"heating", "lift", "water", "drainage", "parking", "sanitation",
                  "security", "greening", "noise", "other"};
  return p;
}

bool ReadByUrgency(const json::object& o, std::array<int64_t, 3>* out) {
  for (size_t i = 0; i < 3; ++i) {
    const json::value* v = o.if_contains(kUrgencyNames[i]);
    if (!v || !v->is_int64()) return false;
    (*out)[i] = v->as_int64();
  }
  return true;
}

}  // namespace

const char* UrgencyName(Urgency u) { return kUrgencyNames[static_cast<size_t>(u)].data(); }

std::optional<Urgency> ParseUrgency(std::string_view name) {
  for (size_t i = 0; i < 3; ++i) {
    if (kUrgencyNames[i] == name) return static_cast<Urgency>(i);
  }
  return std::nullopt;
}

bool Policy::HasCategory(std::string_view c) const {
  return std::find(categories.begin(), categories.end(), c) != categories.end();
}

Micros Policy::ResponseDue(Urgency u, Micros raised_at) const {
  return raised_at + response_hours[static_cast<size_t>(u)] * kMicrosPerHour;
}

Micros Policy::ResolveDue(Urgency u, Micros from) const {
  return from + resolve_hours[static_cast<size_t>(u)] * kMicrosPerHour;
}

std::string Policy::ToJson() const {
  ObjectWriter w;
  for (const auto& [k, v] : weights) w.Int(k, v);
  return ObjectWriter()
      .Str("effective_from", FormatMonth(effective_from))
      .Str("timezone", FormatOffset(utc_offset_minutes))
      .Raw("weights", w.Done())
      .Int("basically_satisfied_factor", basically_satisfied_factor)
      .Raw("response_hours", ByUrgencyJson(response_hours))
      .Raw("resolve_hours", ByUrgencyJson(resolve_hours))
      .Int("evaluation_window_days", evaluation_window_days)
      .StrList("categories", categories)
      .Done();
}

const Policy& DefaultPolicy() {
  static const Policy kDefault = MakeDefault();
  return kDefault;
}

const Policy& PolicyBook::At(Micros t) const {
  const Policy* in_force = &DefaultPolicy();
  for (const Policy& p : set_) {
    if (p.StartsAt() <= t) in_force = &p;
  }
  return *in_force;
}

const Policy& PolicyBook::ForMonth(CivilMonth m) const {
  const Policy* in_force = &DefaultPolicy();
  for (const Policy& p : set_) {
    if (p.effective_from <= m) in_force = &p;
  }
  return *in_force;
}

Status PolicyBook::Apply(const Envelope& e) {
  if (e.type != ev::kPolicySet) return Status::OK();
  auto r = DataReader::Parse(e);
  if (!r.ok()) return r.status();
  DataReader& d = *r;
  Policy p;
  auto month = ParseMonth(d.Str("effective_from"));
  auto offset = ParseUtcOffset(d.Str("timezone"));
  for (const auto& kv : d.Obj("weights")) {
    if (!kv.value().is_int64()) return Status::Corruption("policy.set: malformed weights");
    p.weights[std::string(kv.key())] = kv.value().as_int64();
  }
  p.basically_satisfied_factor = d.Int("basically_satisfied_factor");
  bool hours_ok = ReadByUrgency(d.Obj("response_hours"), &p.response_hours) &&
                  ReadByUrgency(d.Obj("resolve_hours"), &p.resolve_hours);
  p.evaluation_window_days = d.Int("evaluation_window_days");
  p.categories = d.StrList("categories");
  REDLEDGER_RETURN_IF_ERROR(d.status());
  if (!month.ok() || !offset.ok() || !hours_ok) return Status::Corruption("policy.set: malformed data");
  p.effective_from = *month;
  p.utc_offset_minutes = *offset;
  auto it = std::find_if(set_.begin(), set_.end(), [&](const Policy& q) { return q.effective_from >= p.effective_from; });
  if (it != set_.end() && it->effective_from == p.effective_from) {
    *it = std::move(p);
  } else {
    set_.insert(it, std::move(p));
  }
  return Status::OK();
}

Result<SetPolicyCommand> ParseSetPolicy(std::string_view json) {
  auto body = ParseBody(json);
  if (!body.ok()) return body.status();
  BodyReader r(*body, "");
  r.AllowOnly({"effective_from", "timezone", "weights", "basically_satisfied_factor", "response_hours",
               "resolve_hours", "evaluation_window_days", "categories"});
  SetPolicyCommand c;
  c.effective_from = r.Str("effective_from");
  c.timezone = r.Str("timezone");
  c.weights = r.IntMap("weights");
  c.basically_satisfied_factor = r.Int("basically_satisfied_factor");
  c.response_hours = r.IntMap("response_hours");
  c.resolve_hours = r.IntMap("resolve_hours");
  c.evaluation_window_days = r.Int("evaluation_window_days");
  c.categories = r.StrList("categories");
  if (!r.status().ok()) return r.status();
  return c;
}

namespace {

void CheckByUrgency(Validator& v, std::string_view field, const std::map<std::string, int64_t>& in,
                    std::array<int64_t, 3>* out) {
  for (const auto& [k, h] : in) {
    auto u = ParseUrgency(k);
    std::string path = std::string(field) + "." + k;
    if (!u) {
      v.Error(path, "must be one of: emergency, urgent, routine");
    } else if (h < 1 || h > 24 * 366) {
      v.Error(path, "must be between 1 and 8784 hours");
    } else {
      (*out)[static_cast<size_t>(*u)] = h;
    }
  }
}

}  // namespace

Result<std::vector<DomainEvent>> DecideSetPolicy(const SetPolicyCommand& c, const Principal& actor, Micros now,
                                                 const PolicyBook& book) {
  if (actor.revoked) return Status::Forbidden("principal " + actor.id + " is revoked");
  if (actor.role != Role::kAdmin) return Status::Forbidden("missing permission policy.set: requires role admin");
  Policy p = book.At(now);
  Validator v;
  if (c.timezone) {
    auto off = ParseUtcOffset(*c.timezone);
    if (off.ok()) {
      p.utc_offset_minutes = *off;
    } else {
      v.Error("timezone", "must be a UTC offset like +08:00");
    }
  }
  if (v.Present("effective_from", c.effective_from)) {
    auto m = ParseMonth(*c.effective_from);
    if (!m.ok()) {
      v.Error("effective_from", "must be a month YYYY-MM");
    } else if (*m < MonthAt(now, p.utc_offset_minutes)) {
      v.Error("effective_from", "must not be before the current month");
    } else {
      p.effective_from = *m;
    }
  }
  if (c.weights) {
    int64_t sum = 0;
    for (auto r : kRateNames) p.weights[std::string(r)] = 0;
    for (const auto& [k, w] : *c.weights) {
      if (std::find(kRateNames.begin(), kRateNames.end(), k) == kRateNames.end()) {
        v.Error("weights." + k, "is not a rate name");
      } else if (w < 0 || w > 100) {
        v.Error("weights." + k, "must be between 0 and 100");
      } else {
        p.weights[k] = w;
        sum += w;
      }
    }
    if (sum != 100) v.Error("weights", "must sum to 100");
  }
  if (c.basically_satisfied_factor) {
    if (*c.basically_satisfied_factor < 0 || *c.basically_satisfied_factor > 1000) {
      v.Error("basically_satisfied_factor", "must be between 0 and 1000 (per mille)");
    } else {
      p.basically_satisfied_factor = *c.basically_satisfied_factor;
    }
  }
  if (c.response_hours) CheckByUrgency(v, "response_hours", *c.response_hours, &p.response_hours);
  if (c.resolve_hours) CheckByUrgency(v, "resolve_hours", *c.resolve_hours, &p.resolve_hours);
  if (c.evaluation_window_days) {
    if (*c.evaluation_window_days < 1 || *c.evaluation_window_days > 365) {
      v.Error("evaluation_window_days", "must be between 1 and 365");
    } else {
      p.evaluation_window_days = *c.evaluation_window_days;
    }
  }
  if (c.categories) {
    if (c.categories->empty() || c.categories->size() > 100) v.Error("categories", "must have 1 to 100 items");
    for (size_t i = 0; i < c.categories->size(); ++i) {
      const std::string& cat = (*c.categories)[i];
      bool ok = !cat.empty() && cat.size() <= 40 && std::all_of(cat.begin(), cat.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || ch == '_';
      });
      if (!ok) v.Error("categories[" + std::to_string(i) + "]", "must be 1 to 40 of [a-z_]");
      if (std::count(c.categories->begin(), c.categories->end(), cat) > 1) {
        v.Error("categories[" + std::to_string(i) + "]", "is listed twice");
      }
    }
    p.categories = *c.categories;
  }
  if (!v.ok()) return v.ToStatus();
  std::vector<DomainEvent> out;
  out.push_back(MakeEvent(std::string(kPolicyStream), ev::kPolicySet, p.ToJson()));
  return out;
}

}  // namespace redledger
