// AppendPlanner: the store-independent half of an append. Both EventStore
// implementations run every append through it, so validation, expected
// versions, idempotent retries, position assignment, `recorded_at`, hashing
// and the Merkle frontier behave identically in memory and on disk.
//
// The planner runs ahead of the disk: it seals a batch and goes on planning
// the next while the sealed ones are being written. Its own overlay (stream
// heads, event ids and events of sealed-but-unwritten batches) therefore
// comes before the committed state (CommittedState) in every lookup; Prune()
// drops what has been written, Reset() everything after a failed write.
//
// Thread safety: none; it belongs to the store's planning thread.
// ValidateAppend is a pure function, safe anywhere.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
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

// Everything one planned batch writes.
struct SealedBatch {
  std::shared_ptr<const std::vector<Envelope>> events;  // consecutive positions, ascending
  std::vector<std::string> encoded;                     // EncodeEnvelope((*events)[i])
  std::unordered_map<std::string, uint64_t> heads;      // stream -> version after the batch
  std::vector<merkle::Node> nodes;                      // tree nodes completed by the batch
  LogTip tip;                                           // the log's end after the batch
};

// Checks an append's shape and canonicalises each event's `data` in place:
// parts and events present, stream names (non-empty, within the limit, UTF-8,
// no NUL), the event count, lower-case UUID event ids without repeats, type
// present, data a JSON object. InvalidArgument/InvalidJson naming the field.
Status ValidateAppend(const StoreOptions& options, std::vector<AppendPart>* parts);

class AppendPlanner {
 public:
  AppendPlanner(const StoreOptions& options, const Clock* clock, LogTip tip);

  // Plans validated `parts` after everything planned so far. Returns the
  // append's result (duplicate=true for a retry, which adds nothing), or
  // VersionConflict / InvalidArgument / PayloadTooLarge, leaving the planner
  // as it was. Errors reading `state` are returned as they are.
  Result<AppendResult> Plan(const std::vector<AppendPart>& parts, CommittedState& state);

  // Whether anything was planned since the last Seal().
  bool HasOpenBatch() const { return !open_events_.empty(); }
  // Hands over what was planned since the last Seal(); it stays in the
  // overlay until Prune() passes its last position.
  SealedBatch Seal();
  // Batches up to `head` are written: CommittedState now reflects them.
  void Prune(uint64_t head);
  // A write failed: forget everything not written; planning resumes at `tip`.
  void Reset(LogTip tip);

 private:
  struct Head {
    uint64_t version = 0;
    uint64_t position = 0;  // of that version's event
  };
  Result<uint64_t> CurrentVersion(const std::string& stream, CommittedState& state) const;
  Result<std::optional<uint64_t>> FindEventId(const std::string& event_id, CommittedState& state) const;
  Result<Envelope> EventAt(uint64_t position, CommittedState& state) const;
  // All ids stored: the original append's result. Some stored: InvalidArgument.
  Result<std::optional<AppendResult>> FindRetry(const std::vector<AppendPart>& parts, CommittedState& state) const;

  const StoreOptions options_;
  const Clock* const clock_;
  LogTip tip_;                 // after everything planned
  uint64_t written_head_ = 0;  // the overlay holds positions after this
  // The overlay: what is planned but maybe not yet written.
  std::unordered_map<std::string, Head> heads_;
  std::unordered_map<std::string, uint64_t> ids_;  // event id -> position
  std::deque<std::shared_ptr<const std::vector<Envelope>>> sealed_;  // sealed batches' events, in order
  // The open batch (since the last Seal()).
  std::vector<Envelope> open_events_;
  std::vector<std::string> open_encoded_;
  std::unordered_map<std::string, uint64_t> open_heads_;
  std::vector<merkle::Node> open_nodes_;
};

}  // namespace redledger::store
