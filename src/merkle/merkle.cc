// RFC 6962 §2.1 tree heads and proofs over stored perfect subtrees.
//
// Every subtree the RFC's recursion visits is D[b:e) with b a multiple of a
// power of two >= e - b. Such a range is the concatenation of the perfect
// subtrees given by the set bits of e - b (largest first), each aligned to its
// own size, so its hash is a right fold of at most 64 stored nodes
// (RangeHash). Walking the recursion iteratively visits O(log n) ranges, hence
// O(log² n) reads per proof.
#include "redledger/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <string>

namespace redledger::merkle {
namespace {

// One fetched SHA-256 implementation and one context per thread: implicit
// fetching on every call costs more than the hash of 65 bytes itself.
class Sha256Hasher {
 public:
  Sha256Hasher() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha256Hasher() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  Hash256 Hash(uint8_t prefix, std::string_view a, std::string_view b = {}) {
    Hash256 out{};
    unsigned int len = 0;
    // These calls fail only on allocation failure, which the library cannot
    // report through the pure-function signatures: treat it as fatal.
    if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, &prefix, 1) != 1 ||
        EVP_DigestUpdate(ctx_, a.data(), a.size()) != 1 || EVP_DigestUpdate(ctx_, b.data(), b.size()) != 1 ||
        EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1) {
      std::abort();
    }
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

Sha256Hasher& Hasher() {
  thread_local Sha256Hasher hasher;
  return hasher;
}

std::string_view View(const Hash256& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

// Largest power of two strictly less than n; REQUIRES: n > 1.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Result<Hash256> ReadNode(const NodeReader& read, uint8_t level, uint64_t index) {
  Result<Hash256> h = read(level, index);
  if (!h.ok() && h.status().IsNotFound()) {
    return Status::NotFound("merkle node (level " + std::to_string(level) + ", index " + std::to_string(index) +
                            ") is not stored");
  }
  return h;
}

// MTH(D[begin:end]); REQUIRES: begin < end, begin aligned as described above.
// Folds the peaks from the right (smallest) one, so no list is built.
Result<Hash256> RangeHash(uint64_t begin, uint64_t end, const NodeReader& read) {
  const uint64_t len = end - begin;
  Hash256 root{};
  bool first = true;
  for (int level = 0; level < 64; ++level) {
    if ((len >> level & 1) == 0) continue;
    // The peak at `level` starts after the larger peaks: len's higher bits.
    const uint64_t start = begin + (level == 63 ? 0 : len >> (level + 1) << (level + 1));
    Result<Hash256> h = ReadNode(read, static_cast<uint8_t>(level), start >> level);
    if (!h.ok()) return h.status();
    root = first ? *h : HashChildren(*h, root);
    first = false;
  }
  return root;
}

// Stored node covering the perfect range [begin, begin + width).
Result<Hash256> PerfectHash(uint64_t begin, uint64_t width, const NodeReader& read) {
  const int level = std::countr_zero(width);
  return ReadNode(read, static_cast<uint8_t>(level), begin >> level);
}

Status ProofMismatch(const char* what) { return Status::Corruption(std::string(what) + " proof does not verify"); }

}  // namespace

Hash256 EmptyRoot() { return Sha256(""); }

Hash256 HashLeaf(std::string_view leaf_data) { return Hasher().Hash(0x00, leaf_data); }

Hash256 HashChildren(const Hash256& left, const Hash256& right) { return Hasher().Hash(0x01, View(left), View(right)); }

Result<CompactRange> CompactRange::Load(uint64_t size, const NodeReader& read) {
  CompactRange range;
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    Result<Hash256> h = ReadNode(read, static_cast<uint8_t>(level), pos >> level);
    if (!h.ok()) return h.status();
    range.peaks_.push_back(Node{static_cast<uint8_t>(level), pos >> level, *h});
    pos += width;
  }
  range.size_ = size;
  return range;
}

