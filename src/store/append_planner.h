// AppendPlanner: the store-independent half of an append. Both EventStore
// implementations run every append through it, so validation, expected
// versions, idempotent retries, position assignment, `recorded_at`, hashing
// and the Merkle frontier behave identically in memory and on disk.
//
// A planner accumulates one group-commit batch: each Plan() sees the committed
// state (through CommittedState) overlaid with the appends planned before it
// in the same batch. The store writes the batch atomically and then calls
// Commit(), or Abort() when the write failed.
//
// Thread safety: none; it belongs to the store's single writer thread.
// ValidateAppend is a pure function, safe anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "redledger/event_store.h"
#include "redledger/merkle.h"

namespace redledger::store {

// Read access to what is already committed; implemented by each store.
class CommittedState {
 public:
  virtual ~CommittedState() = default;
  // The stream's version; 0 when it does not exist.
  virtual Result<uint64_t> StreamHead(const std::string& stream) = 0;
  // The position of a stored event id, if stored.
  virtual Result<std::optional<uint64_t>> EventPosition(const std::string& event_id) = 0;
  // A committed envelope; REQUIRES: 1 <= position <= committed head.
  virtual Result<Envelope> EnvelopeAt(uint64_t position) = 0;
};

// Where the log ends: what a planner starts from after opening a store.
struct LogTip {
  uint64_t head = 0;            // last position
  Micros last_recorded_at = 0;  // recorded_at of the last event (0 when empty)
  merkle::CompactRange tree;    // frontier of the tree over positions 1..head
};

// Everything one group commit writes, atomically.
struct PlannedBatch {
  std::vector<Envelope> events;       // consecutive positions, ascending
  std::vector<std::string> encoded;   // EncodeEnvelope(events[i])
  std::unordered_map<std::string, uint64_t> heads;  // stream -> version after the batch
  std::vector<merkle::Node> nodes;    // tree nodes completed by the batch
  uint64_t head = 0;                  // last position after the batch
  Micros last_recorded_at = 0;

  bool empty() const { return events.empty(); }
};

// Checks an append's shape and canonicalises each event's `data` in place:
// parts and events present, stream names (non-empty, within the limit, UTF-8,
// no NUL), the event count, lower-case UUID event ids without repeats, type
// present, data a JSON object. InvalidArgument/InvalidJson naming the field.
Status ValidateAppend(const StoreOptions& options, std::vector<AppendPart>* parts);

class AppendPlanner {
 public:
  AppendPlanner(const StoreOptions& options, const Clock* clock, LogTip tip);

  // Plans validated `parts` after everything already in the batch. Returns
  // the append's result (duplicate=true for a retry, which adds nothing), or
  // VersionConflict / InvalidArgument / PayloadTooLarge, leaving the batch as
  // it was. Errors reading `state` are returned as they are.
  Result<AppendResult> Plan(const std::vector<AppendPart>& parts, CommittedState& state);

  const PlannedBatch& batch() const { return batch_; }
  // The batch was written: it becomes the committed tip. Returns its events.
  std::vector<Envelope> Commit();
  // The write failed: forget the batch.
  void Abort();

  const LogTip& committed() const { return committed_; }

 private:
  Result<uint64_t> CurrentVersion(const std::string& stream, CommittedState& state) const;
  Result<std::optional<uint64_t>> FindEventId(const std::string& event_id, CommittedState& state) const;
  Result<Envelope> EventAt(uint64_t position, CommittedState& state) const;
  // All ids stored: the original append's result. Some stored: InvalidArgument.
  Result<std::optional<AppendResult>> FindRetry(const std::vector<AppendPart>& parts, CommittedState& state) const;

  const StoreOptions options_;
  const Clock* const clock_;
  LogTip committed_;
  PlannedBatch batch_;
  merkle::CompactRange tree_;                              // committed_ + batch_
  std::unordered_map<std::string, uint64_t> batch_ids_;   // event id -> position, in batch_
};

}  // namespace redledger::store
