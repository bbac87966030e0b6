// Known answers for the Merkle tree: a straightforward recursive
// transcription of RFC 6962 §2.1 (MTH, PATH, PROOF/SUBPROOF) below is the
// oracle for every tree size up to kMaxSize, every index and every (m, n).
#include "redledger/merkle.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace redledger::merkle {
namespace {

constexpr uint64_t kMaxSize = 70;

// ---- Reference: RFC 6962 §2.1, word for word, over leaf hashes ----------

Hash256 RefNode(const Hash256& l, const Hash256& r) {
  std::string in(1, '\x01');
  in.append(reinterpret_cast<const char*>(l.data()), 32);
  in.append(reinterpret_cast<const char*>(r.data()), 32);
  return Sha256(in);
}

Hash256 RefLeaf(const std::string& d) { return Sha256(std::string(1, '\x00') + d); }

uint64_t RefSplit(uint64_t n) {  // largest power of two smaller than n
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

using Leaves = std::vector<Hash256>;  // leaf hashes D[0:n]

Leaves Slice(const Leaves& d, uint64_t b, uint64_t e) { return Leaves(d.begin() + b, d.begin() + e); }

Hash256 Mth(const Leaves& d) {
  if (d.empty()) return Sha256("");
  if (d.size() == 1) return d[0];
  const uint64_t k = RefSplit(d.size());
  return RefNode(Mth(Slice(d, 0, k)), Mth(Slice(d, k, d.size())));
}

std::vector<Hash256> Path(uint64_t m, const Leaves& d) {
  if (d.size() <= 1) return {};
  const uint64_t n = d.size();
  const uint64_t k = RefSplit(n);
  std::vector<Hash256> out;
  if (m < k) {
    out = Path(m, Slice(d, 0, k));
    out.push_back(Mth(Slice(d, k, n)));
  } else {
    out = Path(m - k, Slice(d, k, n));
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

std::vector<Hash256> Subproof(uint64_t m, const Leaves& d, bool b) {
  const uint64_t n = d.size();
  if (m == n) return b ? std::vector<Hash256>{} : std::vector<Hash256>{Mth(d)};
  const uint64_t k = RefSplit(n);
  std::vector<Hash256> out;
  if (m <= k) {
    out = Subproof(m, Slice(d, 0, k), b);
    out.push_back(Mth(Slice(d, k, n)));
  } else {
    out = Subproof(m - k, Slice(d, k, n), false);
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

std::vector<Hash256> Proof(uint64_t m, const Leaves& d) { return Subproof(m, d, true); }

// The shape of PATH(m, n) / PROOF(m, n): which side each hash joins on ('L',
// 'R') and whether the old tree's own subtree hash leads ('S'). A proof binds
// an index or size only through this shape: two claims with the same shape
// are the same computation, and the signed checkpoint is what binds the size.
std::string PathShape(uint64_t m, uint64_t n) {
  if (n <= 1) return "";
  const uint64_t k = RefSplit(n);
  return m < k ? PathShape(m, k) + "R" : PathShape(m - k, n - k) + "L";
}

std::string ProofShape(uint64_t m, uint64_t n, bool b = true) {
  if (m == n) return b ? "" : "S";
  const uint64_t k = RefSplit(n);
  return m <= k ? ProofShape(m, k, b) + "R" : ProofShape(m - k, n - k, false) + "L";
}

// ---- Fixture: a tree grown with CompactRange into a map of nodes ---------

struct Tree {
  Leaves leaves;
  std::map<std::pair<uint8_t, uint64_t>, Hash256> nodes;
  CompactRange range;
  size_t reads = 0;

  void Append(const Hash256& leaf) {
    leaves.push_back(leaf);
    for (const Node& n : range.Append(leaf)) nodes[{n.level, n.index}] = n.hash;
  }
  NodeReader Reader() {
    return [this](uint8_t level, uint64_t index) -> Result<Hash256> {
      ++reads;
      auto it = nodes.find({level, index});
      if (it == nodes.end()) return Status::NotFound("no node");
      return it->second;
    };
  }
};

Hash256 LeafNo(uint64_t i) { return RefLeaf("leaf " + std::to_string(i)); }

Tree Grow(uint64_t n) {
  Tree t;
  for (uint64_t i = 0; i < n; ++i) t.Append(LeafNo(i));
  return t;
}

// ---- Hand-checked vectors ------------------------------------------------

TEST(MerkleVectors, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(HexEncode(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Tree t;
  Result<Hash256> root = RootAt(0, t.Reader());
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, EmptyRoot());
  EXPECT_EQ(t.range.Root(), EmptyRoot());
}

TEST(MerkleVectors, LeafAndNodePrefixes) {
  // SHA-256 of the single byte 0x00: the leaf hash of empty data.
  EXPECT_EQ(HexEncode(HashLeaf("")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  Hash256 a = HashLeaf("a");
  Hash256 b = HashLeaf("b");
  EXPECT_EQ(a, RefLeaf("a"));
  EXPECT_EQ(HashChildren(a, b), RefNode(a, b));
  EXPECT_NE(HashChildren(a, b), HashChildren(b, a));
}

TEST(MerkleVectors, OneLeafTreeRootIsTheLeafHash) {
  Tree t;
  t.Append(HashLeaf("only"));
  EXPECT_EQ(t.range.Root(), HashLeaf("only"));
  Result<Hash256> root = RootAt(1, t.Reader());
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, HashLeaf("only"));
  Result<std::vector<Hash256>> path = InclusionProof(0, 1, t.Reader());
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(path->empty());
}

// The roots of the eight-leaf test tree used across RFC 6962 implementations
// (certificate-transparency's merkle tree tests).
TEST(MerkleVectors, CertificateTransparencyTestTree) {
  const std::vector<std::string> data = {
      std::string(""),
      std::string("\x00", 1),
      std::string("\x10"),
      std::string("\x20\x21"),
      std::string("\x30\x31"),
      std::string("\x40\x41\x42\x43"),
      std::string("\x50\x51\x52\x53\x54\x55\x56\x57"),
      std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"),
  };
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  Tree t;
  for (size_t i = 0; i < data.size(); ++i) {
    t.Append(HashLeaf(data[i]));
    EXPECT_EQ(HexEncode(t.range.Root()), roots[i]) << "size " << i + 1;
    Result<Hash256> root = RootAt(i + 1, t.Reader());
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(HexEncode(*root), roots[i]) << "size " << i + 1;
  }
}

// ---- Against the reference, exhaustively ---------------------------------

TEST(MerkleReference, RootsAndStoredNodesMatchMth) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n = 0; n <= kMaxSize; ++n) {
    Result<Hash256> root = RootAt(n, t.Reader());
    ASSERT_TRUE(root.ok()) << n;
    EXPECT_EQ(*root, Mth(Slice(t.leaves, 0, n))) << "size " << n;
  }
  // Exactly the perfect subtrees are stored, each with its MTH.
  size_t perfect = 0;
  for (uint8_t level = 0; (uint64_t{1} << level) <= kMaxSize; ++level) {
    const uint64_t width = uint64_t{1} << level;
    for (uint64_t index = 0; (index + 1) * width <= kMaxSize; ++index, ++perfect) {
      auto it = t.nodes.find({level, index});
      ASSERT_NE(it, t.nodes.end()) << int(level) << "," << index;
      EXPECT_EQ(it->second, Mth(Slice(t.leaves, index * width, (index + 1) * width)));
    }
  }
  EXPECT_EQ(t.nodes.size(), perfect);
}

TEST(MerkleReference, AppendReturnsTheLeafAndTheNodesItCompletes) {
  Tree t;
  for (uint64_t i = 0; i < kMaxSize; ++i) {
    std::vector<Node> done = t.range.Append(LeafNo(i));
    ASSERT_FALSE(done.empty());
    EXPECT_EQ(done[0].level, 0);
    EXPECT_EQ(done[0].index, i);
    EXPECT_EQ(done[0].hash, LeafNo(i));
    // Leaf i completes one node per trailing one bit of i.
    EXPECT_EQ(done.size(), 1u + std::countr_one(i)) << i;
    for (size_t j = 1; j < done.size(); ++j) {
      EXPECT_EQ(done[j].level, j);
      EXPECT_EQ(done[j].index, i >> j);
    }
    EXPECT_EQ(t.range.size(), i + 1);
  }
}

TEST(MerkleReference, LoadRestoresTheFrontier) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n = 0; n <= kMaxSize; ++n) {
    Result<CompactRange> loaded = CompactRange::Load(n, t.Reader());
    ASSERT_TRUE(loaded.ok()) << n;
    EXPECT_EQ(loaded->size(), n);
    EXPECT_EQ(loaded->Root(), Mth(Slice(t.leaves, 0, n)));
    // Continuing from the loaded frontier yields the same nodes as before.
    if (n < kMaxSize) {
      for (const Node& node : loaded->Append(t.leaves[n])) {
        EXPECT_EQ(node.hash, (t.nodes[{node.level, node.index}])) << n;
      }
    }
  }
}

TEST(MerkleReference, InclusionProofsMatchPathAndVerify) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Leaves d = Slice(t.leaves, 0, n);
    const Hash256 root = Mth(d);
    for (uint64_t m = 0; m < n; ++m) {
      Result<std::vector<Hash256>> proof = InclusionProof(m, n, t.Reader());
      ASSERT_TRUE(proof.ok()) << m << "/" << n;
      ASSERT_EQ(*proof, Path(m, d)) << m << "/" << n;
      EXPECT_TRUE(VerifyInclusion(m, n, d[m], *proof, root).ok()) << m << "/" << n;
    }
  }
}

TEST(MerkleReference, ConsistencyProofsMatchProofAndVerify) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Leaves d = Slice(t.leaves, 0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      Result<std::vector<Hash256>> proof = ConsistencyProof(m, n, t.Reader());
      ASSERT_TRUE(proof.ok()) << m << "/" << n;
      ASSERT_EQ(*proof, Proof(m, d)) << m << "/" << n;
      EXPECT_TRUE(VerifyConsistency(m, n, Mth(Slice(d, 0, m)), Mth(d), *proof).ok()) << m << "/" << n;
    }
  }
}

