#include "store/group_commit.h"

#include <future>
#include <utility>

namespace redledger::store {
namespace {

// One batch takes at most this many queued appends, so a flood of
// asynchronous submitters cannot make a single write unboundedly large.
constexpr size_t kMaxAppendsPerBatch = 1024;

const Clock* ClockOf(const StoreOptions& options) {
  return options.clock != nullptr ? options.clock : SystemClock::Default();
}

}  // namespace

GroupCommitter::GroupCommitter(const StoreOptions& options, BatchSink* sink, LogTip tip)
    : options_(options), sink_(sink), planner_(options, ClockOf(options), std::move(tip)), writer_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();
}

void GroupCommitter::Submit(std::vector<AppendPart> parts, EventStore::AppendCallback done) {
  Pending p{std::move(parts), Status::OK(), std::move(done)};
  // Validation (JSON canonicalisation included) runs here, in parallel across
  // callers, to keep the single writer's work per append small.
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

void GroupCommitter::Run() {
  std::vector<Pending> pending;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is answered
      while (!queue_.empty() && pending.size() < kMaxAppendsPerBatch) {
        pending.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(&pending);
    pending.clear();
  }
}

void GroupCommitter::CommitBatch(std::vector<Pending>* pending) {
  std::vector<Result<AppendResult>> results;
  std::vector<bool> planned;  // whether results[i] depends on the batch write
  results.reserve(pending->size());
  for (Pending& p : *pending) {
    if (!p.invalid.ok()) {
      results.emplace_back(p.invalid);
      planned.push_back(false);
      continue;
    }
    Result<AppendResult> r = planner_.Plan(p.parts, *sink_);
    planned.push_back(r.ok() && !r->duplicate);
    results.push_back(std::move(r));
  }

  std::shared_ptr<std::vector<Envelope>> committed;
  if (!planner_.batch().empty()) {
    Status written = sink_->WriteBatch(planner_.batch());
    if (written.ok()) {
      sink_->Publish(planner_.batch());
      committed = std::make_shared<std::vector<Envelope>>(planner_.Commit());
    } else {
      planner_.Abort();
      for (size_t i = 0; i < results.size(); ++i) {
        if (planned[i]) results[i] = written;
      }
    }
  }
  // A retry answered from this batch's own appends must not be acknowledged
  // when that write failed.
  if (committed == nullptr) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].ok() && results[i]->duplicate && results[i]->last_position > planner_.committed().head) {
        results[i] = Status::IOError("the original append failed to commit");
      }
    }
  }

  for (size_t i = 0; i < pending->size(); ++i) {
    if ((*pending)[i].done) (*pending)[i].done(std::move(results[i]));
  }
  if (committed != nullptr && !committed->empty()) {
    CommitNotice notice;
    notice.first_position = committed->front().position;
    notice.last_position = committed->back().position;
    notice.events = std::move(committed);
    Notify(notice);
  }
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
  if (std::this_thread::get_id() != writer_.get_id()) {
    std::lock_guard<std::mutex> round(notify_mu_);
  }
}

}  // namespace redledger::store
