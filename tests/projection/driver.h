// A randomized workload for projection tests: the real CommandService over a
// real event store, two sites, three units, one principal per role, and
// random demand commands with the clock moving and the scheduler running.
// Refused commands are part of the workload (they append nothing).
//
// Personal data and internal notes carry markers (kSecretMarkers) that the
// public-board test searches for.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "redledger/clock.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/vault.h"

namespace redledger::testing {

inline constexpr Micros kT0 = 1772409600LL * kMicrosPerSecond;  // 2026-03-02T00:00:00Z

// Text that must never reach the public board.
inline const std::vector<std::string> kSecretMarkers = {
    "Zhang-SECRET-NAME", "13912345678", "139-1234-5678", "INTERNAL-NOTE-MARK", "SECRET-DESCRIPTION",
    "SECRET-COMMENT", "SECRET-ACCEPT-NOTE", "SECRET-RETURN", "SECRET-SUPERVISE", "building-SECRET"};
// Text the board must show (a public progress note).
inline const std::string kPublicMarker = "PUBLIC-PROGRESS";

class Driver {
 public:
  // REQUIRES: store and vault outlive the driver.
  Driver(EventStore* store, Vault* vault, FakeClock* clock, uint64_t seed);
  // Registers the sites, units and principals.
  Status Setup();
  // One random action (a command, a scheduler pass or both).
  Status Step();
  // Closes the command service (it listens to the store): call before the
  // store closes. Step() must not be called afterwards.
  void Close() { service_.reset(); }

  const std::vector<std::string>& demand_ids() const { return demand_ids_; }
  const std::vector<std::string>& site_ids() const { return sites_; }
  const std::vector<std::string>& unit_ids() const { return units_; }

 private:
  Status RandomDemandCommand();
  Result<Principal> AddPrincipal(const std::string& body);

  EventStore* store_;
  Vault* vault_;
  FakeClock* clock_;
  std::mt19937_64 rng_;
  std::unique_ptr<CommandService> service_;
  Principal admin_;
  std::vector<Principal> residents_, communities_, handlers_;
  Principal grid_leader_, supervisor_;
  std::vector<std::string> sites_ = {"s1", "s2"};
  std::vector<std::string> compounds_, grids_, units_;
  std::vector<std::string> demand_ids_;
  struct DemandInfo {
    size_t site;    // index into sites_
    size_t raiser;  // index into residents_, or residents_.size() for the grid leader
  };
  std::map<std::string, DemandInfo> infos_;  // by demand id
};

// Every answer of every read model, as JSON text, at `as_of` (nullopt: now):
// demand views and histories, lists under many filters (every page, with a
// small limit), ledgers, and audit pages. Equal dumps mean equal read models.
std::vector<std::string> DumpReadModels(const ReadModels& views, const Driver& d, std::optional<uint64_t> as_of);
// Equal, or a failure showing where the two answers first differ.
::testing::AssertionResult SameAnswer(const std::string& a, const std::string& b);
// The public boards of every site, and the audit trail (neither is versioned).
std::vector<std::string> DumpUnversioned(const ReadModels& views, const Driver& d);

}  // namespace redledger::testing
