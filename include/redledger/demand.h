// The demand lifecycle (DESIGN §2): commands, state, Decide and Evolve.
//
//   DecideDemand(state, command, actor, now, context) -> events | error
//   EvolveDemand(state, envelope)                     -> state
//
// Decide checks in DESIGN §4's order: 404 (the demand does not exist), 403
// (role, site scope, assigned unit, reporter; the message names the missing
// permission), 422 (every field error at once), 409 invalid_transition
// (naming the current status). The 409 version_conflict check is the
// caller's: it appends with the state's version (or If-Match) as expected.
//
// Thread safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "redledger/clock.h"
#include "redledger/domain.h"
#include "redledger/policy.h"
#include "redledger/principal.h"
#include "redledger/registry.h"

namespace redledger {

enum class DemandStatus : uint8_t { kNone, kRaised, kAccepted, kAssigned, kResolved, kClosed, kDeclined };
const char* DemandStatusName(DemandStatus s);  // kNone -> "none"
// Open means raised, accepted or assigned.
bool IsOpen(DemandStatus s);

struct Attachment {
  std::string url;
  std::string sha256;  // 64 lower-case hex
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

struct Evaluation {
  std::string rating;  // satisfied / basically_satisfied / dissatisfied
  std::optional<int64_t> score;
  std::optional<std::string> comment;
  Micros at = 0;
  friend bool operator==(const Evaluation&, const Evaluation&) = default;
};

// The fold of one demand stream: what Decide needs, and what the demand view
// shows (personal data and notes aside, which projections keep).
struct DemandState {
  std::string id;
  uint64_t version = 0;  // 0: the demand does not exist
  DemandStatus status = DemandStatus::kNone;
  std::string site_id, category, title, description, urgency, channel;
  std::string compound_id, building;
  std::optional<std::string> grid_id;
  std::string reporter_subject_id;
  std::string raised_by;  // principal id
  Micros raised_at = 0;
  std::optional<Micros> accepted_at, resolved_at, closed_at;
  std::optional<std::string> assigned_unit;
  Micros response_due_at = 0;
  std::optional<Micros> resolve_due_at;
  std::optional<Micros> evaluation_due_at;  // set on resolve
  // The due time whose demand.overdue was appended last; `overdue` holds
  // while it is the due time in force (DESIGN §2).
  std::optional<Micros> overdue_marked_for;
  bool publicized = false;
  int64_t reopen_count = 0, return_count = 0, extensions = 0;
  std::optional<Evaluation> evaluation;
  std::optional<std::string> close_reason, duplicate_of;
  std::vector<std::string> linked_reporters;  // subject ids of duplicates' reporters
  std::vector<Attachment> attachments;        // from raise, progress and resolve

  // The response due time while raised, the resolve due time while accepted
  // or assigned, none otherwise.
  std::optional<Micros> DueInForce() const;
  bool Overdue() const;
  friend bool operator==(const DemandState&, const DemandState&) = default;
};

// Command bodies (DESIGN §4). Parsing checks shapes only: unknown fields and
// wrong JSON types are InvalidArgument naming the field. Every value check
// (required, enums, lengths, UTF-8, times, ids) is Decide's, after 404/403.
struct RaiseDemand {
  std::optional<std::string> site_id, category, title, description, urgency, channel;
  bool has_location = false;
  std::optional<std::string> compound_id, building, grid_id;  // location.*
  bool has_reporter = false;
  std::optional<std::string> reporter_name, reporter_phone;  // reporter.*
  std::vector<Attachment> attachments;
};
struct AcceptDemand { std::optional<std::string> note, due_at; };
struct DeclineDemand { std::optional<std::string> reason; };
struct AssignDemand { std::optional<std::string> unit_id, note, due_at; };
struct ReturnDemand { std::optional<std::string> reason; };
struct PublicizeDemand { std::optional<std::string> notice; std::optional<int64_t> days; };
struct ReportProgress {
  std::optional<std::string> note, visibility;
  std::vector<Attachment> attachments;
};
struct SuperviseDemand { std::optional<std::string> note, due_at; };
struct ResolveDemand {
  std::optional<std::string> summary;
  std::vector<Attachment> attachments;
};
struct EvaluateDemand {
  std::optional<std::string> rating, comment;
  std::optional<int64_t> score;
};
struct CloseDemand { std::optional<std::string> note; };
struct MarkDuplicate { std::optional<std::string> duplicate_of; };

using DemandCommand = std::variant<RaiseDemand, AcceptDemand, DeclineDemand, AssignDemand, ReturnDemand,
                                   PublicizeDemand, ReportProgress, SuperviseDemand, ResolveDemand, EvaluateDemand,
                                   CloseDemand, MarkDuplicate>;

// The command names of the URL (`POST /v1/demands/{id}/<name>`), and "raise"
// for POST /v1/demands.
inline constexpr std::string_view kDemandCommandNames[] = {
    "raise", "accept", "decline", "assign", "return", "publicize", "progress",
    "supervise", "resolve", "evaluate", "close", "mark_duplicate"};
const char* DemandCommandName(const DemandCommand& c);

// NotFound for an unknown command name; InvalidJson when `json` does not
// parse or is not an object; InvalidArgument for unknown fields or wrong types.
Result<DemandCommand> ParseDemandCommand(std::string_view name, std::string_view json);

// What Decide reads besides the state. The caller loads these.
struct DecideContext {
  const Registry& registry;
  const PolicyBook& policies;
  // mark_duplicate: the survivor's state (version 0 / nullptr when unknown).
  const DemandState* duplicate_target = nullptr;
  // raise: the new demand's id.
  std::string new_demand_id;
  // raise by a grid leader: the subject assigned to the reporter's phone
  // (the vault's mapping). Residents report as themselves.
  std::string reporter_subject_id;
};

// For a raise, `state` is the empty state (version 0). The events go to
// DemandStream(state.id) — and, for mark_duplicate, one `reporter_linked`
// to the survivor's stream, to be appended at its version.
Result<std::vector<DomainEvent>> DecideDemand(const DemandState& state, const DemandCommand& cmd,
                                              const Principal& actor, Micros now, const DecideContext& ctx);

// Folds one event of the demand's stream; Corruption on an unknown type or
// malformed data (the log is trusted, so this is a bug or damage).
Result<DemandState> EvolveDemand(DemandState state, const Envelope& e);
// Folds a whole stream from the empty state.
Result<DemandState> FoldDemand(const std::vector<Envelope>& events);

// The reporter's phone with spaces, dashes, dots and brackets removed and a
// leading +86 / 0086 dropped; nullopt unless 5..20 digits remain.
std::optional<std::string> NormalizePhone(std::string_view phone);

}  // namespace redledger
