#include "store/group_commit.h"

#include <pthread.h>

#include <utility>

namespace redledger::store {
namespace {

// One planning round takes at most this many queued appends, so a flood of
// asynchronous submitters cannot make a single batch unboundedly large.
constexpr size_t kMaxAppendsPerRound = 1024;
// Sealed rounds waiting for a write before planning waits too.
constexpr size_t kMaxWorksInFlight = 8;

const Clock* ClockOf(const StoreOptions& options) {
  return options.clock != nullptr ? options.clock : SystemClock::Default();
}

// The committer whose listeners this thread is calling, if any.
thread_local const GroupCommitter* notifying = nullptr;

}  // namespace

GroupCommitter::GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip)
    : options_(options),
      sink_(sink),
      planner_(options, ClockOf(options), tip),
      written_head_(tip.head),
      good_tip_(tip) {
  fallback_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-commit");
    RunFallback();
  });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    Signal(&fallback_);
  }
  fallback_thread_.join();  // after it has answered everything queued
}

void GroupCommitter::Submit(std::vector<AppendPart> parts, EventStore::AppendCallback done) {
  Pending p{std::move(parts), Status::OK(), std::move(done), nullptr};
  // Validation (JSON canonicalisation included) runs here, in parallel across
  // callers, to keep the planning role's work per append small.
  p.invalid = ValidateAppend(options_, &p.parts);
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(p));
  WakeIfUnowned();
}

Result<AppendResult> GroupCommitter::Append(std::vector<AppendPart> parts) {
  Waiter self;
  Pending p{std::move(parts), Status::OK(), nullptr, &self};
  p.invalid = ValidateAppend(options_, &p.parts);
  if (options_.sync) {
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(std::move(p));
    Drive(lock, &self);
    return std::move(*self.result);
  }
  // Relaxed writes are quick, and dozens of callers handing roles to each
  // other through condition variables spend more on wake-ups than on writing.
  // Here callers queue first, then commit one at a time under relaxed_mu_:
  // each takes everything queued, so a caller that gets its turn has usually
  // been answered already by the one before.
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(p));
  }
  std::lock_guard<std::mutex> turn(relaxed_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  Drive(lock, &self);
  return std::move(*self.result);
}

void GroupCommitter::RunFallback() {
  std::unique_lock<std::mutex> lock(mu_);
  Drive(lock, nullptr);
}

bool GroupCommitter::PlanningPossible() const {
  return !planning_ && !queue_.empty() && works_.size() < kMaxWorksInFlight;
}

bool GroupCommitter::WritingPossible() const { return !writing_ && !works_.empty(); }

void GroupCommitter::Drive(std::unique_lock<std::mutex>& lock, Waiter* self) {
  Waiter* const sleeper = self != nullptr ? self : &fallback_;
  for (;;) {
    if (woken_ == sleeper) woken_ = nullptr;  // whatever it was woken for, it is looking now
    if (self != nullptr) {
      std::lock_guard<std::mutex> state(self->mu);
      if (self->done) break;
    } else if (stopping_ && queue_.empty() && works_.empty() && !planning_ && !writing_ &&
               delivered_rounds_ == write_rounds_) {
      break;
    }
    if (PlanningPossible()) {
      PlanRound(lock);
      continue;
    }
    if (WritingPossible()) {
      WriteRound(lock);
      continue;
    }
    // Every role with work is held by another thread, which answers us or
    // hands the role on when it leaves.
    lock.unlock();
    {
      std::unique_lock<std::mutex> state(sleeper->mu);
      sleeper->cv.wait(state, [sleeper] { return sleeper->signalled || sleeper->done; });
      // Answered and not handed a role: nothing to hand on, so leave without
      // mu_ (dozens of answered callers would otherwise queue for it). No
      // role can be handed to us any more: our append left works_.
      if (sleeper->done && !sleeper->signalled) return;
      sleeper->signalled = false;
    }
    lock.lock();
  }
  // Leaving: whatever we did not take must not wait for a caller that may
  // never come.
  WakeIfUnowned();
}

void GroupCommitter::WakeIfUnowned() {
  if (woken_ != nullptr || (!PlanningPossible() && !WritingPossible())) return;
  Waiter* target = nullptr;
  for (const Pending& p : queue_) {
    if (p.waiter != nullptr) {
      target = p.waiter;
      break;
    }
  }
  for (auto w = works_.begin(); target == nullptr && w != works_.end(); ++w) {
    for (Waiter* waiter : w->waiters) {
      if (waiter != nullptr) {
        target = waiter;
        break;
      }
    }
  }
  woken_ = target != nullptr ? target : &fallback_;
  Signal(woken_);
}

