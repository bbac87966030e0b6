// Principal administration (DESIGN §4 "Admin"): POST /v1/principals and
// DELETE /v1/principals/{id}, decided purely into `access`-stream events.
// Tokens are issued by the auth module, never put in events.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/domain.h"
#include "redledger/principal.h"
#include "redledger/registry.h"

namespace redledger {

struct RegisterPrincipal {
  std::optional<std::string> name, role;
  // `sites`: "*" or a list of site ids.
  std::optional<bool> all_sites;
  std::optional<std::vector<std::string>> sites;
  std::optional<std::string> unit_id;
  std::optional<std::vector<std::string>> grid_ids;
};

// Shapes only (InvalidArgument naming the field; InvalidJson if unparseable).
Result<RegisterPrincipal> ParseRegisterPrincipal(std::string_view json);

// admin only. 422 for every bad field: role, sites that exist, unit_id
// (required for handler, refused otherwise), grid_ids (required for
// grid_leader, each in one of its sites). `new_id` is the principal's id.
Result<std::vector<DomainEvent>> DecideRegisterPrincipal(const RegisterPrincipal& cmd, const Principal& actor,
                                                         const Registry& registry, std::string_view new_id);
// admin only; 404 for an unknown principal; revoking twice is a no-op (no event).
Result<std::vector<DomainEvent>> DecideRevokePrincipal(std::string_view principal_id, const Principal& actor,
                                                       const Principals& principals);

}  // namespace redledger
