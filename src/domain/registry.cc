// The registry's fold (Registry::Apply) and its commands (DESIGN §4 "Registry").
#include "redledger/registry.h"

#include <algorithm>
#include <span>

#include "domain/events.h"
#include "domain/validate.h"

namespace redledger {

using namespace domain_internal;

namespace {

constexpr std::string_view kModes[] = {"separate", "joint", "stationed"};
constexpr std::string_view kUnitKinds[] = {"property_branch",  "owner_committee",
                                                                "functional_branch", "co_building_unit",
                                                                "municipal_unit",    "district_unit"};
constexpr size_t kNameChars = 200;

template <typename Map>
const typename Map::mapped_type* FindIn(const Map& m, std::string_view id) {
  auto it = m.find(id);
  return it == m.end() ? nullptr : &it->second;
}

void AddOnce(std::vector<std::string>* v, const std::string& x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

bool Contains(std::span<const std::string_view> l, std::string_view s) {
  return std::find(l.begin(), l.end(), s) != l.end();
}

}  // namespace

bool IsConstructionMode(std::string_view s) { return Contains(kModes, s); }
bool IsUnitKind(std::string_view s) { return Contains(kUnitKinds, s); }

const Site* Registry::FindSite(std::string_view id) const { return FindIn(sites_, id); }
const Compound* Registry::FindCompound(std::string_view id) const { return FindIn(compounds_, id); }
const Grid* Registry::FindGrid(std::string_view id) const { return FindIn(grids_, id); }
const Unit* Registry::FindUnit(std::string_view id) const { return FindIn(units_, id); }

Status Registry::Apply(const Envelope& e) {
  const std::string& t = e.type;
  bool ours = t == ev::kSiteRegistered || t == ev::kSiteUpdated || t == ev::kCompoundRegistered ||
              t == ev::kGridRegistered || t == ev::kUnitRegistered || t == ev::kUnitPaired ||
              t == ev::kActivityRecorded;
  if (!ours) return Status::OK();
  auto r = DataReader::Parse(e);
  if (!r.ok()) return r.status();
  DataReader& d = *r;
  auto site_of = [&](const std::string& id) -> Site* {
    auto it = sites_.find(id);
    return it == sites_.end() ? nullptr : &it->second;
  };
  if (t == ev::kSiteRegistered) {
    Site s;
    s.id = d.Str("site_id");
    s.name = d.Str("name");
    s.district = d.Str("district");
    s.street = d.Str("street");
    s.community = d.Str("community");
    s.construction_mode = d.Str("construction_mode");
    REDLEDGER_RETURN_IF_ERROR(d.status());
    sites_.insert_or_assign(s.id, std::move(s));
    return Status::OK();
  }
  if (t == ev::kUnitRegistered) {
    Unit u;
    u.id = d.Str("unit_id");
    u.name = d.Str("name");
    u.kind = d.Str("kind");
    REDLEDGER_RETURN_IF_ERROR(d.status());
    units_.insert_or_assign(u.id, std::move(u));
    return Status::OK();
  }
  if (t == ev::kUnitPaired) {
    std::string unit_id = d.Str("unit_id"), site_id = d.Str("site_id");
    REDLEDGER_RETURN_IF_ERROR(d.status());
    auto u = units_.find(unit_id);
    Site* s = site_of(site_id);
    if (u == units_.end() || !s) return Status::Corruption("unit.paired names an unknown unit or site");
    AddOnce(&u->second.site_ids, site_id);
    AddOnce(&s->unit_ids, unit_id);
    return Status::OK();
  }
  std::string site_id = d.Str("site_id");
  REDLEDGER_RETURN_IF_ERROR(d.status());
  Site* s = site_of(site_id);
  if (!s) return Status::Corruption(t + " names unknown site " + site_id);
  if (t == ev::kSiteUpdated) {
    auto set = [&](const char* k, std::string* f) {
      if (auto v = d.OptStr(k)) *f = *v;
    };
    set("name", &s->name);
    set("district", &s->district);
    set("street", &s->street);
    set("community", &s->community);
    set("construction_mode", &s->construction_mode);
  } else if (t == ev::kCompoundRegistered) {
    Compound c{d.Str("compound_id"), site_id, d.Str("name")};
    REDLEDGER_RETURN_IF_ERROR(d.status());
    AddOnce(&s->compound_ids, c.id);
    compounds_.insert_or_assign(c.id, std::move(c));
  } else if (t == ev::kGridRegistered) {
    Grid g{d.Str("grid_id"), site_id, d.Str("name"), d.OptStr("leader")};
    REDLEDGER_RETURN_IF_ERROR(d.status());
    AddOnce(&s->grid_ids, g.id);
    grids_.insert_or_assign(g.id, std::move(g));
  } else {  // site.activity_recorded
    ++s->activity_count;
  }
  return d.status();
}

Result<RegistryCommand> ParseRegistryCommand(std::string_view command, std::string_view target_id,
                                             std::string_view json) {
  auto body = ParseBody(json);
  if (!body.ok()) return body.status();
  BodyReader r(*body, "");
  RegistryCommand out;
  std::string target(target_id);
  if (command == "register_site") {
    r.AllowOnly({"site_id", "name", "district", "street", "community", "construction_mode"});
    out = RegisterSite{r.Str("site_id"), r.Str("name"), r.Str("district"), r.Str("street"), r.Str("community"),
                       r.Str("construction_mode")};
  } else if (command == "update_site") {
    r.AllowOnly({"name", "district", "street", "community", "construction_mode"});
    out = UpdateSite{target, r.Str("name"), r.Str("district"), r.Str("street"), r.Str("community"),
                     r.Str("construction_mode")};
  } else if (command == "register_compound") {
    r.AllowOnly({"name"});
    out = RegisterCompound{target, r.Str("name")};
  } else if (command == "register_grid") {
    r.AllowOnly({"name", "leader"});
    out = RegisterGrid{target, r.Str("name"), r.Str("leader")};
  } else if (command == "register_unit") {
    r.AllowOnly({"unit_id", "name", "kind"});
    out = RegisterUnit{r.Str("unit_id"), r.Str("name"), r.Str("kind")};
  } else if (command == "pair_unit") {
    r.AllowOnly({"site_id"});
    out = PairUnit{target, r.Str("site_id")};
  } else if (command == "record_activity") {
    r.AllowOnly({"kind", "held_at", "note"});
    out = RecordActivity{target, r.Str("kind"), r.Str("held_at"), r.Str("note")};
  } else {
    return Status::NotFound("unknown registry command: " + std::string(command));
  }
  if (!r.status().ok()) return r.status();
  return out;
}

namespace {

using Decision = Result<RegistryDecision>;

Status Revoked(const Principal& a) {
  return a.revoked ? Status::Forbidden("principal " + a.id + " is revoked") : Status::OK();
}

// admin anywhere; community for the sites in its scope.
Status RequireSiteAdmin(const Principal& a, std::string_view perm, std::string_view site_id) {
  REDLEDGER_RETURN_IF_ERROR(Revoked(a));
  if (a.role == Role::kAdmin) return Status::OK();
  if (a.role == Role::kCommunity && a.InScope(site_id)) return Status::OK();
  if (a.role == Role::kCommunity) {
    return Status::Forbidden("missing permission " + std::string(perm) + ": site " + std::string(site_id) +
                             " is not in scope");
  }
  return Status::Forbidden("missing permission " + std::string(perm) + ": requires role admin or community");
}

Status RequireSite(const Registry& reg, const std::string& site_id) {
  return reg.FindSite(site_id) ? Status::OK() : Status::NotFound("site " + site_id + " not found");
}

RegistryDecision One(std::string id, bool creates, std::string stream, const char* type, std::string data) {
  RegistryDecision d{std::move(id), creates, {}};
  d.events.push_back(MakeEvent(std::move(stream), type, std::move(data)));
  return d;
}

// A client-chosen id, or the allocated one.
std::string ChosenId(Validator& v, std::string_view field, const std::optional<std::string>& given,
                     std::string_view new_id, bool taken) {
  if (!given) return std::string(new_id);
  if (!IsValidClientId(*given)) v.Error(std::string(field), "must be 1 to 64 of [a-z0-9_-], starting alphanumeric");
  else if (taken) v.Error(std::string(field), "already exists");
  return *given;
}

Decision Decide(const RegisterSite& c, const Principal& a, Micros, const Registry& reg, std::string_view new_id) {
  REDLEDGER_RETURN_IF_ERROR(Revoked(a));
  if (a.role != Role::kAdmin) return Status::Forbidden("missing permission site.register: requires role admin");
  Validator v;
  std::string id = ChosenId(v, "site_id", c.site_id, new_id, c.site_id && reg.FindSite(*c.site_id));
  v.Text("name", c.name, kNameChars);
  v.Text("district", c.district, kNameChars);
  v.Text("street", c.street, kNameChars);
  v.Text("community", c.community, kNameChars);
  v.Enum("construction_mode", c.construction_mode, kModes);
  if (!v.ok()) return v.ToStatus();
  return One(id, true, SiteStream(id), ev::kSiteRegistered,
             ObjectWriter()
                 .Str("site_id", id)
                 .Str("name", *c.name)
                 .Str("district", *c.district)
                 .Str("street", *c.street)
                 .Str("community", *c.community)
                 .Str("construction_mode", *c.construction_mode)
                 .Done());
}

Decision Decide(const UpdateSite& c, const Principal& a, Micros, const Registry& reg, std::string_view) {
  REDLEDGER_RETURN_IF_ERROR(RequireSite(reg, c.site_id));
  REDLEDGER_RETURN_IF_ERROR(RequireSiteAdmin(a, "site.update", c.site_id));
  Validator v;
  ObjectWriter w;
  w.Str("site_id", c.site_id);
  auto text = [&](const char* k, const std::optional<std::string>& val) {
    if (v.Text(k, val, kNameChars, false)) w.Str(k, *val);
  };
  text("name", c.name);
  text("district", c.district);
  text("street", c.street);
  text("community", c.community);
  if (v.Enum("construction_mode", c.construction_mode, kModes, false)) w.Str("construction_mode", *c.construction_mode);
  if (!c.name && !c.district && !c.street && !c.community && !c.construction_mode) {
    v.Error("", "at least one field is required");
  }
  if (!v.ok()) return v.ToStatus();
  return One(c.site_id, false, SiteStream(c.site_id), ev::kSiteUpdated, w.Done());
}

Decision Decide(const RegisterCompound& c, const Principal& a, Micros, const Registry& reg, std::string_view new_id) {
  REDLEDGER_RETURN_IF_ERROR(RequireSite(reg, c.site_id));
  REDLEDGER_RETURN_IF_ERROR(RequireSiteAdmin(a, "compound.register", c.site_id));
  Validator v;
  v.Text("name", c.name, kNameChars);
  if (!v.ok()) return v.ToStatus();
  std::string id(new_id);
  return One(id, false, SiteStream(c.site_id), ev::kCompoundRegistered,
             ObjectWriter().Str("compound_id", id).Str("site_id", c.site_id).Str("name", *c.name).Done());
}

Decision Decide(const RegisterGrid& c, const Principal& a, Micros, const Registry& reg, std::string_view new_id) {
  REDLEDGER_RETURN_IF_ERROR(RequireSite(reg, c.site_id));
  REDLEDGER_RETURN_IF_ERROR(RequireSiteAdmin(a, "grid.register", c.site_id));
  Validator v;
  v.Text("name", c.name, kNameChars);
  v.Text("leader", c.leader, kNameChars, false);
  if (!v.ok()) return v.ToStatus();
  std::string id(new_id);
  return One(id, false, SiteStream(c.site_id), ev::kGridRegistered,
             ObjectWriter()
                 .Str("grid_id", id)
                 .Str("site_id", c.site_id)
                 .Str("name", *c.name)
                 .OptStr("leader", c.leader)
                 .Done());
}

Decision Decide(const RegisterUnit& c, const Principal& a, Micros, const Registry& reg, std::string_view new_id) {
  REDLEDGER_RETURN_IF_ERROR(Revoked(a));
  if (a.role != Role::kAdmin && a.role != Role::kCommunity) {
    return Status::Forbidden("missing permission unit.register: requires role admin or community");
  }
  Validator v;
  std::string id = ChosenId(v, "unit_id", c.unit_id, new_id, c.unit_id && reg.FindUnit(*c.unit_id));
  v.Text("name", c.name, kNameChars);
  v.Enum("kind", c.kind, kUnitKinds);
  if (!v.ok()) return v.ToStatus();
  return One(id, true, UnitStream(id), ev::kUnitRegistered,
             ObjectWriter().Str("unit_id", id).Str("name", *c.name).Str("kind", *c.kind).Done());
}

Decision Decide(const PairUnit& c, const Principal& a, Micros, const Registry& reg, std::string_view) {
  const Unit* unit = reg.FindUnit(c.unit_id);
  if (!unit) return Status::NotFound("unit " + c.unit_id + " not found");
  REDLEDGER_RETURN_IF_ERROR(Revoked(a));
  if (a.role != Role::kAdmin && a.role != Role::kCommunity) {
    return Status::Forbidden("missing permission unit.pair: requires role admin or community");
  }
  if (c.site_id) REDLEDGER_RETURN_IF_ERROR(RequireSiteAdmin(a, "unit.pair", *c.site_id));
  Validator v;
  if (v.Present("site_id", c.site_id)) {
    if (!reg.FindSite(*c.site_id)) {
      v.Error("site_id", "unknown site");
    } else if (std::find(unit->site_ids.begin(), unit->site_ids.end(), *c.site_id) != unit->site_ids.end()) {
      v.Error("site_id", "the unit is already paired with this site");
    }
  }
  if (!v.ok()) return v.ToStatus();
  return One(c.unit_id, false, UnitStream(c.unit_id), ev::kUnitPaired,
             ObjectWriter().Str("unit_id", c.unit_id).Str("site_id", *c.site_id).Done());
}

Decision Decide(const RecordActivity& c, const Principal& a, Micros now, const Registry& reg, std::string_view new_id) {
  REDLEDGER_RETURN_IF_ERROR(RequireSite(reg, c.site_id));
  REDLEDGER_RETURN_IF_ERROR(RequireSiteAdmin(a, "site.record_activity", c.site_id));
  Validator v;
  v.Enum("kind", c.kind, {"joint_meeting", "theme_party_day"});
  auto held = v.Time("held_at", c.held_at);
  if (held && *held > now) v.Error("held_at", "must not be in the future");
  v.Text("note", c.note, 2000, false);
  if (!v.ok()) return v.ToStatus();
  std::string id(new_id);
  return One(id, false, SiteStream(c.site_id), ev::kActivityRecorded,
             ObjectWriter()
                 .Str("activity_id", id)
                 .Str("site_id", c.site_id)
                 .Str("kind", *c.kind)
                 .Time("held_at", *held)
                 .OptStr("note", c.note)
                 .Done());
}

}  // namespace

Result<RegistryDecision> DecideRegistry(const RegistryCommand& cmd, const Principal& actor, Micros now,
                                        const Registry& registry, std::string_view new_id) {
  return std::visit([&](const auto& c) { return Decide(c, actor, now, registry, new_id); }, cmd);
}

}  // namespace redledger
