// The registry (DESIGN §2): sites, compounds, grids, units and pairings, as
// events in `site-<id>` and `unit-<id>` streams; its commands (DESIGN §4
// "Registry") decided purely; and Registry, the fold used for lookups.
//
// Thread safety: plain values; Registry is not synchronised (the command
// service publishes immutable copies).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "redledger/clock.h"
#include "redledger/domain.h"
#include "redledger/principal.h"
#include "redledger/status.h"

namespace redledger {

struct Site {
  std::string id, name, district, street, community;
  std::string construction_mode;  // separate / joint / stationed
  std::vector<std::string> compound_ids, grid_ids, unit_ids;  // unit_ids: paired units
  int64_t activity_count = 0;
};
struct Compound {
  std::string id, site_id, name;
};
struct Grid {
  std::string id, site_id, name;
  std::optional<std::string> leader;
};
struct Unit {
  std::string id, name;
  std::string kind;  // property_branch, owner_committee, functional_branch, co_building_unit, municipal_unit, district_unit
  std::vector<std::string> site_ids;  // paired sites
};

bool IsConstructionMode(std::string_view s);
bool IsUnitKind(std::string_view s);

class Registry {
 public:
  // nullptr when unknown.
  const Site* FindSite(std::string_view id) const;
  const Compound* FindCompound(std::string_view id) const;
  const Grid* FindGrid(std::string_view id) const;
  const Unit* FindUnit(std::string_view id) const;
  const std::map<std::string, Site, std::less<>>& sites() const { return sites_; }
  const std::map<std::string, Unit, std::less<>>& units() const { return units_; }

  // Folds one registry event (site.*, compound.*, grid.*, unit.*); other
  // types are ignored. Corruption on malformed data.
  Status Apply(const Envelope& e);

 private:
  std::map<std::string, Site, std::less<>> sites_;
  std::map<std::string, Compound, std::less<>> compounds_;
  std::map<std::string, Grid, std::less<>> grids_;
  std::map<std::string, Unit, std::less<>> units_;
};

// Command bodies. Parsing checks shapes only (unknown fields, wrong types:
// InvalidArgument naming the field); Decide validates values.
struct RegisterSite {  // POST /v1/sites
  std::optional<std::string> site_id, name, district, street, community, construction_mode;
};
struct UpdateSite {  // PATCH /v1/sites/{site_id}
  std::string site_id;
  std::optional<std::string> name, district, street, community, construction_mode;
};
struct RegisterCompound {  // POST /v1/sites/{site_id}/compounds
  std::string site_id;
  std::optional<std::string> name;
};
struct RegisterGrid {  // POST /v1/sites/{site_id}/grids
  std::string site_id;
  std::optional<std::string> name, leader;
};
struct RegisterUnit {  // POST /v1/units
  std::optional<std::string> unit_id, name, kind;
};
struct PairUnit {  // POST /v1/units/{unit_id}/pairings
  std::string unit_id;
  std::optional<std::string> site_id;
};
struct RecordActivity {  // POST /v1/sites/{site_id}/activities
  std::string site_id;
  std::optional<std::string> kind, held_at, note;
};
using RegistryCommand =
    std::variant<RegisterSite, UpdateSite, RegisterCompound, RegisterGrid, RegisterUnit, PairUnit, RecordActivity>;

// `command` is one of "register_site", "update_site", "register_compound",
// "register_grid", "register_unit", "pair_unit", "record_activity";
// `target_id` is the id in the URL (site or unit; ignored for the two
// register_site/register_unit). NotFound for an unknown command; InvalidJson
// when `json` does not parse or is not an object.
Result<RegistryCommand> ParseRegistryCommand(std::string_view command, std::string_view target_id,
                                             std::string_view json);

struct RegistryDecision {
  std::string id;        // the site, compound, grid, unit or activity id concerned
  bool creates_stream = false;  // append with ExpectedVersion::NoStream
  std::vector<DomainEvent> events;
};

// Checks: 404 (the URL's site or unit), 403 (admin; community for its sites),
// 422 (every field). `new_id` names the created compound, grid or activity,
// and the site or unit when the body gives none.
Result<RegistryDecision> DecideRegistry(const RegistryCommand& cmd, const Principal& actor, Micros now,
                                        const Registry& registry, std::string_view new_id);

}  // namespace redledger
