// GroupCommitter: the single writer both EventStore implementations share,
// run on the callers' own threads (leader/follower, like RocksDB's
// WriteThread) instead of on store threads, so that an append costs no
// thread hand-off when the machine is busy.
//
// Two roles, each held by at most one thread at a time:
//   planning — take every queued append, plan each in arrival order
//              (AppendPlanner) and seal what was planned into a batch;
//   writing  — take every sealed batch and write them all in ONE atomic
//              write (synced when the store says so) and publish the new
//              head. The writer then leaves the role and answers the appends
//              and tells the listeners, after the previous write's answers.
// A thread blocked in Append queues its append and takes whichever role is
// free and has work, until its own append is answered; otherwise it sleeps
// until answered or handed a role. While one thread syncs, the appends that
// arrive meanwhile are planned by another, and the next write takes them all:
// one synced write serves every append that arrived during the previous one.
// AppendAsync never waits: its append is served by the next blocking caller,
// or by the committer's own fallback thread when none is around.
//
// Relaxed writes (sync=false) are quick, so there a blocked caller does not
// wait for roles: it queues, then takes its turn under a plain mutex and, if
// not yet answered by the caller before it, commits everything queued itself.
//
// An append refused by the planner (conflict, bad input, retry) fails or
// answers on its own; the others in its batch are unaffected. When a write
// fails, every append in it fails with its status, and so does every append
// planned on top of it before the planner learnt of the failure; planning
// then resumes from the last written batch.
//
// Thread safety: Submit, Append, AddListener and RemoveListener may be called
// from any thread. Callbacks and listeners run on whichever thread holds the
// writing role (a caller blocked in Append, or the fallback thread), one at a
// time, in commit order; they must not block nor append synchronously.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
};

class GroupCommitter {
 public:
  // REQUIRES: `sink` outlives this object.
  GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip);
  // Completes every queued append, then stops the fallback thread.
  // REQUIRES: no call in progress.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Validates on the calling thread, then queues; `done` runs after the
  // commit, on the thread that wrote it.
  void Submit(std::vector<AppendPart> parts, EventStore::AppendCallback done);
  // Validates, queues and helps commit until the append is answered.
  Result<AppendResult> Append(std::vector<AppendPart> parts);

  EventStore::ListenerId AddListener(EventStore::Listener fn);
  // After this returns the listener is not called again (unless called from
  // a listener itself, when the current round may still reach it).
  void RemoveListener(EventStore::ListenerId id);

 private:
  // A thread waiting in Drive: for its append's answer, or to be handed a role.
  struct Waiter {
    std::mutex mu;  // guards the fields below
    std::condition_variable cv;
    bool signalled = false;  // woken to look for a role
    bool done = false;       // `result` is set
    std::optional<Result<AppendResult>> result;
  };
  struct Pending {
    std::vector<AppendPart> parts;
    Status invalid;                   // validation failed: answered without planning
    EventStore::AppendCallback done;  // AppendAsync
    Waiter* waiter = nullptr;         // Append
  };
  // One planning round, sealed, on its way to a write.
  struct Work {
    std::vector<EventStore::AppendCallback> callbacks;
    std::vector<Waiter*> waiters;
    std::vector<Result<AppendResult>> results;
    std::optional<SealedBatch> batch;  // what the round appends, if anything
    uint64_t epoch = 0;                // the failure epoch it was planned in
  };

  // Takes roles with work until `self` is answered (or, for the fallback
  // thread with self == nullptr, until stopping and idle). REQUIRES: `lock`
  // holds mu_; it may be released on return.
  void Drive(std::unique_lock<std::mutex>& lock, Waiter* self);
  void PlanRound(std::unique_lock<std::mutex>& lock);
  void WriteRound(std::unique_lock<std::mutex>& lock);
  // Answers the rounds and tells the listeners (writing role, mu_ not held).
  void Deliver(std::deque<Work>* works, const Status& written, uint64_t epoch, const Status& failure);
  // When a role is free with work waiting and nobody was woken to take it,
  // wakes one waiting caller (or the fallback thread). REQUIRES: mu_ held.
  void WakeIfUnowned();
  bool PlanningPossible() const;  // REQUIRES: mu_ held
  bool WritingPossible() const;   // REQUIRES: mu_ held
  static void Signal(Waiter* w);
  void Notify(const CommitNotice& notice);
  void RunFallback();

  const StoreOptions options_;
  BatchSink* const sink_;
  AppendPlanner planner_;  // planning role only
  uint64_t planner_epoch_ = 0;  // planning role only: the epoch planner_ is in

  std::mutex mu_;  // guards the members down to delivered_rounds_
  std::deque<Pending> queue_;
  std::deque<Work> works_;  // sealed rounds, in planning order
  bool planning_ = false;   // the planning role is held
  bool writing_ = false;    // the writing role is held
  // Woken to take a role and not yet looking for one: while set, nobody else
  // is woken (one hand-off at a time).
  Waiter* woken_ = nullptr;
  bool stopping_ = false;
  // How far the log is written, and after a failed write a new epoch and the
  // tip to resume planning from.
  uint64_t written_head_ = 0;
  uint64_t epoch_ = 0;
  LogTip good_tip_;
  Status last_failure_;
  // Write rounds started, and answered: a round answers after the one before.
  uint64_t write_rounds_ = 0;
  uint64_t delivered_rounds_ = 0;
  std::condition_variable delivered_cv_;

  std::mutex listeners_mu_;  // guards listeners_, next_listener_id_
  std::map<EventStore::ListenerId, std::shared_ptr<EventStore::Listener>> listeners_;
  EventStore::ListenerId next_listener_id_ = 1;
  // Held while listeners are called, so RemoveListener can wait for a round
  // in progress to finish.
  std::mutex notify_mu_;

  // Held by a relaxed (sync=false) Append while it commits: see Append.
  std::mutex relaxed_mu_;

  Waiter fallback_;          // the fallback thread's
  std::thread fallback_thread_;  // last: starts once everything above is built
};

}  // namespace redledger::store
