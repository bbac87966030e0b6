// CommandService: the thin, impure shell around the pure domain. For each
// command it loads the streams concerned, folds them, calls Decide, seals the
// personal part with the vault and appends with expected versions. It keeps
// the registry, principals and policy in memory, folded from the log at open
// and kept current by a store listener (hundreds of sites, thousands of units
// and principals: small), plus the non-closed demands for the scheduler.
//
// Results follow DESIGN §4's check order; a version conflict carries the
// stream's current version. An append that the store reports as a duplicate
// (same idempotency key retried) returns the first attempt's stream version.
//
// Thread safety: all methods are safe to call concurrently. Commands run in
// parallel (the store group-commits them); the in-memory state is published
// as immutable snapshots.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "redledger/clock.h"
#include "redledger/demand.h"
#include "redledger/domain.h"
#include "redledger/event_store.h"
#include "redledger/policy.h"
#include "redledger/principal.h"
#include "redledger/registry.h"
#include "redledger/vault.h"

namespace redledger {

struct CommandResult {
  std::string id;          // demand, site, compound, grid, unit or principal id
  uint64_t version = 0;    // the stream's version after the command
  uint64_t position = 0;   // the last appended event's position (0: nothing appended)
  std::string status;      // the demand's status after the command (demands only)
};

struct SchedulerReport {
  size_t appended = 0;   // demands that received scheduled events
  size_t conflicts = 0;  // demands another writer changed first (retried next pass)
};

// An immutable view of the registry, principals and policies.
struct DomainSnapshot {
  uint64_t position = 0;  // the last event that changed it (0: none yet)
  Registry registry;
  Principals principals;
  PolicyBook policies;
};

class CommandService {
 public:
  // REQUIRES: store, vault and clock outlive the service. Folds the whole log
  // once (registry, access and policy streams; non-closed demands).
  static Result<std::unique_ptr<CommandService>> Open(EventStore* store, Vault* vault, const Clock* clock);
  ~CommandService();

  // POST /v1/demands. `body` is the request's JSON text.
  Result<CommandResult> Raise(const Principal& actor, std::string_view body, const CommandMeta& meta);
  // POST /v1/demands/{id}/<command>.
  Result<CommandResult> Demand(const Principal& actor, std::string_view demand_id, std::string_view command,
                               std::string_view body, const CommandMeta& meta);
  // Registry commands; `command` and `target_id` as ParseRegistryCommand.
  Result<CommandResult> RunRegistryCommand(const Principal& actor, std::string_view command, std::string_view target_id,
                                           std::string_view body, const CommandMeta& meta);
  // POST /v1/principals (id of the new principal in the result; the caller
  // issues its token) and DELETE /v1/principals/{id}.
  Result<CommandResult> RegisterPrincipal(const Principal& actor, std::string_view body, const CommandMeta& meta);
  Result<CommandResult> RevokePrincipal(const Principal& actor, std::string_view principal_id,
                                        const CommandMeta& meta);
  // POST /v1/policy.
  Result<CommandResult> SetPolicy(const Principal& actor, std::string_view body, const CommandMeta& meta);

  // One scheduler pass at the clock's now.
  Result<SchedulerReport> RunScheduler();
  // The earliest instant a pass would find work (nullopt: none pending).
  std::optional<Micros> NextSchedulerWakeup() const;

  // The demand's current state folded from its stream; NotFound if absent.
  Result<DemandState> LoadDemand(std::string_view demand_id) const;
  // The in-memory state, current with the log head at the time of the call.
  std::shared_ptr<const DomainSnapshot> Snapshot() const;

 private:
  class Impl;
  explicit CommandService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redledger
