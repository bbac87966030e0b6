// CommandService: load, fold, decide, seal, append (see the header).
#include "redledger/command_service.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "redledger/access.h"
#include "redledger/scheduler.h"

namespace redledger {

namespace {

constexpr size_t kReadChunk = 1000;

Result<std::vector<Envelope>> ReadWholeStream(const EventStore& store, const std::string& stream) {
  std::vector<Envelope> all;
  for (;;) {
    auto chunk = store.ReadStream(stream, all.size() + 1, EventStore::Direction::kForward, kReadChunk);
    if (!chunk.ok()) return chunk.status();
    size_t n = chunk->size();
    for (auto& e : *chunk) all.push_back(std::move(e));
    if (n < kReadChunk) return all;
  }
}

bool IsRegistryType(std::string_view t) {
  return t.starts_with("site.") || t.starts_with("compound.") || t.starts_with("grid.") || t.starts_with("unit.");
}

// The demand's state once `events` (decided at `now`) are appended to it.
Result<DemandState> StateAfter(DemandState s, const std::vector<DomainEvent>& events, const std::string& stream,
                               Micros now) {
  for (const DomainEvent& d : events) {
    if (d.stream != stream) continue;
    Envelope e;
    e.stream = d.stream;
    e.type = d.type;
    e.version = s.version + 1;
    e.recorded_at = now;
    e.data = d.data;
    auto next = EvolveDemand(std::move(s), e);
    if (!next.ok()) return next.status();
    s = std::move(*next);
  }
  return s;
}

}  // namespace

class CommandService::Impl {
 public:
  Impl(EventStore* store, Vault* vault, const Clock* clock)
      : store_(store), vault_(vault), clock_(clock), snapshot_(std::make_shared<DomainSnapshot>()) {}

  ~Impl() {
    if (listener_) store_->RemoveListener(*listener_);
  }

  Status Start() {
    listener_ = store_->AddListener([this](const CommitNotice& n) { OnCommit(n); });
    std::lock_guard<std::mutex> lock(mu_);
    return CatchUpLocked();
  }

  std::shared_ptr<const DomainSnapshot> Current() {
    std::lock_guard<std::mutex> lock(mu_);
    CatchUpLocked().IgnoreError();  // a reader gets the state as far as it could be folded
    return snapshot_;
  }

  Result<std::shared_ptr<const DomainSnapshot>> CurrentOrError() {
    std::lock_guard<std::mutex> lock(mu_);
    REDLEDGER_RETURN_IF_ERROR(CatchUpLocked());
    return std::shared_ptr<const DomainSnapshot>(snapshot_);
  }

  Result<DemandState> Load(std::string_view id) const {
    if (!IsValidClientId(id)) {  // no such stream can exist; spare the store a bad name
      DemandState none;
      none.id = std::string(id);
      return none;
    }
    auto events = ReadWholeStream(*store_, DemandStream(id));
    if (!events.ok()) return events.status();
    auto s = FoldDemand(*events);
    if (!s.ok()) return s.status();
    if (s->version == 0) s->id = std::string(id);
    return s;
  }

  Result<CommandResult> Raise(const Principal& actor, std::string_view body, const CommandMeta& meta) {
    auto cmd = ParseDemandCommand("raise", body);
    if (!cmd.ok()) return cmd.status();
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    Micros now = clock_->NowMicros();
    DemandState empty;
    empty.id = NewObjectId("d", actor.id, meta.idempotency_key, "demand");
    DecideContext ctx{(*snap)->registry, (*snap)->policies, nullptr, {}, {}};
    ctx.new_demand_id = empty.id;
    const auto& raise = std::get<RaiseDemand>(*cmd);
    std::optional<std::string> phone = raise.reporter_phone ? NormalizePhone(*raise.reporter_phone) : std::nullopt;
    if (actor.role == Role::kGridLeader && phone) {
      auto found = vault_->FindSubjectForPhone(*phone);
      if (!found.ok()) return found.status();
      ctx.reporter_subject_id = found->value_or(NewObjectId("r", actor.id, meta.idempotency_key, "subject"));
    }
    auto events = DecideDemand(empty, *cmd, actor, now, ctx);
    if (!events.ok()) return events.status();
    if (actor.role == Role::kGridLeader) {
      // Assign the subject only for a valid raise; a racing first report of
      // the same phone may have assigned another one, which then wins.
      auto subject = vault_->SubjectForPhone(*phone, ctx.reporter_subject_id);
      if (!subject.ok()) return subject.status();
      if (*subject != ctx.reporter_subject_id) {
        ctx.reporter_subject_id = *subject;
        events = DecideDemand(empty, *cmd, actor, now, ctx);
        if (!events.ok()) return events.status();
      }
    }
    return AppendDemand(actor, empty, nullptr, *events, meta, now);
  }

