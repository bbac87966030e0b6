#include "scoring/demand_facts.h"

#include <optional>

namespace redledger::scoring_internal {

ScoreCounts Contribution(const DemandRecord& d, uint64_t as_of) {
  ScoreCounts c;
  if (d.raised_position > as_of) return c;
  std::optional<Micros> responded_at;
  bool accepted = false, declined = false, assigned = false, returned = false, reopened = false;
  bool resolved = false, resolved_now = false, on_time = false, publicized = false;
  Micros due = kNoDue;
  Rating rating = Rating::kNone;
  for (const Step& s : d.steps) {
    if (s.position > as_of) break;
    switch (s.kind) {
      case StepKind::kAccepted:
        if (!responded_at) responded_at = s.at;
        accepted = true;
        due = s.due;
        break;
      case StepKind::kDeclined:
        if (!responded_at) responded_at = s.at;
        declined = true;
        break;
      case StepKind::kAssigned:
        assigned = true;
        due = s.due;
        break;
      case StepKind::kReturned:
        returned = true;
        break;
      case StepKind::kPublicized:
        // Publicity is judged against the first resolution: publicising
        // after a rejected resolve does not make up for it.
        if (!resolved) publicized = true;
        break;
      case StepKind::kExtended:
        due = s.due;
        break;
      case StepKind::kResolved:
        resolved = resolved_now = true;
        on_time = s.at <= due;  // the last resolve, against the due time in force then
        break;
      case StepKind::kEvaluated:
        rating = s.rating;
        break;
      case StepKind::kReopened:
        reopened = true;
        resolved_now = false;
        due = s.due;
        break;
      case StepKind::kDuplicate:
        return ScoreCounts{};
    }
  }
  c.raised = 1;
  c.responded_on_time = responded_at && *responded_at <= d.response_due;
  c.accepted = accepted;
  c.declined = declined;
  c.assigned = assigned;
  c.returned = returned;
  c.resolved = resolved;
  c.resolved_not_reopened = resolved_now;
  c.resolved_on_time = resolved && on_time;
  c.reopened = reopened;
  c.evaluated = rating != Rating::kNone;
  c.satisfied = rating == Rating::kSatisfied;
  c.basically_satisfied = rating == Rating::kBasicallySatisfied;
  c.dissatisfied = rating == Rating::kDissatisfied;
  c.publicized_before_resolution = accepted && publicized;
  return c;
}

}  // namespace redledger::scoring_internal
