// Full verification of a stored log: what `GET /v1/verify` and
// `redledger verify` run. Nothing the store computed is trusted: every leaf
// hash and every stored tree node is recomputed from the events, and the
// result is compared with checkpoints an inspector kept.
//
// Thread safety: VerifyLog only reads; it may run while the store appends
// (it checks the log up to the head it saw when it started).
#pragma once

#include <cstdint>
#include <vector>

#include "redledger/checkpoint.h"
#include "redledger/encoding.h"
#include "redledger/event_store.h"
#include "redledger/status.h"

namespace redledger {

struct VerifyReport {
  uint64_t events = 0;        // events checked (positions 1..events)
  Hash256 root{};             // the tree root recomputed over them
  size_t checkpoints = 0;     // trusted checkpoints the log was found consistent with
  uint64_t bad_position = 0;  // the first bad position on failure (0 when none can be named)
};

// Checks, in one pass over positions 1..store.Head(): positions are gap-free
// and each event is stored under its own; each event's leaf hash, recomputed
// from the event, equals its stored hash and the tree's leaf; every stored
// tree node equals the one recomputed; stream versions count up from 1 by 1;
// recorded_at never goes back; and the tree holds no leaf past the head.
// Then, for each trusted checkpoint (already signature-checked): the log is at
// least that long (else it was truncated) and the recomputed root at its size
// equals its root (else history was rewritten, even if re-signed).
//
// OK when everything holds; Corruption naming the first problem ("position
// 17: hash mismatch: ..."); another error when the store cannot be read.
// `report`, when given, is filled as far as the check got.
Status VerifyLog(const EventStore& store, const std::vector<Checkpoint>& trusted, VerifyReport* report = nullptr);

}  // namespace redledger
