// The scheduler's decisions (DESIGN §2, the two "(scheduler)" rows), pure:
// given a demand's state and `now`, the events that are due.
//
// - `demand.overdue{due_at, kind}` once per due time: when the due time in
//   force has passed and no overdue was appended for it yet.
// - `demand.closed{reason: evaluation_window_elapsed}` for a resolved demand
//   once now >= its evaluation due time (set by demand.resolved from the
//   policy's window).
//
// Exactly once: the caller appends at ExpectedVersion::Exact(state.version)
// with ScheduledEventId ids, so a racing or restarted pass that decided from
// the same state is refused (version conflict or duplicate) and appends
// nothing; a fresh fold then finds nothing due.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "redledger/clock.h"
#include "redledger/demand.h"
#include "redledger/domain.h"

namespace redledger {

// The events due for one demand at `now` (empty when nothing is due).
std::vector<DomainEvent> ScheduledEvents(const DemandState& state, Micros now);

// When ScheduledEvents would next return something for `state` (nullopt:
// never, until another event changes it). Lets a caller sleep until then.
std::optional<Micros> NextWakeup(const DemandState& state);

// Deterministic ids: UUIDv5 of the demand, the event's type and due time, so
// two passes deciding the same event name it identically.
std::string ScheduledEventId(const DemandState& state, const DomainEvent& event);

}  // namespace redledger