  Result<CommandResult> Demand(const Principal& actor, std::string_view id, std::string_view name,
                               std::string_view body, const CommandMeta& meta) {
    if (name == "raise") return Status::NotFound("raise is POST /v1/demands");
    auto cmd = ParseDemandCommand(name, body);
    if (!cmd.ok()) return cmd.status();
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    auto state = Load(id);
    if (!state.ok()) return state.status();
    DemandState target;
    if (const auto* dup = std::get_if<MarkDuplicate>(&*cmd); dup && dup->duplicate_of && *dup->duplicate_of != id) {
      auto t = Load(*dup->duplicate_of);
      if (!t.ok()) return t.status();
      target = std::move(*t);
    }
    Micros now = clock_->NowMicros();
    DecideContext ctx{(*snap)->registry, (*snap)->policies, &target, {}, {}};
    auto events = DecideDemand(*state, *cmd, actor, now, ctx);
    // DESIGN §4: a stale If-Match answers version_conflict before invalid_transition.
    bool stale = meta.expected_version && *meta.expected_version != state->version;
    if (stale && (events.ok() || events.status().code() == Status::Code::kInvalidTransition)) {
      return Status::VersionConflict("demand " + std::string(id) + " is at version " +
                                         std::to_string(state->version),
                                     state->version);
    }
    if (!events.ok()) return events.status();
    return AppendDemand(actor, *state, target.version ? &target : nullptr, *events, meta, now);
  }

  Result<CommandResult> RunRegistry(const Principal& actor, std::string_view command, std::string_view target_id,
                                    std::string_view body, const CommandMeta& meta) {
    auto cmd = ParseRegistryCommand(command, target_id, body);
    if (!cmd.ok()) return cmd.status();
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    static constexpr std::string_view kPrefixes[] = {"s", "s", "c", "g", "u", "u", "a"};
    std::string new_id = NewObjectId(kPrefixes[cmd->index()], actor.id, meta.idempotency_key, command);
    auto decision = DecideRegistry(*cmd, actor, clock_->NowMicros(), (*snap)->registry, new_id);
    if (!decision.ok()) return decision.status();
    ExpectedVersion expected = decision->creates_stream ? ExpectedVersion::NoStream() : ExpectedVersion::StreamExists();
    if (meta.expected_version) expected = ExpectedVersion::Exact(*meta.expected_version);
    return AppendSimple(actor, decision->id, decision->events, expected, meta);
  }

  Result<CommandResult> RegisterPrincipal(const Principal& actor, std::string_view body, const CommandMeta& meta) {
    auto cmd = ParseRegisterPrincipal(body);
    if (!cmd.ok()) return cmd.status();
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    std::string id = NewObjectId("p", actor.id, meta.idempotency_key, "principal");
    auto events = DecideRegisterPrincipal(*cmd, actor, (*snap)->registry, id);
    if (!events.ok()) return events.status();
    return AppendSimple(actor, id, *events, ExpectedVersion::Any(), meta);
  }

  Result<CommandResult> RevokePrincipal(const Principal& actor, std::string_view id, const CommandMeta& meta) {
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    auto events = DecideRevokePrincipal(id, actor, (*snap)->principals);
    if (!events.ok()) return events.status();
    if (events->empty()) {
      auto v = store_->StreamVersion(std::string(kAccessStream));
      if (!v.ok()) return v.status();
      return CommandResult{std::string(id), *v, 0, {}};
    }
    return AppendSimple(actor, std::string(id), *events, ExpectedVersion::Any(), meta);
  }

  Result<CommandResult> SetPolicy(const Principal& actor, std::string_view body, const CommandMeta& meta) {
    auto cmd = ParseSetPolicy(body);
    if (!cmd.ok()) return cmd.status();
    auto snap = CurrentOrError();
    if (!snap.ok()) return snap.status();
    auto events = DecideSetPolicy(*cmd, actor, clock_->NowMicros(), (*snap)->policies);
    if (!events.ok()) return events.status();
    ExpectedVersion expected = meta.expected_version ? ExpectedVersion::Exact(*meta.expected_version) : ExpectedVersion::Any();
    return AppendSimple(actor, std::string(kPolicyStream), *events, expected, meta);
  }

