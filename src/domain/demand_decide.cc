// DecideDemand: the lifecycle table of DESIGN §2, row by row, with the
// authorization of §3 and the check order of §4 (404, 403, 422, 409).
#include "domain/events.h"
#include "domain/validate.h"
#include "redledger/demand.h"

namespace redledger {

using namespace domain_internal;

namespace {

using Events = std::vector<DomainEvent>;
using Decision = Result<Events>;

constexpr size_t kNoteChars = 2000;
constexpr size_t kLongTextChars = 4000;

Status Forbid(std::string_view perm, std::string_view why) {
  return Status::Forbidden("missing permission " + std::string(perm) + ": " + std::string(why));
}

// Role and site scope: the first check of every command.
Status RequireRole(const Principal& a, Role role, std::string_view perm, std::string_view site_id) {
  if (a.role != role) return Forbid(perm, std::string("requires role ") + RoleName(role));
  if (!a.InScope(site_id)) return Forbid(perm, "site " + std::string(site_id) + " is not in scope");
  return Status::OK();
}

// The handler rows: "handler of the assigned unit".
Status RequireAssignedHandler(const Principal& a, const DemandState& s, std::string_view perm) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kHandler, perm, s.site_id));
  if (!s.assigned_unit || !a.unit_id || *a.unit_id != *s.assigned_unit) {
    return Forbid(perm, "the demand is not assigned to unit " + a.unit_id.value_or("(none)"));
  }
  return Status::OK();
}

Status RequireStatus(const DemandState& s, std::string_view command, std::initializer_list<DemandStatus> from) {
  for (DemandStatus f : from) {
    if (s.status == f) return Status::OK();
  }
  return Status::InvalidTransition(
      std::string(command) + " is not allowed while the demand is " + DemandStatusName(s.status),
      DemandStatusName(s.status));
}

Status RequireOpen(const DemandState& s, std::string_view command) {
  return RequireStatus(s, command, {DemandStatus::kRaised, DemandStatus::kAccepted, DemandStatus::kAssigned});
}

// A due_at override: a time after now.
std::optional<Micros> FutureTime(Validator& v, std::string_view field, const std::optional<std::string>& text,
                                 Micros now) {
  auto t = v.Time(field, text, false);
  if (t && *t <= now) {
    v.Error(std::string(field), "must be in the future");
    return std::nullopt;
  }
  return t;
}

Urgency UrgencyOf(const DemandState& s) { return ParseUrgency(s.urgency).value_or(Urgency::kRoutine); }

Events One(const DemandState& s, const char* type, std::string data) {
  Events out;
  out.push_back(MakeEvent(DemandStream(s.id), type, std::move(data)));
  return out;
}

