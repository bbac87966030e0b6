// ProjectionRunner: keeps the read models (redledger/views.h) current with
// the event log, checkpointed, and answers read-your-writes waits.
//
// Each projection (name, code version) folds events into state kept in one
// RocksDB instance at `dir`, under a key prefix of its own. A batch of
// applied events and the projection's checkpoint (the last applied position)
// are written in the same WriteBatch, so after a crash a projection resumes
// exactly where it stopped: no event applied twice, none skipped. On open it
// catches up from its checkpoint — it never replays from position 1 when a
// checkpoint exists. A projection whose stored code version differs from the
// running code's is dropped and rebuilt from position 1 (its old state cannot
// be read by the new code); until it has caught up, WaitFor times out.
//
// Every projection runs on its own thread. It follows commits through
// EventStore::AddListener (the listener only records the new head and wakes
// the thread) and reads the log in batches with EventStore::Scan. Writes to
// the projection database are not synced: a power cut may lose the last
// batches, and with them their checkpoint, so they are simply applied again.
//
// Rebuild(name) builds a fresh copy of a projection beside the live one, from
// position 1, and swaps it in once it has caught up; queries answer from the
// live copy until then, and the old copy's keys are deleted after the swap.
//
// Memory is bounded by ProjectionOptions, not by the number of events or
// demands: per projection one batch of events and an LRU of folded demands.
//
// Thread safety: all methods are safe to call concurrently. Change
// subscribers run on a projection thread after the batch that made the
// change is durable; they must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/event_store.h"
#include "redledger/status.h"
#include "redledger/views.h"

namespace redledger {

struct ProjectionOptions {
  // Events applied per WriteBatch (one checkpoint write each). Default: 2,000.
  size_t batch_events = 2000;
  // Folded demands kept in memory per projection (LRU); a miss re-folds the
  // demand's stream from the store. Default: 50,000.
  size_t demand_cache_entries = 50'000;
  // Open and overdue items listed in a site ledger. Default: 100.
  size_t ledger_items = 100;
  // Recent resolutions listed in a site ledger. Default: 10.
  size_t ledger_resolutions = 10;
  // RocksDB block cache of the projection database. Default: 64 MiB.
  size_t block_cache_bytes = 64u << 20;
};

// What a batch changed, for the WebSocket hub.
struct ProjectionChange {
  enum class Kind : uint8_t { kDemand, kLedger, kBoard };
  Kind kind = Kind::kDemand;
  std::string id;         // the demand id (kDemand) or the site id (kLedger, kBoard)
  uint64_t position = 0;  // the projection's checkpoint after the batch
};

struct ProjectionInfo {
  std::string name;
  uint32_t version = 0;
  uint64_t applied = 0;          // checkpoint of the live copy
  bool rebuilding = false;       // a copy is being built beside it
  uint64_t rebuild_applied = 0;  // that copy's checkpoint
};

class ProjectionRunner {
 public:
  using ChangeFn = std::function<void(const std::vector<ProjectionChange>&)>;
  using SubscriptionId = uint64_t;

  // Opens (creating if missing) the projection database in `dir` and starts
  // every projection's thread; they catch up in the background.
  // REQUIRES: `store` outlives the runner.
  static Result<std::unique_ptr<ProjectionRunner>> Open(EventStore* store, const std::string& dir,
                                                        const ProjectionOptions& options);
  // Stops the threads (each finishes its current batch) and closes the database.
  ~ProjectionRunner();

  // The lowest checkpoint among the live projections: every read model
  // answers at least as of this position.
  uint64_t Applied() const;
  // Blocks until Applied() >= position; Unavailable after `max`.
  Status WaitFor(uint64_t position, std::chrono::milliseconds max) const;

  // Builds projection `name` anew beside the live copy and swaps it in when
  // caught up; returns at once. NotFound for an unknown name; Unavailable when
  // a rebuild of it is already running.
  Status Rebuild(std::string_view name);
  std::vector<ProjectionInfo> Info() const;

  SubscriptionId Subscribe(ChangeFn fn);
  void Unsubscribe(SubscriptionId id);

  // The query API over the live copies.
  const ReadModels& views() const;

  // The first error a projection thread met (it stops at that event and
  // retries after a pause); OK when none.
  Status health() const;

  class Impl;

 private:
  explicit ProjectionRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redledger