  Result<SchedulerReport> RunScheduler() {
    Micros now = clock_->NowMicros();
    std::vector<DemandState> due;
    {
      std::lock_guard<std::mutex> lock(mu_);
      REDLEDGER_RETURN_IF_ERROR(CatchUpLocked());
      for (const auto& [id, s] : active_) {
        if (auto w = redledger::NextWakeup(s); w && *w <= now) due.push_back(s);
      }
    }
    SchedulerReport report;
    for (const DemandState& s : due) {
      std::vector<DomainEvent> events = ScheduledEvents(s, now);
      if (events.empty()) continue;
      AppendPart part{DemandStream(s.id), ExpectedVersion::Exact(s.version), {}};
      for (const DomainEvent& d : events) {
        NewEvent n;
        n.type = d.type;
        n.event_id = ScheduledEventId(s, d);
        n.actor = Actor::Scheduler();
        n.data = d.data;
        part.events.push_back(std::move(n));
      }
      std::vector<AppendPart> parts;
      parts.push_back(std::move(part));
      auto r = store_->Append(std::move(parts));
      if (r.ok() && !r->duplicate) {
        ++report.appended;
      } else if (r.ok() || r.status().IsVersionConflict()) {
        ++report.conflicts;  // another pass or a command got there first
      } else {
        return r.status();
      }
    }
    return report;
  }

  std::optional<Micros> EarliestWakeup() {
    std::lock_guard<std::mutex> lock(mu_);
    CatchUpLocked().IgnoreError();
    std::optional<Micros> best;
    for (const auto& [id, s] : active_) {
      auto w = redledger::NextWakeup(s);
      if (w && (!best || *w < *best)) best = w;
    }
    return best;
  }

 private:
  Result<CommandResult> AppendDemand(const Principal& actor, const DemandState& state, const DemandState* target,
                                     std::vector<DomainEvent> events, const CommandMeta& meta, Micros now) {
    for (DomainEvent& e : events) {
      if (e.personal.empty()) continue;
      auto sealed = vault_->Encrypt(e.subject_id, e.personal);
      if (!sealed.ok()) return sealed.status();
      e.personal = std::move(*sealed);
    }
    std::string stream = DemandStream(state.id);
    std::vector<NewEvent> all = ToNewEvents(events, actor.ToActor(), actor.id, meta);
    std::vector<AppendPart> parts;
    parts.push_back({stream, state.version ? ExpectedVersion::Exact(state.version) : ExpectedVersion::NoStream(), {}});
    if (target) parts.push_back({DemandStream(target->id), ExpectedVersion::Exact(target->version), {}});
    for (size_t i = 0; i < events.size(); ++i) {
      parts[events[i].stream == stream ? 0 : 1].events.push_back(std::move(all[i]));
    }
    auto r = store_->Append(std::move(parts));
    if (!r.ok()) return r.status();
    if (r->duplicate) {  // a retry of an append already stored: answer as it stands
      auto now_state = Load(state.id);
      if (!now_state.ok()) return now_state.status();
      return CommandResult{state.id, r->stream_versions[0], r->last_position, DemandStatusName(now_state->status)};
    }
    auto after = StateAfter(state, events, stream, now);
    if (!after.ok()) return after.status();
    return CommandResult{state.id, r->stream_versions[0], r->last_position, DemandStatusName(after->status)};
  }

  Result<CommandResult> AppendSimple(const Principal& actor, const std::string& id,
                                     const std::vector<DomainEvent>& events, ExpectedVersion expected,
                                     const CommandMeta& meta) {
    std::vector<AppendPart> parts;
    parts.push_back({events.front().stream, expected, ToNewEvents(events, actor.ToActor(), actor.id, meta)});
    auto r = store_->Append(std::move(parts));
    if (!r.ok()) return r.status();
    // Fold it now, so the next command (and Snapshot) sees it.
    std::lock_guard<std::mutex> lock(mu_);
    REDLEDGER_RETURN_IF_ERROR(CatchUpLocked());
    return CommandResult{id, r->stream_versions[0], r->last_position, {}};
  }

  // Folds one event (the next position) into `next` (copied on first need)
  // and the active demands. REQUIRES: mu_ held.
  Status ApplyLocked(const Envelope& e, std::shared_ptr<DomainSnapshot>* next) {
    if (std::string_view id = DemandIdOfStream(e.stream); !id.empty()) {
      auto it = active_.find(id);
      if (it == active_.end()) {
        if (e.type != "demand.raised") return Status::OK();  // closed or declined earlier
        it = active_.emplace(std::string(id), DemandState{}).first;
      }
      auto s = EvolveDemand(std::move(it->second), e);
      if (!s.ok()) return s.status();
      if (s->status == DemandStatus::kClosed || s->status == DemandStatus::kDeclined) {
        active_.erase(it);
      } else {
        // Only the due-time fields matter here: keep each entry small.
        s->title.clear();
        s->description.clear();
        s->attachments.clear();
        s->linked_reporters.clear();
        it->second = std::move(*s);
      }
      return Status::OK();
    }
    bool ours = IsRegistryType(e.type) || e.stream == kAccessStream || e.stream == kPolicyStream;
    if (!ours) return Status::OK();
    if (!*next) *next = std::make_shared<DomainSnapshot>(*snapshot_);
    REDLEDGER_RETURN_IF_ERROR((*next)->registry.Apply(e));
    REDLEDGER_RETURN_IF_ERROR((*next)->principals.Apply(e));
    REDLEDGER_RETURN_IF_ERROR((*next)->policies.Apply(e));
    (*next)->position = e.position;
    return Status::OK();
  }