Decision Decide(const DemandState& s, const RaiseDemand& c, const Principal& a, Micros now,
                const DecideContext& ctx) {
  constexpr std::string_view perm = "demand.raise";
  if (a.role != Role::kResident && a.role != Role::kGridLeader) return Forbid(perm, "requires role resident or grid_leader");
  if (c.site_id && !a.InScope(*c.site_id)) return Forbid(perm, "site " + *c.site_id + " is not in scope");
  if (a.role == Role::kGridLeader && c.grid_id && !a.HasGrid(*c.grid_id)) {
    return Forbid(perm, "grid " + *c.grid_id + " is not one of the grid leader's grids");
  }

  Validator v;
  const Policy& policy = ctx.policies.At(now);
  const Site* site = nullptr;
  if (v.Present("site_id", c.site_id)) {
    site = ctx.registry.FindSite(*c.site_id);
    if (!site) v.Error("site_id", "unknown site");
  }
  if (v.Present("category", c.category) && !policy.HasCategory(*c.category)) {
    v.Error("category", "not a category of the policy in force");
  }
  v.Text("title", c.title, 200);
  v.Text("description", c.description, kLongTextChars);
  v.Enum("urgency", c.urgency, {"routine", "urgent", "emergency"});
  v.Enum("channel", c.channel, {"hotline", "grid_visit", "app", "red_station", "walk_in"});
  if (!c.has_location) {
    v.Error("location", "is required");
  } else {
    if (v.Present("location.compound_id", c.compound_id)) {
      const Compound* comp = ctx.registry.FindCompound(*c.compound_id);
      if (!comp) {
        v.Error("location.compound_id", "unknown compound");
      } else if (site && comp->site_id != site->id) {
        v.Error("location.compound_id", "the compound is not at site " + site->id);
      }
    }
    v.Text("location.building", c.building, 100);
    if (c.grid_id) {
      const Grid* grid = ctx.registry.FindGrid(*c.grid_id);
      if (!grid) {
        v.Error("location.grid_id", "unknown grid");
      } else if (site && grid->site_id != site->id) {
        v.Error("location.grid_id", "the grid is not at site " + site->id);
      }
    } else if (a.role == Role::kGridLeader) {
      v.Error("location.grid_id", "is required when a grid leader raises a demand");
    }
  }
  if (!c.has_reporter) {
    v.Error("reporter", "is required");
  } else {
    v.Text("reporter.name", c.reporter_name, 100);
    if (v.Present("reporter.phone", c.reporter_phone) && !NormalizePhone(*c.reporter_phone)) {
      v.Error("reporter.phone", "must be a phone number of 5 to 20 digits");
    }
  }
  v.Attachments("attachments", c.attachments);
  if (!v.ok()) return v.ToStatus();
  if (s.version != 0) return Status::InvalidTransition("the demand already exists", DemandStatusName(s.status));

  std::string subject = a.role == Role::kResident ? a.id : ctx.reporter_subject_id;
  if (subject.empty() || ctx.new_demand_id.empty()) return Status::Internal("raise without a demand or subject id");
  Urgency urgency = *ParseUrgency(*c.urgency);
  std::string data = ObjectWriter()
                         .Str("demand_id", ctx.new_demand_id)
                         .Str("site_id", *c.site_id)
                         .Str("category", *c.category)
                         .Str("title", *c.title)
                         .Str("description", *c.description)
                         .Str("urgency", *c.urgency)
                         .Str("channel", *c.channel)
                         .Raw("location", ObjectWriter()
                                              .Str("compound_id", *c.compound_id)
                                              .Str("building", *c.building)
                                              .OptStr("grid_id", c.grid_id)
                                              .Done())
                         .Raw("reporter", ObjectWriter().Str("subject_id", subject).Done())
                         .Str("raised_by", a.id)
                         .Raw("attachments", AttachmentsJson(c.attachments))
                         .Time("response_due_at", policy.ResponseDue(urgency, now))
                         .Done();
  DomainEvent e = MakeEvent(DemandStream(ctx.new_demand_id), ev::kRaised, std::move(data));
  e.personal = ObjectWriter().Str("name", *c.reporter_name).Str("phone", *c.reporter_phone).Done();
  e.subject_id = subject;
  Events out;
  out.push_back(std::move(e));
  return out;
}

Decision Decide(const DemandState& s, const AcceptDemand& c, const Principal& a, Micros now,
                const DecideContext& ctx) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.accept", s.site_id));
  Validator v;
  v.Text("note", c.note, kNoteChars, false);
  auto due = FutureTime(v, "due_at", c.due_at, now);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "accept", {DemandStatus::kRaised}));
  Micros resolve_due = due.value_or(ctx.policies.At(now).ResolveDue(UrgencyOf(s), now));
  return One(s, ev::kAccepted, ObjectWriter().OptStr("note", c.note).Time("resolve_due_at", resolve_due).Done());
}

Decision Decide(const DemandState& s, const DeclineDemand& c, const Principal& a, Micros, const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.decline", s.site_id));
  Validator v;
  v.Text("reason", c.reason, kNoteChars);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "decline", {DemandStatus::kRaised}));
  return One(s, ev::kDeclined, ObjectWriter().Str("reason", *c.reason).Done());
}

Decision Decide(const DemandState& s, const AssignDemand& c, const Principal& a, Micros now,
                const DecideContext& ctx) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.assign", s.site_id));
  Validator v;
  if (v.Present("unit_id", c.unit_id) && !ctx.registry.FindUnit(*c.unit_id)) v.Error("unit_id", "unknown unit");
  v.Text("note", c.note, kNoteChars, false);
  auto due = FutureTime(v, "due_at", c.due_at, now);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "assign", {DemandStatus::kAccepted, DemandStatus::kAssigned}));
  Micros resolve_due = due ? *due : s.resolve_due_at.value_or(ctx.policies.At(now).ResolveDue(UrgencyOf(s), now));
  return One(s, ev::kAssigned,
             ObjectWriter()
                 .Str("unit_id", *c.unit_id)
                 .OptStr("previous_unit_id", s.assigned_unit)
                 .OptStr("note", c.note)
                 .Time("resolve_due_at", resolve_due)
                 .Done());
}

