// Internal: a demand stream folded for the read models — the domain's
// DemandState (EvolveDemand) plus what only the read models keep: notes,
// the reporter's ciphertext, the publicity notice and the last resolution.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "redledger/demand.h"
#include "redledger/event_store.h"
#include "redledger/views.h"

namespace redledger::projection_internal {

struct DemandFold {
  DemandState state;
  uint64_t raised_position = 0;
  std::string reporter_personal;
  std::vector<DemandNote> notes;
  std::string notice;
  Micros publicized_at = 0, publicized_until = 0;
  std::optional<std::string> resolution_summary;
};

// Folds one event of the demand's stream; Corruption as EvolveDemand.
Status ApplyDemandEvent(DemandFold* f, const Envelope& e);

// Folds `stream` from the store: versions 1..`through_version` (0: all) and
// positions <= `max_position`.
Result<DemandFold> LoadDemandFold(const EventStore& store, const std::string& stream, uint64_t through_version,
                                  uint64_t max_position);

// An LRU of folds keyed by stream, so that applying an event costs one
// EvolveDemand, not a stream read; a miss (or a fold at another version)
// re-folds the stream from the store. Bounded by `capacity` entries.
// Not synchronised: one per projection thread.
class DemandFoldCache {
 public:
  DemandFoldCache(const EventStore* store, size_t capacity) : store_(store), capacity_(capacity) {}

  // Folds `e` into the demand's fold: `before` sees the fold before the
  // event (not copied); returns the fold after it (valid until the next call).
  Result<const DemandFold*> Apply(const Envelope& e, const std::function<void(const DemandFold&)>& before);
  void Clear();

 private:
  using Lru = std::list<std::pair<std::string, DemandFold>>;
  const EventStore* store_;
  size_t capacity_;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, Lru::iterator> index_;
};

}  // namespace redledger::projection_internal
