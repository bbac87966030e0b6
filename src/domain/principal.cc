#include "redledger/principal.h"

#include <algorithm>

#include "domain/json_util.h"

namespace redledger {

using domain_internal::DataReader;

namespace {
constexpr std::string_view kRoleNames[] = {"resident",   "grid_leader", "handler", "community",
                                           "supervisor", "inspector",   "admin",   "system"};
}

const char* RoleName(Role r) { return kRoleNames[static_cast<size_t>(r)].data(); }

std::optional<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(Role::kSystem); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

bool Principal::InScope(std::string_view site_id) const {
  return all_sites || std::find(sites.begin(), sites.end(), site_id) != sites.end();
}

bool Principal::HasGrid(std::string_view grid_id) const {
  return std::find(grid_ids.begin(), grid_ids.end(), grid_id) != grid_ids.end();
}

Actor Principal::ToActor() const {
  return Actor{id, RoleName(role), role == Role::kHandler ? unit_id : std::nullopt};
}

const Principal* Principals::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

Status Principals::Apply(const Envelope& e) {
  if (e.type != "principal.registered" && e.type != "principal.revoked") return Status::OK();
  auto r = DataReader::Parse(e);
  if (!r.ok()) return r.status();
  DataReader& d = *r;
  std::string id = d.Str("principal_id");
  if (e.type == "principal.revoked") {
    REDLEDGER_RETURN_IF_ERROR(d.status());
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return Status::Corruption("principal.revoked of unknown principal " + id);
    it->second.revoked = true;
    return Status::OK();
  }
  Principal p;
  p.id = id;
  p.name = d.Str("name");
  auto role = ParseRole(d.Str("role"));
  if (!role) return Status::Corruption("principal.registered with an unknown role");
  p.role = *role;
  auto it = d.object().find("sites");
  if (it != d.object().end() && it->value().is_string() && it->value().as_string() == "*") {
    p.all_sites = true;
  } else {
    p.sites = d.StrList("sites");
  }
  p.unit_id = d.OptStr("unit_id");
  p.grid_ids = d.StrList("grid_ids");
  REDLEDGER_RETURN_IF_ERROR(d.status());
  by_id_.insert_or_assign(p.id, std::move(p));
  return Status::OK();
}

}  // namespace redledger