Decision Decide(const DemandState& s, const ReturnDemand& c, const Principal& a, Micros, const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireAssignedHandler(a, s, "demand.return"));
  Validator v;
  v.Text("reason", c.reason, kNoteChars);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "return", {DemandStatus::kAssigned}));
  return One(s, ev::kReturned, ObjectWriter().Str("unit_id", *s.assigned_unit).Str("reason", *c.reason).Done());
}

Decision Decide(const DemandState& s, const PublicizeDemand& c, const Principal& a, Micros now,
                const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.publicize", s.site_id));
  Validator v;
  v.Text("notice", c.notice, kNoteChars);
  if (!c.days) {
    v.Error("days", "is required");
  } else if (*c.days < 1 || *c.days > 365) {
    v.Error("days", "must be between 1 and 365");
  }
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "publicize", {DemandStatus::kAccepted, DemandStatus::kAssigned}));
  return One(s, ev::kPublicized,
             ObjectWriter()
                 .Str("notice", *c.notice)
                 .Int("days", *c.days)
                 .Time("until", now + *c.days * kMicrosPerDay)
                 .Done());
}

Decision Decide(const DemandState& s, const ReportProgress& c, const Principal& a, Micros, const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireAssignedHandler(a, s, "demand.progress"));
  Validator v;
  v.Text("note", c.note, kLongTextChars);
  v.Enum("visibility", c.visibility, {"public", "internal"});
  v.Attachments("attachments", c.attachments);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "progress", {DemandStatus::kAssigned}));
  return One(s, ev::kProgressReported,
             ObjectWriter()
                 .Str("unit_id", *s.assigned_unit)
                 .Str("note", *c.note)
                 .Str("visibility", *c.visibility)
                 .Raw("attachments", AttachmentsJson(c.attachments))
                 .Done());
}

Decision Decide(const DemandState& s, const SuperviseDemand& c, const Principal& a, Micros now,
                const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kSupervisor, "demand.supervise", s.site_id));
  Validator v;
  v.Text("note", c.note, kNoteChars);
  auto due = v.Time("due_at", c.due_at, false);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireOpen(s, "supervise"));
  // Relative to the state, so checked once the status is known to allow it.
  if (due) {
    if (s.status == DemandStatus::kRaised || !s.resolve_due_at) {
      return Status::ValidationFailed("due_at", "the demand has no resolve due time to extend yet");
    }
    if (*due <= *s.resolve_due_at) {
      return Status::ValidationFailed("due_at", "must be later than the current resolve due time " +
                                                    FormatRfc3339(*s.resolve_due_at));
    }
  }
  return One(s, ev::kSupervised,
             ObjectWriter()
                 .Str("note", *c.note)
                 .Bool("extended", due.has_value())
                 .OptTime("resolve_due_at", due)
                 .Int("extensions", s.extensions + (due ? 1 : 0))
                 .Done());
}

Decision Decide(const DemandState& s, const ResolveDemand& c, const Principal& a, Micros now,
                const DecideContext& ctx) {
  REDLEDGER_RETURN_IF_ERROR(RequireAssignedHandler(a, s, "demand.resolve"));
  Validator v;
  v.Text("summary", c.summary, kLongTextChars);
  v.Attachments("attachments", c.attachments);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "resolve", {DemandStatus::kAssigned}));
  Micros window = ctx.policies.At(now).evaluation_window_days * kMicrosPerDay;
  return One(s, ev::kResolved,
             ObjectWriter()
                 .Str("unit_id", *s.assigned_unit)
                 .Str("summary", *c.summary)
                 .Raw("attachments", AttachmentsJson(c.attachments))
                 .OptTime("resolve_due_at", s.resolve_due_at)
                 .Bool("on_time", !s.resolve_due_at || now <= *s.resolve_due_at)
                 .Time("evaluation_due_at", now + window)
                 .Done());
}

