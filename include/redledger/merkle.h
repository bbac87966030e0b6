// The RFC 6962 §2.1 Merkle tree over the log's leaf hashes.
//
// Storage model: only *perfect* subtrees are stored. Node (level, index)
// covers leaves [index << level, (index + 1) << level); level 0 nodes are the
// leaf hashes themselves (an envelope's `hash`). Such a node never changes
// once complete, so the tree of any past size, and every proof between past
// sizes, is computed from stored nodes in O(log² n) reads, without scanning
// the log.
//
// Thread safety: pure functions; CompactRange is a value (not synchronised).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "redledger/encoding.h"
#include "redledger/status.h"

namespace redledger::merkle {

struct Node {
  uint8_t level = 0;
  uint64_t index = 0;
  Hash256 hash{};
};

// Reads a stored perfect-subtree node; NotFound if it is not stored.
using NodeReader = std::function<Result<Hash256>(uint8_t level, uint64_t index)>;

Hash256 EmptyRoot();                                          // SHA-256 of ""
Hash256 HashLeaf(std::string_view leaf_data);                 // SHA-256(0x00 ‖ d)
Hash256 HashChildren(const Hash256& left, const Hash256& right);  // SHA-256(0x01 ‖ l ‖ r)

// The right edge of a tree: its maximal perfect subtrees, left to right.
// Appending a leaf yields the nodes that became complete, to be persisted in
// the same write as the leaf.
class CompactRange {
 public:
  CompactRange() = default;
  // Reads the frontier of a tree of `size` leaves from stored nodes.
  static Result<CompactRange> Load(uint64_t size, const NodeReader& read);

  // Returns the completed nodes: the leaf (level 0) and every parent it completes.
  std::vector<Node> Append(const Hash256& leaf_hash);
  Hash256 Root() const;
  uint64_t size() const { return size_; }

 private:
  uint64_t size_ = 0;
  std::vector<Node> peaks_;  // decreasing level, left to right
};

// MTH of the first `size` leaves.
Result<Hash256> RootAt(uint64_t size, const NodeReader& read);
// PATH(index, D[0:size]); REQUIRES: index < size.
Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read);
// PROOF(m, D[0:n]); REQUIRES: 0 < m <= n.
Result<std::vector<Hash256>> ConsistencyProof(uint64_t m, uint64_t n, const NodeReader& read);

// Verifiers trust only their arguments (RFC 9162 §2.1.3.2 and §2.1.4.2
// algorithms, which accept exactly the RFC 6962 proofs). Corruption when the
// proof does not check.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash256& leaf_hash,
                       const std::vector<Hash256>& proof, const Hash256& root);
Status VerifyConsistency(uint64_t m, uint64_t n, const Hash256& root_m, const Hash256& root_n,
                         const std::vector<Hash256>& proof);

}  // namespace redledger::merkle
