#include <gtest/gtest.h>

#include <map>

#include "redledger/checkpoint.h"
#include "redledger/merkle.h"

namespace redledger {
namespace {

// A tree of `n` leaves held in a map, with checkpoints of any size.
struct SmallLog {
  std::map<std::pair<uint8_t, uint64_t>, Hash256> nodes;
  std::vector<Hash256> leaves;

  explicit SmallLog(uint64_t n) {
    merkle::CompactRange range;
    for (uint64_t i = 0; i < n; ++i) {
      leaves.push_back(merkle::HashLeaf("event " + std::to_string(i)));
      for (const merkle::Node& node : range.Append(leaves.back())) nodes[{node.level, node.index}] = node.hash;
    }
  }
  merkle::NodeReader Reader() const {
    return [this](uint8_t level, uint64_t index) -> Result<Hash256> {
      auto it = nodes.find({level, index});
      if (it == nodes.end()) return Status::NotFound("no node");
      return it->second;
    };
  }
  Checkpoint At(uint64_t size) const { return Checkpoint{"redledger", size, *merkle::RootAt(size, Reader()), 0}; }
};

TEST(ProofJson, InclusionIsCanonicalAndRoundTrips) {
  InclusionProofData p{5, 12, {merkle::HashLeaf("a"), merkle::HashLeaf("b")}};
  const std::string json = ProofJson(p);
  EXPECT_EQ(json, "{\"hashes\":[\"" + HexEncode(p.hashes[0]) + "\",\"" + HexEncode(p.hashes[1]) +
                      "\"],\"leaf_index\":5,\"tree_size\":12}");
  Result<InclusionProofData> back = ParseInclusionProofJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  // Key order and whitespace do not matter when reading.
  Result<InclusionProofData> spaced =
      ParseInclusionProofJson(" { \"tree_size\" : 1 , \"leaf_index\" : 0 , \"hashes\" : [ ] } ");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(*spaced, (InclusionProofData{0, 1, {}}));
}

TEST(ProofJson, ConsistencyIsCanonicalAndRoundTrips) {
  ConsistencyProofData p{3, 7, {merkle::HashLeaf("c")}};
  const std::string json = ProofJson(p);
  EXPECT_EQ(json, "{\"from_size\":3,\"hashes\":[\"" + HexEncode(p.hashes[0]) + "\"],\"to_size\":7}");
  Result<ConsistencyProofData> back = ParseConsistencyProofJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(ProofJson, MalformedProofsNameTheField) {
  EXPECT_EQ(ParseInclusionProofJson("{").status().code(), Status::Code::kInvalidJson);
  EXPECT_EQ(ParseInclusionProofJson("[]").status().code(), Status::Code::kInvalidArgument);
  const std::string h = std::string(1, '"').append(HexEncode(merkle::HashLeaf("a"))).append(1, '"');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"tree_size\":1,\"hashes\":[]}", "leaf_index"},
      {"{\"leaf_index\":-1,\"tree_size\":1,\"hashes\":[]}", "leaf_index"},
      {"{\"leaf_index\":\"0\",\"tree_size\":1,\"hashes\":[]}", "leaf_index"},
      {"{\"leaf_index\":0.5,\"tree_size\":1,\"hashes\":[]}", "leaf_index"},
      {"{\"leaf_index\":0,\"hashes\":[]}", "tree_size"},
      {"{\"leaf_index\":0,\"tree_size\":1}", "hashes"},
      {"{\"leaf_index\":0,\"tree_size\":1,\"hashes\":{}}", "hashes"},
      {"{\"leaf_index\":0,\"tree_size\":1,\"hashes\":[" + h + ",1]}", "hashes[1]"},
      {"{\"leaf_index\":0,\"tree_size\":1,\"hashes\":[\"abcd\"]}", "hashes[0]"},
  };
  for (const auto& [json, field] : cases) {
    Status s = ParseInclusionProofJson(json).status();
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << json;
    EXPECT_EQ(s.field(), field) << json;
  }
  EXPECT_EQ(ParseConsistencyProofJson("{\"from_size\":1,\"hashes\":[]}").status().field(), "to_size");
}

TEST(ProofJson, ProofsCheckAgainstCheckpoints) {
  const SmallLog log(13);
  for (uint64_t n = 1; n <= 13; ++n) {
    const Checkpoint newer = log.At(n);
    for (uint64_t i = 0; i < n; ++i) {
      InclusionProofData p{i, n, *merkle::InclusionProof(i, n, log.Reader())};
      Result<InclusionProofData> parsed = ParseInclusionProofJson(ProofJson(p));
      ASSERT_TRUE(parsed.ok());
      EXPECT_TRUE(CheckInclusion(*parsed, log.leaves[i], newer).ok()) << i << "/" << n;
      if (n > 1) {
        EXPECT_FALSE(CheckInclusion(*parsed, log.leaves[(i + 1) % n], newer).ok()) << i << "/" << n;
      }
    }
    for (uint64_t m = 1; m <= n; ++m) {
      ConsistencyProofData p{m, n, *merkle::ConsistencyProof(m, n, log.Reader())};
      Result<ConsistencyProofData> parsed = ParseConsistencyProofJson(ProofJson(p));
      ASSERT_TRUE(parsed.ok());
      EXPECT_TRUE(CheckConsistency(*parsed, log.At(m), newer).ok()) << m << "/" << n;
    }
  }
}

TEST(ProofJson, ProofsForOtherSizesThanTheCheckpointsAreRejected) {
  const SmallLog log(13);
  // The proof's claimed size must be the checkpoint's.
  InclusionProofData p{0, 5, *merkle::InclusionProof(0, 5, log.Reader())};
  EXPECT_TRUE(CheckInclusion(p, log.leaves[0], log.At(5)).ok());
  Status s = CheckInclusion(p, log.leaves[0], log.At(6));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption());
  ConsistencyProofData c{4, 6, *merkle::ConsistencyProof(4, 6, log.Reader())};
  EXPECT_TRUE(CheckConsistency(c, log.At(4), log.At(6)).ok());
  EXPECT_FALSE(CheckConsistency(c, log.At(4), log.At(8)).ok());
  EXPECT_FALSE(CheckConsistency(c, log.At(3), log.At(6)).ok());
  // A checkpoint with another root at the same size: rejected.
  Checkpoint forked = log.At(6);
  forked.root[0] ^= 1;
  EXPECT_FALSE(CheckConsistency(c, log.At(4), forked).ok());
  EXPECT_FALSE(
      CheckInclusion(InclusionProofData{0, 6, *merkle::InclusionProof(0, 6, log.Reader())}, log.leaves[0], forked)
          .ok());
}

}  // namespace
}  // namespace redledger
