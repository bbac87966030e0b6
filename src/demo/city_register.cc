// RegisterCity: the demo city created through the command service, as an
// administrator would over the programme's first days.
#include <iterator>

#include "demo/city.h"
#include "demo/json_body.h"
#include "demo/texts.h"

namespace redledger::demo {

namespace {

constexpr Micros kStep = 5 * kMicrosPerSecond;  // an administrator's pace

std::string PrincipalBody(std::string_view name, std::string_view role, const std::vector<std::string>& sites,
                          const std::string& unit_id = {}, const std::vector<std::string>& grid_ids = {}) {
  Body b;
  b.Str("name", name).Str("role", role);
  if (sites.empty()) {
    b.Str("sites", "*");
  } else {
    b.StrList("sites", sites);
  }
  if (!unit_id.empty()) b.Str("unit_id", unit_id);
  if (!grid_ids.empty()) b.StrList("grid_ids", grid_ids);
  return b.Done();
}

// DESIGN §5's default policy, set explicitly so the log says what is in force.
std::string InitialPolicy(CivilMonth start) {
  std::vector<std::string> categories(std::begin(kCategoryNames), std::end(kCategoryNames));
  return Body()
      .Str("effective_from", FormatMonth(start))
      .Str("timezone", "+08:00")
      .Raw("weights", Body().Int("response", 10).Int("resolution", 50).Int("satisfaction", 40).Done())
      .Int("basically_satisfied_factor", 900)
      .Raw("response_hours", Body().Int("emergency", 2).Int("urgent", 24).Int("routine", 72).Done())
      .Raw("resolve_hours", Body().Int("emergency", 24).Int("urgent", 72).Int("routine", 360).Done())
      .Int("evaluation_window_days", 7)
      .StrList("categories", categories)
      .Done();
}

class Registrar {
 public:
  Registrar(City* city, Commander* cmd, uint64_t names) : c_(city), cmd_(cmd), rng_(names) {}

  Status Admin(const Principal& bootstrap) {
    auto admin = Principal_(bootstrap, PrincipalBody(PersonName(rng_) + "（市住建局 系统管理员）", "admin", {}));
    if (!admin.ok()) return admin.status();
    c_->admin = *admin;
    return Status::OK();
  }

  Status Run(CivilMonth start) {
    cmd_->Advance(kStep);
    REDLEDGER_RETURN_IF_ERROR(cmd_->SetPolicy(c_->admin, InitialPolicy(start)));
    REDLEDGER_RETURN_IF_ERROR(Sites());
    REDLEDGER_RETURN_IF_ERROR(Units());
    return Principals();
  }

 private:
  Result<std::string> Registry(std::string_view command, std::string_view target, const std::string& body) {
    cmd_->Advance(kStep);
    auto r = cmd_->Registry(c_->admin, command, target, body);
    if (!r.ok()) return r.status();
    return r->id;
  }

  Result<Principal> Principal_(const Principal& admin, const std::string& body) {
    cmd_->Advance(kStep);
    ++c_->principals;
    return cmd_->Register(admin, body);
  }

  Status Sites() {
    for (SitePlan& s : c_->sites) {
      auto id = Registry("register_site", "",
                         Body()
                             .Str("site_id", s.id)
                             .Str("name", s.name)
                             .Str("district", s.district)
                             .Str("street", s.street)
                             .Str("community", s.community)
                             .Str("construction_mode", s.mode)
                             .Done());
      if (!id.ok()) return id.status();
      for (CompoundPlan& cp : s.compounds) {
        auto cid = Registry("register_compound", s.id, Body().Str("name", cp.name).Done());
        if (!cid.ok()) return cid.status();
        cp.id = *cid;
      }
      for (size_t gi : s.grids) {
        GridPlan& g = c_->grids[gi];
        auto gid = Registry("register_grid", s.id, Body().Str("name", g.name).Str("leader", g.leader_name).Done());
        if (!gid.ok()) return gid.status();
        g.id = *gid;
      }
    }
    return Status::OK();
  }

  Status Units() {
    for (const UnitPlan& u : c_->units) {
      auto id = Registry("register_unit", "", Body().Str("unit_id", u.id).Str("name", u.name).Str("kind", u.kind).Done());
      if (!id.ok()) return id.status();
      for (size_t si : u.sites) {
        auto p = Registry("pair_unit", u.id, Body().Str("site_id", c_->sites[si].id).Done());
        if (!p.ok()) return p.status();
      }
    }
    return Status::OK();
  }

  Status Principals() {
    const Principal& admin = c_->admin;
    auto sup = Principal_(admin, PrincipalBody(PersonName(rng_) + "（市委组织部 督查室）", "supervisor", {}));
    if (!sup.ok()) return sup.status();
    c_->supervisor = *sup;
    auto insp = Principal_(admin, PrincipalBody(PersonName(rng_) + "（市审计局 检查员）", "inspector", {}));
    if (!insp.ok()) return insp.status();
    c_->inspector = *insp;
    for (SitePlan& s : c_->sites) {
      auto p = Principal_(admin, PrincipalBody(PersonName(rng_) + "（" + s.community + "党委书记）", "community", {s.id}));
      if (!p.ok()) return p.status();
      s.community_principal = *p;
    }
    for (UnitPlan& u : c_->units) {
      if (!u.handles) continue;
      std::vector<std::string> sites;
      for (size_t si : u.sites) sites.push_back(c_->sites[si].id);
      auto p = Principal_(admin, PrincipalBody(PersonName(rng_) + "（" + u.name + "）", "handler", sites, u.id));
      if (!p.ok()) return p.status();
      u.handler = *p;
    }
    for (GridPlan& g : c_->grids) {
      const SitePlan& s = c_->sites[g.site];
      auto p = Principal_(admin, PrincipalBody(g.leader_name + "（" + s.community + g.name + "网格长）", "grid_leader",
                                               {s.id}, {}, {g.id}));
      if (!p.ok()) return p.status();
      g.leader = *p;
    }
    for (ResidentPlan& r : c_->residents) {
      const SitePlan& s = c_->sites[r.site];
      auto p = Principal_(admin, PrincipalBody(r.name + "（" + s.compounds[r.compound].name + "居民）", "resident", {s.id}));
      if (!p.ok()) return p.status();
      r.principal = *p;
    }
    return Status::OK();
  }

  City* c_;
  Commander* cmd_;
  Rng rng_;
};

}  // namespace

Status RegisterAdmin(City* city, Commander* cmd, const Principal& bootstrap) {
  return Registrar(city, cmd, Mix(city->seed, 0x61646d696e)).Admin(bootstrap);
}

Status RegisterCity(City* city, Commander* cmd, CivilMonth start) {
  return Registrar(city, cmd, Mix(city->seed, 0x6e616d6573)).Run(start);
}

}  // namespace redledger::demo
