#include "demo/commander.h"

#include <algorithm>

namespace redledger::demo {

Commander::Commander(EventStore* store, CommandService* service, ScoreProjection* scores, FakeClock* clock,
                     uint64_t seed)
    : store_(store), service_(service), scores_(scores), clock_(clock), seed_(seed) {}

void Commander::AdvanceTo(Micros t) { clock_->Set(std::max(t, clock_->NowMicros())); }

CommandMeta Commander::NextMeta() {
  CommandMeta meta;
  meta.idempotency_key = "demo-" + std::to_string(seed_) + "-" + std::to_string(++counter_);
  return meta;
}

Status Commander::Failed(std::string_view what, const Status& s) {
  return Status::Internal("demo: " + std::string(what) + " was refused: " + s.ToString());
}

Result<CommandResult> Commander::Registry(const Principal& actor, std::string_view command, std::string_view target,
                                          const std::string& body) {
  auto r = service_->RunRegistryCommand(actor, command, target, body, NextMeta());
  if (!r.ok()) return Failed(std::string(command) + " " + body, r.status());
  return r;
}

Result<CommandResult> Commander::Raise(const Principal& actor, const std::string& body) {
  auto r = service_->Raise(actor, body, NextMeta());
  if (!r.ok()) return Failed("raise " + body, r.status());
  return r;
}

Result<CommandResult> Commander::Demand(const Principal& actor, std::string_view demand_id, std::string_view command,
                                        const std::string& body) {
  auto r = service_->Demand(actor, demand_id, command, body, NextMeta());
  if (!r.ok()) return Failed(std::string(command) + " of " + std::string(demand_id) + " " + body, r.status());
  return r;
}

Result<Principal> Commander::Register(const Principal& admin, const std::string& body) {
  auto r = service_->RegisterPrincipal(admin, body, NextMeta());
  if (!r.ok()) return Failed("principal " + body, r.status());
  const Principal* p = service_->Snapshot()->principals.Find(r->id);
  if (!p) return Status::Internal("demo: principal " + r->id + " was registered but is not in the snapshot");
  return *p;
}

Status Commander::SetPolicy(const Principal& admin, const std::string& body) {
  auto r = service_->SetPolicy(admin, body, NextMeta());
  return r.ok() ? Status::OK() : Failed("policy " + body, r.status());
}

Status Commander::Publish(const Principal& supervisor, CivilMonth period) {
  std::string body = "{\"period\":\"" + FormatMonth(period) + "\"}";
  auto r = scores_->Publish(store_, supervisor, body, NextMeta(), now());
  return r.ok() ? Status::OK() : Failed("notice " + body, r.status());
}

Status Commander::RunScheduler() {
  auto r = service_->RunScheduler();
  if (!r.ok()) return Failed("scheduler pass", r.status());
  return Status::OK();
}

Policy Commander::PolicyNow() const { return service_->Snapshot()->policies.At(now()); }

Result<DemandState> Commander::Load(std::string_view demand_id) const {
  auto s = service_->LoadDemand(demand_id);
  if (!s.ok()) return Failed("load of " + std::string(demand_id), s.status());
  return s;
}

}  // namespace redledger::demo
