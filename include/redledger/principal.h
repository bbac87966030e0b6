// Principals and roles (DESIGN §3), and the principal registry folded from
// the `access` stream (`principal.registered`, `principal.revoked`).
//
// Plain values; Principals is not synchronised (callers own a copy or guard
// it). Tokens are not here: they live in the credentials store (auth module).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger {

enum class Role : uint8_t { kResident, kGridLeader, kHandler, kCommunity, kSupervisor, kInspector, kAdmin, kSystem };

// "resident", "grid_leader", ..., "system".
const char* RoleName(Role r);
// Every role but kSystem, which no principal can hold.
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::string id;
  std::string name;
  Role role = Role::kResident;
  bool all_sites = false;              // sites == "*"
  std::vector<std::string> sites;      // when !all_sites
  std::optional<std::string> unit_id;  // set for handlers
  std::vector<std::string> grid_ids;   // for grid leaders
  bool revoked = false;

  bool InScope(std::string_view site_id) const;
  bool HasGrid(std::string_view grid_id) const;
  // The envelope's actor: {id, role, unit} (unit only for handlers).
  Actor ToActor() const;
};

// The principals known from the `access` stream.
class Principals {
 public:
  // nullptr when unknown. Revoked principals are kept (and marked).
  const Principal* Find(std::string_view id) const;
  size_t size() const { return by_id_.size(); }
  // Folds one `access`-stream event; other types are ignored. Corruption when
  // a known type carries malformed data.
  Status Apply(const Envelope& e);

 private:
  std::map<std::string, Principal, std::less<>> by_id_;
};

}  // namespace redledger