TEST(MerkleReference, EmptyTreeIsConsistentWithEveryTree) {
  Tree t = Grow(5);
  EXPECT_TRUE(VerifyConsistency(0, 5, EmptyRoot(), Mth(t.leaves), {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 5, LeafNo(0), Mth(t.leaves), {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 5, EmptyRoot(), Mth(t.leaves), {LeafNo(1)}).ok());
}

TEST(MerkleProofs, ReadsAreLogSquaredNotLinear) {
  // A tree of 2^20 + 12345 leaves would be slow to build; reads only depend on
  // the shape, so serve every node with a constant and count the reads.
  size_t reads = 0;
  NodeReader counting = [&reads](uint8_t, uint64_t) -> Result<Hash256> {
    ++reads;
    return Hash256{};
  };
  const uint64_t n = (uint64_t{1} << 40) + 987654321;
  for (uint64_t m : {uint64_t{0}, uint64_t{1} << 39, n - 1, uint64_t{123456789}}) {
    reads = 0;
    ASSERT_TRUE(InclusionProof(m, n, counting).ok());
    EXPECT_LE(reads, 41u * 41u) << m;
    reads = 0;
    ASSERT_TRUE(ConsistencyProof(m + 1, n, counting).ok());
    EXPECT_LE(reads, 41u * 41u) << m;
  }
  reads = 0;
  ASSERT_TRUE(RootAt(n, counting).ok());
  EXPECT_LE(reads, 41u);
}

TEST(MerkleProofs, MissingNodesAreReportedNotInvented) {
  Tree t = Grow(8);
  t.nodes.erase({2, 1});
  Result<Hash256> root = RootAt(8, t.Reader());  // reads node (3, 0) only
  EXPECT_TRUE(root.ok());
  Result<std::vector<Hash256>> proof = InclusionProof(0, 8, t.Reader());
  ASSERT_FALSE(proof.ok());
  EXPECT_TRUE(proof.status().IsNotFound());
  EXPECT_FALSE(RootAt(9, t.Reader()).ok());
}

TEST(MerkleProofs, PreconditionsAreChecked) {
  Tree t = Grow(4);
  EXPECT_EQ(InclusionProof(4, 4, t.Reader()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(0, 4, t.Reader()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(5, 4, t.Reader()).status().code(), Status::Code::kInvalidArgument);
}

// ---- Forged proofs ---------------------------------------------------------

// Every single change of an honest proof must be rejected.
std::vector<std::vector<Hash256>> Forgeries(const std::vector<Hash256>& proof) {
  std::vector<std::vector<Hash256>> out;
  for (size_t i = 0; i < proof.size(); ++i) {
    for (size_t bit : {size_t{0}, size_t{255}}) {
      std::vector<Hash256> f = proof;
      f[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      out.push_back(f);
    }
    std::vector<Hash256> removed = proof;
    removed.erase(removed.begin() + i);
    out.push_back(removed);
  }
  for (size_t i = 0; i <= proof.size(); ++i) {
    std::vector<Hash256> added = proof;
    added.insert(added.begin() + i, LeafNo(999));
    out.push_back(added);
  }
  if (proof.size() >= 2) {
    std::vector<Hash256> swapped = proof;
    std::swap(swapped.front(), swapped.back());
    if (swapped != proof) out.push_back(swapped);
  }
  return out;
}

TEST(MerkleForgery, AlteredInclusionProofsAreRejected) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n : {uint64_t{1}, uint64_t{2}, uint64_t{7}, uint64_t{8}, uint64_t{33}, kMaxSize}) {
    const Leaves d = Slice(t.leaves, 0, n);
    const Hash256 root = Mth(d);
    for (uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash256> proof = Path(m, d);
      for (const auto& forged : Forgeries(proof)) {
        EXPECT_FALSE(VerifyInclusion(m, n, d[m], forged, root).ok()) << m << "/" << n;
      }
      // Wrong index or size: rejected unless it is the very same computation.
      for (uint64_t other = 0; other < n; ++other) {
        if (other == m) continue;
        EXPECT_EQ(VerifyInclusion(other, n, d[m], proof, root).ok(), PathShape(other, n) == PathShape(m, n))
            << m << "->" << other << "/" << n;
      }
      for (uint64_t size = m + 1; size <= kMaxSize + 1; ++size) {
        if (size == n) continue;
        EXPECT_EQ(VerifyInclusion(m, size, d[m], proof, root).ok(), PathShape(m, size) == PathShape(m, n))
            << m << "/" << n << "->" << size;
      }
      for (uint64_t size = 0; size <= m; ++size) EXPECT_FALSE(VerifyInclusion(m, size, d[m], proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(m, n, LeafNo(999), proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(m, n, d[m], proof, LeafNo(999)).ok());
      EXPECT_FALSE(VerifyInclusion(n, n, d[m], proof, root).ok());
    }
  }
}

TEST(MerkleForgery, AlteredConsistencyProofsAreRejected) {
  Tree t = Grow(kMaxSize);
  for (uint64_t n : {uint64_t{2}, uint64_t{7}, uint64_t{8}, uint64_t{33}, kMaxSize}) {
    const Leaves d = Slice(t.leaves, 0, n);
    const Hash256 root_n = Mth(d);
    for (uint64_t m = 1; m < n; ++m) {
      const Hash256 root_m = Mth(Slice(d, 0, m));
      const std::vector<Hash256> proof = Proof(m, d);
      for (const auto& forged : Forgeries(proof)) {
        EXPECT_FALSE(VerifyConsistency(m, n, root_m, root_n, forged).ok()) << m << "/" << n;
      }
      EXPECT_FALSE(VerifyConsistency(m, n, LeafNo(999), root_n, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, root_m, LeafNo(999), proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, root_n, root_m, proof).ok());
      EXPECT_FALSE(VerifyConsistency(n, m, root_n, root_m, proof).ok());
      // The same hashes claimed for other sizes: rejected unless it is the
      // very same computation.
      for (uint64_t other = 1; other < n; ++other) {
        if (other == m) continue;
        EXPECT_EQ(VerifyConsistency(other, n, root_m, root_n, proof).ok(), ProofShape(other, n) == ProofShape(m, n))
            << m << "->" << other << "/" << n;
      }
      for (uint64_t size = m + 1; size <= kMaxSize + 1; ++size) {
        if (size == n) continue;
        EXPECT_EQ(VerifyConsistency(m, size, root_m, root_n, proof).ok(), ProofShape(m, size) == ProofShape(m, n))
            << m << "/" << n << "->" << size;
      }
    }
  }
  // Equal sizes: only the same root, with no hashes.
  const Hash256 r = Mth(Slice(t.leaves, 0, 5));
  EXPECT_TRUE(VerifyConsistency(5, 5, r, r, {}).ok());
  EXPECT_FALSE(VerifyConsistency(5, 5, r, LeafNo(1), {}).ok());
  EXPECT_FALSE(VerifyConsistency(5, 5, r, r, {r}).ok());
}

}  // namespace
}  // namespace redledger::merkle