std::vector<Node> CompactRange::Append(const Hash256& leaf_hash) {
  std::vector<Node> completed;
  completed.push_back(Node{0, size_, leaf_hash});
  peaks_.push_back(completed.back());
  while (peaks_.size() >= 2 && peaks_[peaks_.size() - 2].level == peaks_.back().level) {
    const Node right = peaks_.back();
    peaks_.pop_back();
    Node& left = peaks_.back();
    left = Node{static_cast<uint8_t>(left.level + 1), left.index >> 1, HashChildren(left.hash, right.hash)};
    completed.push_back(left);
  }
  ++size_;
  return completed;
}

Hash256 CompactRange::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  Hash256 root = peaks_.back().hash;
  for (size_t i = peaks_.size() - 1; i-- > 0;) root = HashChildren(peaks_[i].hash, root);
  return root;
}

Result<Hash256> RootAt(uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, read);
}

Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read) {
  if (index >= size) {
    return Status::InvalidArgument("leaf index " + std::to_string(index) + " is not below tree size " +
                                   std::to_string(size));
  }
  // PATH(m, D[b:e]) descends into the half holding m and appends the other
  // half's hash; collected top-down, so reversed at the end.
  std::vector<Hash256> proof;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    Result<Hash256> sibling = index < begin + k ? RangeHash(begin + k, end, read) : PerfectHash(begin, k, read);
    if (!sibling.ok()) return sibling.status();
    proof.push_back(*sibling);
    if (index < begin + k) {
      end = begin + k;
    } else {
      begin += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash256>> ConsistencyProof(uint64_t m, uint64_t n, const NodeReader& read) {
  if (m == 0 || m > n) {
    return Status::InvalidArgument("consistency proof needs 0 < m <= n, got m = " + std::to_string(m) +
                                   ", n = " + std::to_string(n));
  }
  // SUBPROOF(m, D[b:e], whole): `whole` stays true while D[0:m] is the left
  // edge of the range, in which case its root is already known to the verifier.
  std::vector<Hash256> proof;
  uint64_t begin = 0;
  uint64_t end = n;
  bool whole = true;
  while (m != end) {
    const uint64_t k = SplitPoint(end - begin);
    const bool left = m <= begin + k;
    Result<Hash256> sibling = left ? RangeHash(begin + k, end, read) : PerfectHash(begin, k, read);
    if (!sibling.ok()) return sibling.status();
    proof.push_back(*sibling);
    if (left) {
      end = begin + k;
    } else {
      begin += k;
      whole = false;
    }
  }
  if (!whole) {
    Result<Hash256> subtree = RangeHash(begin, end, read);
    if (!subtree.ok()) return subtree.status();
    proof.push_back(*subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash256& leaf_hash, const std::vector<Hash256>& proof,
                       const Hash256& root) {
  if (index >= size) return Status::Corruption("inclusion proof: leaf index is not below the tree size");
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash256 r = leaf_hash;
  for (const Hash256& p : proof) {
    if (sn == 0) return ProofMismatch("inclusion");  // proof too long
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0 || r != root) return ProofMismatch("inclusion");
  return Status::OK();
}

Status VerifyConsistency(uint64_t m, uint64_t n, const Hash256& root_m, const Hash256& root_n,
                         const std::vector<Hash256>& proof) {
  if (m > n) return Status::Corruption("consistency proof: first size exceeds second size");
  // Every tree extends the empty tree, and a tree extends only itself at
  // equal size; neither case has proof hashes (RFC 9162 §2.1.4).
  if (m == 0) {
    if (!proof.empty() || root_m != EmptyRoot()) return ProofMismatch("consistency");
    return Status::OK();
  }
  if (m == n) {
    if (!proof.empty() || root_m != root_n) return ProofMismatch("consistency");
    return Status::OK();
  }
  if (proof.empty()) return ProofMismatch("consistency");
  std::vector<Hash256> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(m)) path.push_back(root_m);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = m - 1;
  uint64_t sn = n - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = path[0];
  Hash256 sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash256& c = path[i];
    if (sn == 0) return ProofMismatch("consistency");  // proof too long
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0 || fr != root_m || sr != root_n) return ProofMismatch("consistency");
  return Status::OK();
}

}  // namespace redledger::merkle
