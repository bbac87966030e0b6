#include "redledger/access.h"

#include <algorithm>

#include "domain/events.h"
#include "domain/validate.h"

namespace redledger {

using namespace domain_internal;

Result<RegisterPrincipal> ParseRegisterPrincipal(std::string_view json) {
  auto body = ParseBody(json);
  if (!body.ok()) return body.status();
  BodyReader r(*body, "");
  r.AllowOnly({"name", "role", "sites", "unit_id", "grid_ids"});
  RegisterPrincipal c;
  c.name = r.Str("name");
  c.role = r.Str("role");
  if (const json::value* s = r.Raw("sites")) {
    if (s->is_string() && s->as_string() == "*") {
      c.all_sites = true;
    } else if (s->is_array()) {
      c.all_sites = false;
      c.sites = r.StrList("sites");
    } else {
      r.Fail(Status::InvalidArgument("sites must be \"*\" or an array of site ids", "sites"));
    }
  }
  c.unit_id = r.Str("unit_id");
  c.grid_ids = r.StrList("grid_ids");
  if (!r.status().ok()) return r.status();
  return c;
}

Result<std::vector<DomainEvent>> DecideRegisterPrincipal(const RegisterPrincipal& c, const Principal& actor,
                                                         const Registry& reg, std::string_view new_id) {
  if (actor.revoked) return Status::Forbidden("principal " + actor.id + " is revoked");
  if (actor.role != Role::kAdmin) return Status::Forbidden("missing permission principal.register: requires role admin");
  Validator v;
  v.Text("name", c.name, 200);
  std::optional<Role> role;
  if (v.Present("role", c.role)) {
    role = ParseRole(*c.role);
    if (!role) v.Error("role", "must be one of: resident, grid_leader, handler, community, supervisor, inspector, admin");
  }
  if (!c.all_sites) v.Error("sites", "is required");
  std::vector<std::string> sites = c.sites.value_or(std::vector<std::string>{});
  for (size_t i = 0; i < sites.size(); ++i) {
    if (!reg.FindSite(sites[i])) v.Error("sites[" + std::to_string(i) + "]", "unknown site");
  }
  bool all = c.all_sites.value_or(false);
  auto in_sites = [&](const std::string& site) { return all || std::count(sites.begin(), sites.end(), site) > 0; };
  if (role == Role::kHandler) {
    if (v.Present("unit_id", c.unit_id) && !reg.FindUnit(*c.unit_id)) v.Error("unit_id", "unknown unit");
  } else if (c.unit_id) {
    v.Error("unit_id", "only a handler has a unit");
  }
  std::vector<std::string> grids = c.grid_ids.value_or(std::vector<std::string>{});
  if (role == Role::kGridLeader) {
    if (grids.empty()) v.Error("grid_ids", "a grid leader needs at least one grid");
    for (size_t i = 0; i < grids.size(); ++i) {
      const Grid* g = reg.FindGrid(grids[i]);
      std::string field = "grid_ids[" + std::to_string(i) + "]";
      if (!g) {
        v.Error(field, "unknown grid");
      } else if (!in_sites(g->site_id)) {
        v.Error(field, "the grid's site is not among the principal's sites");
      }
    }
  } else if (!grids.empty()) {
    v.Error("grid_ids", "only a grid leader has grids");
  }
  if (!v.ok()) return v.ToStatus();
  ObjectWriter w;
  w.Str("principal_id", new_id).Str("name", *c.name).Str("role", *c.role).OptStr("unit_id", c.unit_id).StrList("grid_ids", grids);
  if (all) {
    w.Str("sites", "*");
  } else {
    w.StrList("sites", sites);
  }
  std::vector<DomainEvent> out;
  out.push_back(MakeEvent(std::string(kAccessStream), ev::kPrincipalRegistered, w.Done()));
  return out;
}

Result<std::vector<DomainEvent>> DecideRevokePrincipal(std::string_view principal_id, const Principal& actor,
                                                       const Principals& principals) {
  const Principal* p = principals.Find(principal_id);
  if (!p) return Status::NotFound("principal " + std::string(principal_id) + " not found");
  if (actor.revoked) return Status::Forbidden("principal " + actor.id + " is revoked");
  if (actor.role != Role::kAdmin) return Status::Forbidden("missing permission principal.revoke: requires role admin");
  std::vector<DomainEvent> out;
  if (!p->revoked) {
    out.push_back(MakeEvent(std::string(kAccessStream), ev::kPrincipalRevoked,
                            ObjectWriter().Str("principal_id", principal_id).Done()));
  }
  return out;
}

}  // namespace redledger
