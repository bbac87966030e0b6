// The demo's only way into the system: every command goes through the real
// CommandService (or ScoreProjection::Publish for notices) at the injected
// clock's time, with an idempotency key "demo-<seed>-<n>" so that ids and
// event ids are the same on every run with the seed. Errors are the
// generator's bugs (it only issues commands the lifecycle allows), so each is
// returned as Internal naming the command.
//
// Thread safety: not synchronised; one seeding thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "redledger/command_service.h"
#include "redledger/score_projection.h"

namespace redledger::demo {

class Commander {
 public:
  // REQUIRES: all outlive the Commander; the store takes its time from `clock`.
  Commander(EventStore* store, CommandService* service, ScoreProjection* scores, FakeClock* clock, uint64_t seed);

  Micros now() const { return clock_->NowMicros(); }
  // Moves the clock forward to `t` (never back).
  void AdvanceTo(Micros t);
  // Advances by `d`.
  void Advance(Micros d) { AdvanceTo(now() + d); }

  Result<CommandResult> Registry(const Principal& actor, std::string_view command, std::string_view target,
                                 const std::string& body);
  Result<CommandResult> Raise(const Principal& actor, const std::string& body);
  Result<CommandResult> Demand(const Principal& actor, std::string_view demand_id, std::string_view command,
                               const std::string& body);
  // Registers a principal and returns it as the access stream now holds it.
  Result<Principal> Register(const Principal& admin, const std::string& body);
  Status SetPolicy(const Principal& admin, const std::string& body);
  // Publishes the notice of `period` (POST /v1/notices).
  Status Publish(const Principal& supervisor, CivilMonth period);
  // One scheduler pass at the clock's time.
  Status RunScheduler();

  // The policy in force now.
  Policy PolicyNow() const;
  // Loads a demand's state (for its due times).
  Result<DemandState> Load(std::string_view demand_id) const;
  uint64_t commands() const { return counter_; }

 private:
  CommandMeta NextMeta();
  static Status Failed(std::string_view what, const Status& s);

  EventStore* store_;
  CommandService* service_;
  ScoreProjection* scores_;
  FakeClock* clock_;
  uint64_t seed_;
  uint64_t counter_ = 0;
};

}  // namespace redledger::demo
