// Checkpoints and proofs served from an EventStore: what `GET
// /v1/checkpoints/latest` and `GET /v1/proofs/...` answer, with their
// arguments checked in one place.
//
// Thread safety: read-only; safe while the store appends (tree nodes at or
// below the head never change).
#pragma once

#include <cstdint>
#include <string>

#include "redledger/checkpoint.h"
#include "redledger/clock.h"
#include "redledger/event_store.h"
#include "redledger/status.h"

namespace redledger {

// The unsigned checkpoint of the store's head at time `now`; sign it with
// Signer::Sign.
Result<Checkpoint> HeadCheckpoint(const EventStore& store, const std::string& origin, Micros now);

// The proof that the event at `position` is in the tree of `tree_size`
// leaves (leaf index position − 1). InvalidArgument (field "position" or
// "tree_size") unless 1 <= position <= tree_size <= store.Head().
Result<InclusionProofData> ProveInclusion(const EventStore& store, uint64_t position, uint64_t tree_size);

// The proof that the tree of `to_size` extends the tree of `from_size` (no
// hashes when they are equal). InvalidArgument (field "from_size" or
// "to_size") unless 1 <= from_size <= to_size <= store.Head(); the RFC
// defines no proof from the empty tree, which every tree extends.
Result<ConsistencyProofData> ProveConsistency(const EventStore& store, uint64_t from_size, uint64_t to_size);

}  // namespace redledger