Decision Decide(const DemandState& s, const EvaluateDemand& c, const Principal& a, Micros now,
                const DecideContext& ctx) {
  constexpr std::string_view perm = "demand.evaluate";
  if (a.role == Role::kResident) {
    if (s.reporter_subject_id != a.id) return Forbid(perm, "only the demand's reporter evaluates it");
  } else if (a.role == Role::kGridLeader) {
    REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kGridLeader, perm, s.site_id));
    if (!s.grid_id || !a.HasGrid(*s.grid_id)) return Forbid(perm, "the demand is not in the grid leader's grids");
  } else {
    return Forbid(perm, "requires the reporter (resident) or its grid leader");
  }
  Validator v;
  v.Enum("rating", c.rating, {"satisfied", "basically_satisfied", "dissatisfied"});
  if (c.score && (*c.score < 1 || *c.score > 5)) v.Error("score", "must be between 1 and 5");
  v.Text("comment", c.comment, 1000, false);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "evaluate", {DemandStatus::kResolved}));
  Events out = One(s, ev::kEvaluated,
                   ObjectWriter().Str("rating", *c.rating).OptInt("score", c.score).OptStr("comment", c.comment).Done());
  if (*c.rating == "dissatisfied") {
    Micros due = ctx.policies.At(now).ResolveDue(UrgencyOf(s), now);
    out.push_back(MakeEvent(DemandStream(s.id), ev::kReopened,
                            ObjectWriter()
                                .Str("unit_id", s.assigned_unit.value_or(""))
                                .Time("resolve_due_at", due)
                                .Int("reopen_count", s.reopen_count + 1)
                                .Done()));
  } else {
    out.push_back(MakeEvent(
        DemandStream(s.id), ev::kClosed,
        ObjectWriter().Str("reason", "evaluated").Null("note").Null("duplicate_of").Done()));
  }
  return out;
}

Decision Decide(const DemandState& s, const CloseDemand& c, const Principal& a, Micros, const DecideContext&) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.close", s.site_id));
  Validator v;
  v.Text("note", c.note, kNoteChars, false);
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireStatus(s, "close", {DemandStatus::kResolved}));
  return One(s, ev::kClosed, ObjectWriter().Str("reason", "manual").OptStr("note", c.note).Null("duplicate_of").Done());
}

Decision Decide(const DemandState& s, const MarkDuplicate& c, const Principal& a, Micros, const DecideContext& ctx) {
  REDLEDGER_RETURN_IF_ERROR(RequireRole(a, Role::kCommunity, "demand.mark_duplicate", s.site_id));
  Validator v;
  const DemandState* target = ctx.duplicate_target;
  if (v.Present("duplicate_of", c.duplicate_of)) {
    if (*c.duplicate_of == s.id) {
      v.Error("duplicate_of", "a demand cannot duplicate itself");
    } else if (!target || target->version == 0 || target->id != *c.duplicate_of) {
      v.Error("duplicate_of", "unknown demand");
    } else if (!IsOpen(target->status)) {
      v.Error("duplicate_of", "the demand it duplicates must be open");
    } else if (target->site_id != s.site_id) {
      v.Error("duplicate_of", "the demand it duplicates is at another site");
    }
  }
  if (!v.ok()) return v.ToStatus();
  REDLEDGER_RETURN_IF_ERROR(RequireOpen(s, "mark_duplicate"));
  Events out = One(s, ev::kClosed,
                   ObjectWriter().Str("reason", "duplicate").Null("note").Str("duplicate_of", target->id).Done());
  out.push_back(MakeEvent(DemandStream(target->id), ev::kReporterLinked,
                          ObjectWriter().Str("duplicate_id", s.id).Str("subject_id", s.reporter_subject_id).Done()));
  return out;
}

}  // namespace

Result<std::vector<DomainEvent>> DecideDemand(const DemandState& state, const DemandCommand& cmd,
                                              const Principal& actor, Micros now, const DecideContext& ctx) {
  bool raise = std::holds_alternative<RaiseDemand>(cmd);
  if (!raise && state.version == 0) return Status::NotFound("demand " + state.id + " not found");
  if (actor.revoked) return Status::Forbidden("principal " + actor.id + " is revoked");
  return std::visit([&](const auto& c) { return Decide(state, c, actor, now, ctx); }, cmd);
}

}  // namespace redledger
