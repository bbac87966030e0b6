#include "redledger/log_proofs.h"

#include "redledger/merkle.h"

namespace redledger {
namespace {

Status BeyondHead(const char* field, uint64_t size, uint64_t head) {
  return Status::InvalidArgument(
      std::string(field) + " " + std::to_string(size) + " is beyond the log's head " + std::to_string(head), field);
}

}  // namespace

Result<Checkpoint> HeadCheckpoint(const EventStore& store, const std::string& origin, Micros now) {
  const uint64_t head = store.Head();
  Result<Hash256> root = merkle::RootAt(head, store.TreeReader());
  if (!root.ok()) return root.status();
  return Checkpoint{origin, head, *root, now};
}

Result<InclusionProofData> ProveInclusion(const EventStore& store, uint64_t position, uint64_t tree_size) {
  if (position == 0 || position > tree_size) {
    return Status::InvalidArgument("position must be between 1 and tree_size", "position");
  }
  const uint64_t head = store.Head();
  if (tree_size > head) return BeyondHead("tree_size", tree_size, head);
  Result<std::vector<Hash256>> hashes = merkle::InclusionProof(position - 1, tree_size, store.TreeReader());
  if (!hashes.ok()) return hashes.status();
  return InclusionProofData{position - 1, tree_size, std::move(hashes).value()};
}

Result<ConsistencyProofData> ProveConsistency(const EventStore& store, uint64_t from_size, uint64_t to_size) {
  if (from_size == 0 || from_size > to_size) {
    return Status::InvalidArgument("from_size must be between 1 and to_size", "from_size");
  }
  const uint64_t head = store.Head();
  if (to_size > head) return BeyondHead("to_size", to_size, head);
  Result<std::vector<Hash256>> hashes = merkle::ConsistencyProof(from_size, to_size, store.TreeReader());
  if (!hashes.ok()) return hashes.status();
  return ConsistencyProofData{from_size, to_size, std::move(hashes).value()};
}

}  // namespace redledger
