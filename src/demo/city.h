// The demo city: Harbin's "Red Property Community" programme as the source
// report describes it (DESIGN §1) — 100 demonstration sites over nine
// districts and their streets, 429 compounds, 695 grids with leaders, the
// property branches and the other unit kinds with their pairings, and a
// principal for every role.
//
// PlanCity draws the whole shape from the seed (names, counts, who is paired
// with what); RegisterCity then creates it through the command service and
// fills in the ids the service assigned and the registered principals.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "demo/commander.h"
#include "demo/rng.h"
#include "redledger/principal.h"

namespace redledger::demo {

inline constexpr int kSites = 100;
inline constexpr int kCompounds = 429;
inline constexpr int kGrids = 695;
inline constexpr int kMunicipalUnits = 109;
inline constexpr int kDistrictUnits = 298;
inline constexpr int kOwnerCommittees = 4;
inline constexpr int kFunctionalBranches = 48;
inline constexpr int kReportersPerGrid = 16;
inline constexpr int kResidentsPerSite = 3;

// Units that handle demands, by what they do. Index into City::units.
enum UtilityKind { kHeat, kWater, kDrain, kSanitation, kGreening, kUtilityKinds };

struct CompoundPlan {
  std::string id, name;
  int buildings = 0;
  size_t branch = 0;  // the property branch managing it (unit index)
  std::vector<size_t> grids;  // global grid indexes covering it
  int weight = 0;     // how many demands it sees, relatively
};

struct GridPlan {
  std::string id, name;
  size_t site = 0, compound = 0;  // compound index within the site
  std::string leader_name;
  Principal leader;
};

struct ResidentPlan {
  std::string name, phone;
  size_t site = 0, compound = 0;  // compound index within the site
  std::string building;
  Principal principal;
};

struct SitePlan {
  std::string id, name, district, street, community, mode;
  size_t district_index = 0, street_index = 0;
  std::vector<CompoundPlan> compounds;
  std::vector<size_t> grids;  // global grid indexes
  std::vector<size_t> property_branches, local_units;
  std::optional<size_t> owner_committee, functional_branch;
  size_t utilities[kUtilityKinds] = {};  // the district's utility units
  size_t police = 0, urban = 0;           // the street's units
  std::vector<size_t> residents;
  int weight = 0;  // sum of its compounds' weights
  Principal community_principal;
};

struct UnitPlan {
  std::string id, name, kind;
  std::vector<size_t> sites;  // paired sites
  bool handles = false;       // receives assignments: has a handler principal
  Principal handler;
};

struct City {
  uint64_t seed = 0;  // also names the officials RegisterCity registers
  std::vector<SitePlan> sites;
  std::vector<GridPlan> grids;
  std::vector<UnitPlan> units;
  std::vector<ResidentPlan> residents;
  Principal admin, supervisor, inspector;
  size_t principals = 0;
};

// The city for a seed (names and structure; no ids from the service yet).
City PlanCity(uint64_t seed);

// Registers the demo's administrator as `bootstrap` (an admin principal,
// e.g. the server's bootstrap admin) into city->admin: the first command.
Status RegisterAdmin(City* city, Commander* cmd, const Principal& bootstrap);
// Creates the rest as city->admin: the policy from `start`, sites,
// compounds, grids, units, pairings and principals. The clock advances a
// few seconds per command.
Status RegisterCity(City* city, Commander* cmd, CivilMonth start);

// A synthetic person's name.
std::string PersonName(Rng& rng);
// The reporter `k` of global grid `g`: a stable name and an obviously fake
// phone number (13x 0000 xxxx).
std::string ReporterName(uint64_t seed, size_t grid, int k);
std::string ReporterPhone(size_t grid, int k);

}  // namespace redledger::demo