  // REQUIRES: mu_ held.
  Status CatchUpLocked() {
    REDLEDGER_RETURN_IF_ERROR(broken_);
    uint64_t head = store_->Head();
    if (applied_ >= head) return Status::OK();
    std::shared_ptr<DomainSnapshot> next;
    Status failed;
    Status scan = store_->Scan(applied_, head, [&](const Envelope& e) {
      failed = ApplyLocked(e, &next);
      if (!failed.ok()) return false;
      applied_ = e.position;
      return true;
    });
    if (next) snapshot_ = std::move(next);
    if (!failed.ok()) broken_ = failed;
    REDLEDGER_RETURN_IF_ERROR(failed);
    return scan;
  }

  void OnCommit(const CommitNotice& n) {
    // Never block the writer thread: when busy, the next command catches up.
    std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || !broken_.ok() || n.first_position != applied_ + 1 || !n.events) return;
    std::shared_ptr<DomainSnapshot> next;
    for (const Envelope& e : *n.events) {
      Status s = ApplyLocked(e, &next);
      if (!s.ok()) {
        broken_ = s;
        break;
      }
      applied_ = e.position;
    }
    if (next) snapshot_ = std::move(next);
  }

  EventStore* store_;
  Vault* vault_;
  const Clock* clock_;
  std::optional<EventStore::ListenerId> listener_;
  std::mutex mu_;  // guards applied_, snapshot_, active_, broken_
  uint64_t applied_ = 0;
  std::shared_ptr<const DomainSnapshot> snapshot_;
  std::map<std::string, DemandState, std::less<>> active_;  // raised..resolved demands, trimmed
  Status broken_;  // a fold error: the log holds what this code cannot read
};

Result<std::unique_ptr<CommandService>> CommandService::Open(EventStore* store, Vault* vault, const Clock* clock) {
  auto impl = std::make_unique<Impl>(store, vault, clock);
  REDLEDGER_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<CommandService>(new CommandService(std::move(impl)));
}

CommandService::CommandService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CommandService::~CommandService() = default;

Result<CommandResult> CommandService::Raise(const Principal& actor, std::string_view body, const CommandMeta& meta) {
  return impl_->Raise(actor, body, meta);
}
Result<CommandResult> CommandService::Demand(const Principal& actor, std::string_view demand_id,
                                             std::string_view command, std::string_view body,
                                             const CommandMeta& meta) {
  return impl_->Demand(actor, demand_id, command, body, meta);
}
Result<CommandResult> CommandService::RunRegistryCommand(const Principal& actor, std::string_view command,
                                                         std::string_view target_id, std::string_view body,
                                                         const CommandMeta& meta) {
  return impl_->RunRegistry(actor, command, target_id, body, meta);
}
Result<CommandResult> CommandService::RegisterPrincipal(const Principal& actor, std::string_view body,
                                                        const CommandMeta& meta) {
  return impl_->RegisterPrincipal(actor, body, meta);
}
Result<CommandResult> CommandService::RevokePrincipal(const Principal& actor, std::string_view principal_id,
                                                      const CommandMeta& meta) {
  return impl_->RevokePrincipal(actor, principal_id, meta);
}
Result<CommandResult> CommandService::SetPolicy(const Principal& actor, std::string_view body,
                                                const CommandMeta& meta) {
  return impl_->SetPolicy(actor, body, meta);
}
Result<SchedulerReport> CommandService::RunScheduler() { return impl_->RunScheduler(); }
std::optional<Micros> CommandService::NextSchedulerWakeup() const { return impl_->EarliestWakeup(); }
Result<DemandState> CommandService::LoadDemand(std::string_view demand_id) const {
  auto s = impl_->Load(demand_id);
  if (s.ok() && s->version == 0) return Status::NotFound("demand " + std::string(demand_id) + " not found");
  return s;
}
std::shared_ptr<const DomainSnapshot> CommandService::Snapshot() const { return impl_->Current(); }

}  // namespace redledger
