// GroupCommitter: the single writer both EventStore implementations share,
// as two threads. The planner thread drains the queue of callers' appends,
// plans each in arrival order (AppendPlanner) and seals what it planned into
// a batch. The commit thread takes every sealed batch waiting for it and
// writes them all in ONE atomic write (synced when the store says so), then
// publishes the new head to readers, completes the callbacks in order and
// tells the listeners. While one write is syncing the planner already plans
// the next batches, so CPU work overlaps the disk flush, and one synced write
// serves every append that arrived during the previous one: durable
// throughput grows with the number of concurrent appenders.
//
// An append refused by the planner (conflict, bad input, retry) fails or
// answers on its own; the others in its batch are unaffected. When a write
// fails, every append in it fails with its status, and so does every append
// planned on top of it before the planner learnt of the failure; planning
// then resumes from the last written batch.
//
// Without syncs (a relaxed or in-memory store) a write is quick, and the
// planner thread commits each round itself.
//
// Thread safety: Submit, Append, AddListener and RemoveListener may be called
// from any thread. Callbacks and listeners run on the commit thread (or the
// planner thread when there is none), one at a time, in commit order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <thread>
#include <vector>

#include "redledger/event_store.h"
#include "store/append_planner.h"

namespace redledger::store {

// The storage a GroupCommitter writes to.
class BatchSink : public CommittedState {
 public:
  // Writes the batches in one atomic write, synced when the store's options
  // say so; from then on CommittedState reflects them.
  virtual Status Write(const std::vector<const SealedBatch*>& group) = 0;
  // Makes positions up to `head` visible to readers; called in order.
  virtual void Publish(uint64_t head) = 0;
  // Whether Write syncs to disk; only then is writing worth overlapping with
  // planning on a thread of its own.
  virtual bool SyncsWrites() const = 0;
};

class GroupCommitter {
 public:
  // REQUIRES: `sink` outlives this object.
  GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip);
  // Completes every queued append, then stops its threads.
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
  // One planning round on its way to the commit thread.
  struct Work {
    std::vector<EventStore::AppendCallback> callbacks;
    std::vector<Result<AppendResult>> results;
    std::optional<SealedBatch> batch;  // what the round appends, if anything
    uint64_t epoch = 0;                // the failure epoch it was planned in
  };

  void RunPlanner();
  void RunCommitter();
  // Writes, publishes and answers the rounds (commit thread, or the planner
  // when there is none).
  void CommitWorks(std::deque<Work>* works);
  void Notify(const CommitNotice& notice);

  const StoreOptions options_;
  BatchSink* const sink_;
  AppendPlanner planner_;  // planner thread only

  std::mutex queue_mu_;  // guards queue_, stopping_
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::mutex commit_mu_;  // guards the members down to good_tip_
  std::condition_variable commit_cv_;  // work for the commit thread
  std::condition_variable space_cv_;   // room in works_ for the planner
  std::deque<Work> works_;
  bool planner_done_ = false;
  // What the commit thread tells the planner: how far the log is written, and
  // after a failed write a new epoch and the tip to resume from.
  uint64_t written_head_ = 0;
  uint64_t epoch_ = 0;
  LogTip good_tip_;
  Status last_failure_;  // of the last failed write; CommitWorks only

  std::mutex listeners_mu_;  // guards listeners_, next_listener_id_
  std::map<EventStore::ListenerId, std::shared_ptr<EventStore::Listener>> listeners_;
  EventStore::ListenerId next_listener_id_ = 1;
  // Held by the commit thread while it calls listeners, so RemoveListener can
  // wait for a round in progress to finish.
  std::mutex notify_mu_;

  std::thread committer_;  // only when the sink syncs its writes
  std::thread planner_thread_;  // last: starts once everything above is built
};

}  // namespace redledger::store
