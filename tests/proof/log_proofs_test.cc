// Proofs served from both store implementations check against checkpoints
// an inspector would hold.
#include "redledger/log_proofs.h"

#include <gtest/gtest.h>

#include "proof/log_test_util.h"

namespace redledger {
namespace {

using testing::CheckpointOf;
using testing::kLogEvents;

template <typename Kind>
class LogProofsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.sync = false;
    Result<std::unique_ptr<EventStore>> store = kind_.Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Kind kind_;
  std::unique_ptr<EventStore> store_;
};
TYPED_TEST_SUITE(LogProofsTest, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(LogProofsTest, HeadCheckpointSignsTheCurrentTree) {
  Result<Checkpoint> empty = HeadCheckpoint(*this->store_, "redledger", 5);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, (Checkpoint{"redledger", 0, merkle::EmptyRoot(), 5}));
  testing::FillLog(this->store_.get());
  Result<Checkpoint> head = HeadCheckpoint(*this->store_, "redledger", 7);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, kLogEvents);
  EXPECT_EQ(head->root, CheckpointOf(*this->store_, kLogEvents).root);
  EXPECT_EQ(head->time, 7);

  testing::TempDir dir;
  Result<std::unique_ptr<Signer>> signer = Signer::Open(dir.path() + "/k", "redledger");
  ASSERT_TRUE(signer.ok());
  Result<std::string> note = (*signer)->Sign(*head);
  ASSERT_TRUE(note.ok());
  Result<Checkpoint> verified = VerifyCheckpoint(*note, (*signer)->VerifierKey());
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(*verified, *head);
}

TYPED_TEST(LogProofsTest, EveryEventIsProvablyInEveryLaterTree) {
  testing::FillLog(this->store_.get());
  for (uint64_t size : {uint64_t{1}, uint64_t{7}, uint64_t{16}, uint64_t{33}, kLogEvents}) {
    const Checkpoint c = CheckpointOf(*this->store_, size);
    for (uint64_t position = 1; position <= size; ++position) {
      Result<InclusionProofData> proof = ProveInclusion(*this->store_, position, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_EQ(proof->leaf_index, position - 1);
      Result<InclusionProofData> parsed = ParseInclusionProofJson(ProofJson(*proof));
      ASSERT_TRUE(parsed.ok());
      Result<Envelope> event = this->store_->ReadAt(position);
      ASSERT_TRUE(event.ok());
      EXPECT_TRUE(CheckInclusion(*parsed, event->hash, c).ok()) << position << "/" << size;
    }
  }
}

TYPED_TEST(LogProofsTest, EveryTreeExtendsEveryEarlierOne) {
  testing::FillLog(this->store_.get());
  for (uint64_t to = 1; to <= kLogEvents; to += 3) {
    for (uint64_t from = 1; from <= to; ++from) {
      Result<ConsistencyProofData> proof = ProveConsistency(*this->store_, from, to);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      Result<ConsistencyProofData> parsed = ParseConsistencyProofJson(ProofJson(*proof));
      ASSERT_TRUE(parsed.ok());
      EXPECT_TRUE(CheckConsistency(*parsed, CheckpointOf(*this->store_, from), CheckpointOf(*this->store_, to)).ok())
          << from << "->" << to;
    }
  }
}

TYPED_TEST(LogProofsTest, ArgumentsOutsideTheLogAreRefusedByField) {
  testing::FillLog(this->store_.get());
  auto field = [](const Status& s) { return s.code() == Status::Code::kInvalidArgument ? s.field() : "not invalid"; };
  EXPECT_EQ(field(ProveInclusion(*this->store_, 0, 5).status()), "position");
  EXPECT_EQ(field(ProveInclusion(*this->store_, 6, 5).status()), "position");
  EXPECT_EQ(field(ProveInclusion(*this->store_, 1, kLogEvents + 1).status()), "tree_size");
  EXPECT_EQ(field(ProveConsistency(*this->store_, 0, 5).status()), "from_size");
  EXPECT_EQ(field(ProveConsistency(*this->store_, 6, 5).status()), "from_size");
  EXPECT_EQ(field(ProveConsistency(*this->store_, 1, kLogEvents + 1).status()), "to_size");
}

}  // namespace
}  // namespace redledger
