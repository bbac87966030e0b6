// Internal: what ScoreBook keeps per demand, and its contribution to the
// counts of its cohort as of a position.
//
// A demand is its raise plus the steps that change what it counts for, each
// with the log position it happened at, so the state at any cutoff is a fold
// of the steps at or before it (a handful per demand).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "redledger/clock.h"
#include "redledger/scoring.h"

namespace redledger::scoring_internal {

enum class StepKind : uint8_t {
  kAccepted,     // due: the resolve due time set
  kDeclined,
  kAssigned,     // due: the resolve due time in force after it
  kReturned,
  kPublicized,
  kExtended,     // a supervise that extended the resolve due time (due: the new one)
  kResolved,
  kEvaluated,    // rating
  kReopened,     // due: the new resolve due time
  kDuplicate,    // closed as a duplicate: out of every score
};

enum class Rating : uint8_t { kNone, kSatisfied, kBasicallySatisfied, kDissatisfied };

struct Step {
  uint64_t position = 0;
  Micros at = 0;   // recorded_at
  Micros due = 0;  // see StepKind
  StepKind kind = StepKind::kAccepted;
  Rating rating = Rating::kNone;
};

inline constexpr Micros kNoDue = std::numeric_limits<Micros>::min();

struct DemandRecord {
  uint64_t raised_position = 0;
  Micros raised_at = 0;
  Micros response_due = 0;
  uint32_t site = 0;  // index into the book's sites
  std::vector<Step> steps;  // position order
};

// The demand's counts as of `as_of` (all zero when raised later or a
// duplicate by then). Activities are not the demand's.
ScoreCounts Contribution(const DemandRecord& d, uint64_t as_of);

}  // namespace redledger::scoring_internal
