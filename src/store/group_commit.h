// GroupCommitter: the single writer thread both EventStore implementations
// share. Callers enqueue appends; the writer drains the queue, plans every
// pending append in arrival order (AppendPlanner), writes the whole batch in
// one atomic write through BatchSink, completes the callbacks in order and
// then tells the listeners. One synced write thus serves every append that
// arrived while the previous write was syncing: durable throughput grows with
// the number of concurrent appenders.
//
// An append refused by the planner (conflict, bad input, retry) fails or
// answers on its own; the others in its batch are unaffected. When the write
// itself fails, every append planned into that batch fails with its status.
//
// Thread safety: Submit, Append, AddListener and RemoveListener may be called
// from any thread. Callbacks and listeners run on the writer thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "redledger/event_store.h"
#include "store/append_planner.h"

namespace redledger::store {

// The storage a GroupCommitter writes to.
class BatchSink : public CommittedState {
 public:
  // Writes the batch atomically (and durably, per the store's options).
  virtual Status WriteBatch(const PlannedBatch& batch) = 0;
  // After a successful write and before any callback: make the batch visible
  // to readers (head position, head cache).
  virtual void Publish(const PlannedBatch& batch) = 0;
};

class GroupCommitter {
 public:
  // REQUIRES: `sink` outlives this object.
  GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip);
  // Completes every queued append, then stops the writer thread.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Validates on the calling thread, then queues; `done` runs on the writer.
  void Submit(std::vector<AppendPart> parts, EventStore::AppendCallback done);
  // Submits and waits for the answer.
  Result<AppendResult> Append(std::vector<AppendPart> parts);

  EventStore::ListenerId AddListener(EventStore::Listener fn);
  // After this returns the listener is not called again (unless called from
  // a listener itself, when the current round may still reach it).
  void RemoveListener(EventStore::ListenerId id);

 private:
  struct Pending {
    std::vector<AppendPart> parts;
    Status invalid;  // set when validation failed: answered without planning
    EventStore::AppendCallback done;
  };

  void Run();
  void CommitBatch(std::vector<Pending>* pending);
  void Notify(const CommitNotice& notice);

  const StoreOptions options_;
  BatchSink* const sink_;
  AppendPlanner planner_;  // writer thread only

  std::mutex queue_mu_;  // guards queue_, stopping_
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::mutex listeners_mu_;  // guards listeners_, next_listener_id_
  std::map<EventStore::ListenerId, std::shared_ptr<EventStore::Listener>> listeners_;
  EventStore::ListenerId next_listener_id_ = 1;
  // Held by the writer while it calls listeners, so RemoveListener can wait
  // for a round in progress to finish.
  std::mutex notify_mu_;

  std::thread writer_;  // last: starts once everything above is built
};

}  // namespace redledger::store
