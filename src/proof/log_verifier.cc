#include "redledger/log_verifier.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "redledger/codec.h"
#include "redledger/merkle.h"

namespace redledger {
namespace {

std::string NodeName(const merkle::Node& n) {
  return "tree node (level " + std::to_string(n.level) + ", index " + std::to_string(n.index) + ")";
}

// One pass over the log, recomputing the tree; stops at the first problem.
class LogChecker {
 public:
  LogChecker(const EventStore& store, std::vector<Checkpoint> trusted, VerifyReport* report)
      : store_(store), read_(store.TreeReader()), trusted_(std::move(trusted)), report_(report) {
    std::sort(trusted_.begin(), trusted_.end(),
              [](const Checkpoint& a, const Checkpoint& b) { return a.size < b.size; });
  }

  Status Run() {
    const uint64_t head = store_.Head();
    // Every log extends the empty one, but a claimed empty root must be right.
    while (next_trusted_ < trusted_.size() && trusted_[next_trusted_].size == 0) {
      if (trusted_[next_trusted_].root != merkle::EmptyRoot()) {
        return Fail(1, "trusted checkpoint of size 0 has a root other than the empty tree's");
      }
      ++next_trusted_;
      ++report_->checkpoints;
    }
    Status problem;
    Status scanned = store_.Scan(0, head, [&](const Envelope& e) {
      problem = Check(e);
      return problem.ok();
    });
    if (!problem.ok()) return problem;
    if (!scanned.ok()) {
      // The store names the position itself ("event at position P: ...").
      if (scanned.IsCorruption()) report_->bad_position = range_.size() + 1;
      return scanned;
    }
    if (range_.size() != head) {
      return Fail(range_.size() + 1, "missing: the log's head is " + std::to_string(head));
    }
    report_->root = range_.Root();

    Result<Hash256> beyond = read_(0, head);
    if (beyond.ok()) return Fail(head + 1, "the tree holds a leaf past the log's head (truncated log?)");
    if (!beyond.status().IsNotFound()) return beyond.status();

    for (; next_trusted_ < trusted_.size(); ++next_trusted_) {
      const Checkpoint& c = trusted_[next_trusted_];
      if (c.size > head) {
        return Fail(head + 1, "log truncated: it ends at position " + std::to_string(head) +
                                  " but a trusted checkpoint has " + std::to_string(c.size) + " events");
      }
    }
    return Status::OK();
  }

 private:
  Status Fail(uint64_t position, const std::string& what) {
    report_->bad_position = position;
    return Status::Corruption("position " + std::to_string(position) + ": " + what);
  }

  Status Check(const Envelope& e) {
    const uint64_t position = range_.size() + 1;
    if (e.position != position) {
      return Fail(position, "holds the event of position " + std::to_string(e.position));
    }
    const Hash256 leaf = LeafHash(e);
    if (leaf != e.hash) {
      return Fail(position, "hash mismatch: the event hashes to " + HexEncode(leaf) + " but its stored hash is " +
                                HexEncode(e.hash));
    }
    if (e.recorded_at < last_recorded_at_) return Fail(position, "recorded_at is earlier than the previous event's");
    last_recorded_at_ = e.recorded_at;
    uint64_t& version = versions_[e.stream];
    if (e.version != version + 1) {
      return Fail(position, "stream " + e.stream + " version " + std::to_string(e.version) + " follows version " +
                                std::to_string(version));
    }
    version = e.version;

    for (const merkle::Node& node : range_.Append(leaf)) {
      Result<Hash256> stored = read_(node.level, node.index);
      if (!stored.ok() && stored.status().IsNotFound()) return Fail(position, NodeName(node) + " is missing");
      if (!stored.ok()) return stored.status();
      if (*stored != node.hash) return Fail(position, NodeName(node) + " does not match the events");
    }
    ++report_->events;

    for (; next_trusted_ < trusted_.size() && trusted_[next_trusted_].size == position; ++next_trusted_) {
      if (range_.Root() != trusted_[next_trusted_].root) {
        // The first `agreed` events still match an earlier checkpoint, so the
        // rewrite lies after them.
        return Fail(agreed_ + 1, "the log's root at size " + std::to_string(position) +
                                     " differs from a trusted checkpoint's: events " + std::to_string(agreed_ + 1) +
                                     ".." + std::to_string(position) + " were rewritten");
      }
      agreed_ = position;
      ++report_->checkpoints;
    }
    return Status::OK();
  }

  const EventStore& store_;
  const merkle::NodeReader read_;
  std::vector<Checkpoint> trusted_;
  VerifyReport* report_;
  size_t next_trusted_ = 0;
  uint64_t agreed_ = 0;  // the largest size a trusted checkpoint confirmed
  merkle::CompactRange range_;
  Micros last_recorded_at_ = 0;
  std::unordered_map<std::string, uint64_t> versions_;
};

}  // namespace

Status VerifyLog(const EventStore& store, const std::vector<Checkpoint>& trusted, VerifyReport* report) {
  VerifyReport local;
  if (report == nullptr) report = &local;
  *report = VerifyReport{};
  return LogChecker(store, trusted, report).Run();
}

}  // namespace redledger
