// Internal: the ReadModels implementation over the event store (demand view,
// history, PositionAt) and the live projection copies (the rest).
#pragma once

#include <memory>

#include "projection/projection_base.h"
#include "redledger/views.h"

namespace redledger::projection_internal {

// REQUIRES: store and source outlive the result.
std::unique_ptr<ReadModels> NewReadModels(const EventStore* store, const StateSource* source);

}  // namespace redledger::projection_internal
