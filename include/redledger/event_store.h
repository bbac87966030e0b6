// EventStore: the durable, gap-free, append-only log of events.
//
// Every event has a global position (1, 2, 3, ... with no gap, in commit
// order) and a version within its stream (1, 2, 3, ...). An append takes one
// or more parts — (stream, expected version, events) — and commits all of
// them or none. A stored event is never changed. The Merkle tree over the
// events' leaf hashes (redledger/merkle.h) is maintained in the same atomic
// write as the events, so tree and log never disagree.
//
// Durability (StoreOptions::sync): when true (the default) an append is
// acknowledged only after its write-ahead-log record is synced to disk, so an
// acknowledged event survives a process crash and a power cut. Concurrent
// appends are group-committed: one synced write serves many callers. When
// false, an acknowledged append survives a process crash but the last
// moments before a power cut may be lost.
//
// Thread safety: all methods are safe to call concurrently. Append callbacks
// and listeners run on whichever thread commits the append (a caller blocked
// in Append, or the store's own thread), one at a time, in commit order; they
// must not block nor call Append.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redledger/clock.h"
#include "redledger/envelope.h"
#include "redledger/merkle.h"
#include "redledger/status.h"

namespace redledger {

struct ExpectedVersion {
  enum class Kind : uint8_t { kAny, kNoStream, kStreamExists, kExact };
  Kind kind = Kind::kAny;
  uint64_t version = 0;  // with kExact; kExact with 0 is the same as kNoStream

  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion StreamExists() { return {Kind::kStreamExists, 0}; }
  static ExpectedVersion Exact(uint64_t v) { return {Kind::kExact, v}; }
};

// An event to append. The store fills position, stream, version, recorded_at
// and hash. `data` must be a JSON object; the store canonicalises it.
struct NewEvent {
  std::string type;
  uint32_t schema = 1;
  std::string event_id;  // lower-case UUID; a stored id makes the append a retry
  Actor actor;
  std::optional<std::string> correlation_id;
  std::optional<std::string> causation_id;
  std::string data = "{}";
  std::string personal;  // opaque bytes
};

struct AppendPart {
  std::string stream;
  ExpectedVersion expected;
  std::vector<NewEvent> events;  // at least one
};

struct AppendResult {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  std::vector<uint64_t> stream_versions;  // per part: the stream's version after the append
  Micros recorded_at = 0;
  bool duplicate = false;  // the event ids were already stored: nothing was appended
};

// What a listener hears after each commit.
struct CommitNotice {
  uint64_t first_position = 0;
  uint64_t last_position = 0;                          // the new head
  std::shared_ptr<const std::vector<Envelope>> events;  // positions first..last
};

struct StoreOptions {
  // Sync the WAL before acknowledging an append (see the class comment).
  // Default: true.
  bool sync = true;
  // Largest encoded event accepted. Default: 1 MiB.
  size_t max_event_bytes = 1 << 20;
  // Most events in one append (all parts together). Default: 1,000.
  size_t max_events_per_append = 1000;
  // Longest stream name, in bytes. Default: 200.
  size_t max_stream_name_bytes = 200;
  // Stream heads kept in memory (LRU); older ones are read from disk. Bounds
  // memory regardless of how many streams exist. Default: 1,000,000.
  size_t head_cache_entries = 1'000'000;
  // RocksDB block cache. Default: 256 MiB.
  size_t block_cache_bytes = 256u << 20;
  // Open without a writer: appends fail with Unavailable. Default: false.
  bool read_only = false;
  // Source of `recorded_at`. Default: nullptr, meaning SystemClock::Default().
  const Clock* clock = nullptr;
};

class EventStore {
 public:
  using AppendCallback = std::function<void(Result<AppendResult>)>;
  using Listener = std::function<void(const CommitNotice&)>;
  using ListenerId = uint64_t;
  enum class Direction : uint8_t { kForward, kBackward };

  virtual ~EventStore() = default;

  // Appends atomically; blocks until durable (per options) or refused.
  // VersionConflict (with the stream's current version) when an expectation
  // fails; InvalidArgument for bad input; nothing is written on error.
  virtual Result<AppendResult> Append(std::vector<AppendPart> parts) = 0;
  // The same without blocking; `done` runs after the commit (see the class
  // comment for the thread).
  virtual void AppendAsync(std::vector<AppendPart> parts, AppendCallback done) = 0;

  // The position of the last committed event (0 when empty).
  virtual uint64_t Head() const = 0;
  // The version of a stream (0 when it does not exist).
  virtual Result<uint64_t> StreamVersion(const std::string& stream) const = 0;

  // Events with position > after, at most `limit`, hashes checked
  // (Corruption names the position).
  virtual Result<std::vector<Envelope>> ReadAll(uint64_t after, size_t limit) const = 0;
  // Forward: versions >= from_version ascending. Backward: versions <=
  // from_version descending (0 means from the last). Hashes checked.
  virtual Result<std::vector<Envelope>> ReadStream(const std::string& stream, uint64_t from_version,
                                                   Direction dir, size_t limit) const = 0;
  // One event by position; NotFound beyond the head.
  virtual Result<Envelope> ReadAt(uint64_t position) const = 0;
  // Bulk scan for rebuilds: positions in (after, until], in order, without
  // recomputing hashes (the storage's own checksums guard these reads).
  // Stops early when `fn` returns false.
  virtual Status Scan(uint64_t after, uint64_t until,
                      const std::function<bool(const Envelope&)>& fn) const = 0;

  // Merkle tree over the first `size` leaves; see redledger/merkle.h.
  virtual merkle::NodeReader TreeReader() const = 0;

  // Listeners run after each commit, in commit order (see the class comment).
  virtual ListenerId AddListener(Listener fn) = 0;
  virtual void RemoveListener(ListenerId id) = 0;
};

// Opens (creating if missing) a RocksDB-backed store in `dir`.
Result<std::unique_ptr<EventStore>> OpenRocksEventStore(const std::string& dir, const StoreOptions& options);
// An in-memory store with the same semantics (durability aside), for tests.
std::unique_ptr<EventStore> NewMemoryEventStore(const StoreOptions& options);

// Appends events taken from another log verbatim (DESIGN §7 import): their
// positions, event ids, recorded_at and hashes are kept, not assigned. The
// RocksDB store in `dir` (created if missing) must not be open anywhere —
// the server stopped: Unavailable when it is locked. `next` fills in the
// next event and returns true, or returns false at the end. Each event is
// checked first: position head + 1, version its stream's + 1, a valid stream
// name, a new lower-case UUID event id, recorded_at not before the previous
// event's, canonical data, and hash == LeafHash. Events are written
// `batch_events` at a time, each batch one synced atomic write with its
// indexes, tree nodes and head; on a refusal (InvalidArgument or Corruption
// naming the position) the store keeps the batches before the bad event's,
// so a caller that must leave the store untouched verifies its input first.
// Returns the new head.
Result<uint64_t> ImportEnvelopes(const std::string& dir, const std::function<Result<bool>(Envelope*)>& next,
                                 size_t batch_events = 1000);

}  // namespace redledger
