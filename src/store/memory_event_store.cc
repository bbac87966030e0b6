// The in-memory EventStore: the same planner and group committer as the
// RocksDB store over plain containers, for fast tests of code built on the
// store. Nothing survives the process.
#include <algorithm>
#include <atomic>
#include <shared_mutex>
#include <unordered_map>

#include "redledger/event_store.h"
#include "store/group_commit.h"

namespace redledger {
namespace {

class MemoryEventStore final : public EventStore, private store::BatchSink {
 public:
  explicit MemoryEventStore(const StoreOptions& options)
      : committer_(std::make_unique<store::GroupCommitter>(options, static_cast<store::BatchSink*>(this), store::LogTip{})) {}
  // The committer goes first: it answers everything queued while the
  // containers it writes to still exist.
  ~MemoryEventStore() override { committer_.reset(); }

  Result<AppendResult> Append(std::vector<AppendPart> parts) override { return committer_->Append(std::move(parts)); }
  void AppendAsync(std::vector<AppendPart> parts, AppendCallback done) override {
    committer_->Submit(std::move(parts), std::move(done));
  }

  uint64_t Head() const override { return head_.load(std::memory_order_acquire); }

  Result<uint64_t> StreamVersion(const std::string& stream) const override {
    const uint64_t head = Head();
    std::shared_lock lock(mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end()) return uint64_t{0};
    return VisibleVersions(it->second, head);
  }

  Result<std::vector<Envelope>> ReadAll(uint64_t after, size_t limit) const override {
    const uint64_t head = Head();
    std::vector<Envelope> out;
    std::shared_lock lock(mu_);
    for (uint64_t p = after + 1; p <= head && out.size() < limit; ++p) out.push_back(log_[p - 1]);
    return out;
  }

  Result<std::vector<Envelope>> ReadStream(const std::string& stream, uint64_t from_version, Direction dir,
                                           size_t limit) const override {
    const uint64_t head = Head();
    std::vector<Envelope> out;
    std::shared_lock lock(mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end()) return out;
    const std::vector<uint64_t>& positions = it->second;  // [version - 1]
    const uint64_t last = VisibleVersions(positions, head);
    if (dir == Direction::kForward) {
      for (uint64_t v = std::max<uint64_t>(from_version, 1); v <= last && out.size() < limit; ++v) {
        out.push_back(log_[positions[v - 1] - 1]);
      }
    } else {
      uint64_t v = (from_version == 0 || from_version > last) ? last : from_version;
      for (; v >= 1 && out.size() < limit; --v) out.push_back(log_[positions[v - 1] - 1]);
    }
    return out;
  }

  Result<Envelope> ReadAt(uint64_t position) const override {
    if (position == 0 || position > Head()) {
      return Status::NotFound("no event at position " + std::to_string(position));
    }
    std::shared_lock lock(mu_);
    return log_[position - 1];
  }

  Status Scan(uint64_t after, uint64_t until, const std::function<bool(const Envelope&)>& fn) const override {
    const uint64_t end = std::min(until, Head());
    for (uint64_t p = after + 1; p <= end; ++p) {
      Envelope e;
      {
        std::shared_lock lock(mu_);
        e = log_[p - 1];
      }
      if (!fn(e)) break;
    }
    return Status::OK();
  }

  merkle::NodeReader TreeReader() const override {
    return [this](uint8_t level, uint64_t index) -> Result<Hash256> {
      std::shared_lock lock(mu_);
      if (level >= tree_.size() || index >= tree_[level].size()) {
        return Status::NotFound("tree node " + std::to_string(level) + "/" + std::to_string(index));
      }
      return tree_[level][index];
    };
  }

  ListenerId AddListener(Listener fn) override { return committer_->AddListener(std::move(fn)); }
  void RemoveListener(ListenerId id) override { committer_->RemoveListener(id); }

 private:
  // How many of a stream's versions readers see: those up to the published head.
  static uint64_t VisibleVersions(const std::vector<uint64_t>& positions, uint64_t head) {
    uint64_t last = positions.size();
    while (last > 0 && positions[last - 1] > head) --last;
    return last;
  }

  // store::CommittedState, called by the writer thread: everything written,
  // published or not.
  Result<uint64_t> StreamHead(const std::string& stream) override {
    std::shared_lock lock(mu_);
    auto it = heads_.find(stream);
    return it == heads_.end() ? 0 : it->second;
  }
  Result<std::optional<uint64_t>> EventPosition(const std::string& event_id) override {
    std::shared_lock lock(mu_);
    auto it = ids_.find(event_id);
    if (it == ids_.end()) return std::optional<uint64_t>();
    return std::optional<uint64_t>(it->second);
  }
  Result<Envelope> EnvelopeAt(uint64_t position) override {
    std::shared_lock lock(mu_);
    if (position == 0 || position > log_.size()) return Status::NotFound("no event at " + std::to_string(position));
    return log_[position - 1];
  }

  // store::BatchSink
  Status Write(const std::vector<const store::SealedBatch*>& group) override {
    std::unique_lock lock(mu_);
    for (const store::SealedBatch* batch : group) {
      for (const Envelope& e : *batch->events) {
        log_.push_back(e);
        streams_[e.stream].push_back(e.position);
        ids_.emplace(e.event_id, e.position);
      }
      for (const auto& [stream, version] : batch->heads) heads_[stream] = version;
      for (const merkle::Node& n : batch->nodes) {
        if (tree_.size() <= n.level) tree_.resize(n.level + 1);
        if (tree_[n.level].size() <= n.index) tree_[n.level].resize(n.index + 1);
        tree_[n.level][n.index] = n.hash;
      }
    }
    return Status::OK();
  }
  void Publish(uint64_t head) override { head_.store(head, std::memory_order_release); }

  mutable std::shared_mutex mu_;  // guards log_, streams_, heads_, ids_, tree_
  std::vector<Envelope> log_;     // [position - 1]
  std::unordered_map<std::string, std::vector<uint64_t>> streams_;  // stream -> positions by version
  std::unordered_map<std::string, uint64_t> heads_;
  std::unordered_map<std::string, uint64_t> ids_;
  std::vector<std::vector<Hash256>> tree_;  // [level][index]
  std::atomic<uint64_t> head_{0};           // published: readers see positions 1..head_
  std::unique_ptr<store::GroupCommitter> committer_;
};

}  // namespace

std::unique_ptr<EventStore> NewMemoryEventStore(const StoreOptions& options) {
  return std::make_unique<MemoryEventStore>(options);
}

}  // namespace redledger
