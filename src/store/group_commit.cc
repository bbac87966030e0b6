#include "store/group_commit.h"

#include <pthread.h>

#include <future>
#include <utility>

namespace redledger::store {
namespace {

// One planning round takes at most this many queued appends, so a flood of
// asynchronous submitters cannot make a single batch unboundedly large.
constexpr size_t kMaxAppendsPerRound = 1024;
// Planning rounds waiting for the commit thread before the planner waits too.
constexpr size_t kMaxWorksInFlight = 8;

const Clock* ClockOf(const StoreOptions& options) {
  return options.clock != nullptr ? options.clock : SystemClock::Default();
}

}  // namespace

GroupCommitter::GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip)
    : options_(options),
      sink_(sink),
      planner_(options, ClockOf(options), tip),
      written_head_(tip.head),
      good_tip_(tip) {
  if (sink_->SyncsWrites()) {
    committer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "store-commit");
      RunCommitter();
    });
  }
  planner_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-planner");
    RunPlanner();
  });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  planner_thread_.join();  // the planner tells the commit thread when it is done
  if (committer_.joinable()) committer_.join();
}

void GroupCommitter::Submit(std::vector<AppendPart> parts, EventStore::AppendCallback done) {
  Pending p{std::move(parts), Status::OK(), std::move(done)};
  // Validation (JSON canonicalisation included) runs here, in parallel across
  // callers, to keep the planner's work per append small.
  p.invalid = ValidateAppend(options_, &p.parts);
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.push_back(std::move(p));
  }
  queue_cv_.notify_one();
}

Result<AppendResult> GroupCommitter::Append(std::vector<AppendPart> parts) {
  std::promise<Result<AppendResult>> answer;
  std::future<Result<AppendResult>> result = answer.get_future();
  Submit(std::move(parts), [&answer](Result<AppendResult> r) { answer.set_value(std::move(r)); });
  return result.get();
}

void GroupCommitter::RunPlanner() {
  std::vector<Pending> pending;
  uint64_t epoch = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and everything queued is planned
      while (!queue_.empty() && pending.size() < kMaxAppendsPerRound) {
        pending.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    {
      std::lock_guard<std::mutex> lock(commit_mu_);
      if (epoch_ != epoch) {  // a write failed: nothing after good_tip_ exists
        planner_.Reset(good_tip_);
        epoch = epoch_;
      } else {
        planner_.Prune(written_head_);
      }
    }
    Work w;
    w.epoch = epoch;
    for (Pending& p : pending) {
      w.callbacks.push_back(std::move(p.done));
      w.results.push_back(p.invalid.ok() ? planner_.Plan(p.parts, *sink_) : Result<AppendResult>(p.invalid));
    }
    pending.clear();
    if (planner_.HasOpenBatch()) w.batch = planner_.Seal();
    if (!committer_.joinable()) {
      // Writes that are not synced are quick: commit them right here.
      std::deque<Work> works;
      works.push_back(std::move(w));
      CommitWorks(&works);
      continue;
    }
    {
      std::unique_lock<std::mutex> lock(commit_mu_);
      space_cv_.wait(lock, [this] { return works_.size() < kMaxWorksInFlight; });
      works_.push_back(std::move(w));
    }
    commit_cv_.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    planner_done_ = true;
  }
  commit_cv_.notify_one();
}

void GroupCommitter::RunCommitter() {
  std::deque<Work> works;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(commit_mu_);
      commit_cv_.wait(lock, [this] { return planner_done_ || !works_.empty(); });
      if (works_.empty()) return;
      works.swap(works_);
    }
    space_cv_.notify_one();
    CommitWorks(&works);
  }
}

void GroupCommitter::CommitWorks(std::deque<Work>* works) {
  uint64_t epoch = 0;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    epoch = epoch_;
  }
  // Everything planned in the current epoch goes into one write; rounds
  // planned on top of an earlier failed write are refused.
  std::vector<const SealedBatch*> group;
  for (const Work& w : *works) {
    if (w.epoch == epoch && w.batch) group.push_back(&*w.batch);
  }
  Status written;
  if (!group.empty()) written = sink_->Write(group);
  if (!group.empty() && written.ok()) {
    sink_->Publish(group.back()->tip.head);
    std::lock_guard<std::mutex> lock(commit_mu_);
    written_head_ = group.back()->tip.head;
    good_tip_ = group.back()->tip;
  } else if (!written.ok()) {
    last_failure_ = written;
    std::lock_guard<std::mutex> lock(commit_mu_);
    ++epoch_;
  }

  for (Work& w : *works) {
    const bool refused = !written.ok() || w.epoch != epoch;
    for (size_t i = 0; i < w.results.size(); ++i) {
      // A retry's answer may point into a refused batch: refuse it too.
      if (refused && w.results[i].ok()) {
        w.results[i] = Status::IOError("the write failed: " + last_failure_.message());
      }
      if (w.callbacks[i]) w.callbacks[i](std::move(w.results[i]));
    }
    if (!refused && w.batch) {
      CommitNotice notice;
      notice.first_position = w.batch->events->front().position;
      notice.last_position = w.batch->events->back().position;
      notice.events = w.batch->events;
      Notify(notice);
    }
  }
  works->clear();
}

void GroupCommitter::Notify(const CommitNotice& notice) {
  std::lock_guard<std::mutex> round(notify_mu_);
  std::vector<std::shared_ptr<EventStore::Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (auto& [id, fn] : listeners_) listeners.push_back(fn);
  }
  for (auto& fn : listeners) (*fn)(notice);
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
  // Wait out a round in progress, unless this is that round's own thread.
  const std::thread::id self = std::this_thread::get_id();
  if (self != committer_.get_id() && self != planner_thread_.get_id()) {
    std::lock_guard<std::mutex> round(notify_mu_);
  }
}

}  // namespace redledger::store