void GroupCommitter::Signal(Waiter* w) {
  // Notified under the waiter's mutex: once it sees `done` and returns, we
  // never touch it again.
  std::lock_guard<std::mutex> state(w->mu);
  w->signalled = true;
  w->cv.notify_one();
}

void GroupCommitter::PlanRound(std::unique_lock<std::mutex>& lock) {
  planning_ = true;
  std::vector<Pending> pending;
  while (!queue_.empty() && pending.size() < kMaxAppendsPerRound) {
    pending.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (epoch_ != planner_epoch_) {  // a write failed: nothing after good_tip_ exists
    planner_.Reset(good_tip_);
    planner_epoch_ = epoch_;
  } else {
    planner_.Prune(written_head_);
  }
  lock.unlock();

  Work w;
  w.epoch = planner_epoch_;
  for (Pending& p : pending) {
    w.callbacks.push_back(std::move(p.done));
    w.waiters.push_back(p.waiter);
    w.results.push_back(p.invalid.ok() ? planner_.Plan(p.parts, *sink_) : Result<AppendResult>(p.invalid));
  }
  if (planner_.HasOpenBatch()) w.batch = planner_.Seal();

  lock.lock();
  works_.push_back(std::move(w));
  planning_ = false;
}

void GroupCommitter::WriteRound(std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  std::deque<Work> works;
  works.swap(works_);
  const uint64_t epoch = epoch_;
  const uint64_t round = ++write_rounds_;
  WakeIfUnowned();  // planning may have waited for room in works_
  lock.unlock();

  // Everything planned in the current epoch goes into one write; rounds
  // planned on top of an earlier failed write are refused.
  std::vector<const SealedBatch*> group;
  for (const Work& w : works) {
    if (w.epoch == epoch && w.batch) group.push_back(&*w.batch);
  }
  Status written;
  if (!group.empty()) written = sink_->Write(group);
  if (!group.empty() && written.ok()) sink_->Publish(group.back()->tip.head);

  lock.lock();
  if (!group.empty() && written.ok()) {
    written_head_ = group.back()->tip.head;
    good_tip_ = group.back()->tip;
  } else if (!written.ok()) {
    last_failure_ = written;
    ++epoch_;
  }
  const Status failure = last_failure_;
  // The next write may start while this one's appends are answered (waking
  // each waiter takes a while); its answers wait for ours.
  writing_ = false;
  WakeIfUnowned();
  delivered_cv_.wait(lock, [this, round] { return delivered_rounds_ + 1 == round; });
  lock.unlock();
  Deliver(&works, written, epoch, failure);
  lock.lock();
  delivered_rounds_ = round;
  delivered_cv_.notify_all();
  if (stopping_) Signal(&fallback_);  // it may be waiting for this round to stop
}

void GroupCommitter::Deliver(std::deque<Work>* works, const Status& written, uint64_t epoch, const Status& failure) {
  for (Work& w : *works) {
    const bool refused = !written.ok() || w.epoch != epoch;
    for (size_t i = 0; i < w.results.size(); ++i) {
      // A retry's answer may point into a refused batch: refuse it too.
      if (refused && w.results[i].ok()) {
        w.results[i] = Status::IOError("the write failed: " + failure.message());
      }
      if (Waiter* waiter = w.waiters[i]) {
        std::lock_guard<std::mutex> state(waiter->mu);
        waiter->result.emplace(std::move(w.results[i]));
        waiter->done = true;
        waiter->cv.notify_one();
      } else if (w.callbacks[i]) {
        w.callbacks[i](std::move(w.results[i]));
      }
    }
    if (!refused && w.batch) {
      CommitNotice notice;
      notice.first_position = w.batch->events->front().position;
      notice.last_position = w.batch->events->back().position;
      notice.events = w.batch->events;
      Notify(notice);
    }
  }
}

void GroupCommitter::Notify(const CommitNotice& notice) {
  std::lock_guard<std::mutex> round(notify_mu_);
  std::vector<std::shared_ptr<EventStore::Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (auto& [id, fn] : listeners_) listeners.push_back(fn);
  }
  notifying = this;
  for (auto& fn : listeners) (*fn)(notice);
  notifying = nullptr;
}

EventStore::ListenerId GroupCommitter::AddListener(EventStore::Listener fn) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  EventStore::ListenerId id = next_listener_id_++;
  listeners_.emplace(id, std::make_shared<EventStore::Listener>(std::move(fn)));
  return id;
}

void GroupCommitter::RemoveListener(EventStore::ListenerId id) {
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    listeners_.erase(id);
  }
  // Wait out a round in progress, unless this thread is calling that round.
  if (notifying != this) {
    std::lock_guard<std::mutex> round(notify_mu_);
  }
}

}  // namespace redledger::store
