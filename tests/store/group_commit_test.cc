// The leader/follower group commit (src/store/group_commit.h), through both
// stores with durable writes: callers hand the planning and writing roles to
// each other, conflicts in one group fail alone, and callbacks and listeners
// hear commits after they happen, in commit order.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "redledger/event_store.h"
#include "store_test_util.h"

namespace redledger {
namespace {

using testing::One;
using testing::Part;

template <typename Kind>
class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.sync = true;
    auto opened = kind_.Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  Kind kind_;
  std::unique_ptr<EventStore> store_;
};

TYPED_TEST_SUITE(GroupCommitTest, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(GroupCommitTest, ConflictsInOneGroupFailAloneWhileCallersTakeTurnsCommitting) {
  constexpr int kThreads = 16, kAppends = 30;
  std::mutex mu;  // guards hot_versions, conflicts
  std::vector<uint64_t> hot_versions;
  int conflicts = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = "own-" + std::to_string(t);
      for (int i = 0; i < kAppends; ++i) {
        // Every thread reads the same published version of "hot", so appends
        // planned into one group conflict with each other.
        Result<uint64_t> hot = this->store_->StreamVersion("hot");
        ASSERT_TRUE(hot.ok());
        std::vector<AppendPart> parts;
        parts.push_back(Part("hot", ExpectedVersion::Exact(*hot)));
        parts.push_back(Part(own, ExpectedVersion::Any()));
        Result<AppendResult> r = this->store_->Append(std::move(parts));
        std::lock_guard<std::mutex> lock(mu);
        if (r.ok()) {
          hot_versions.push_back(r->stream_versions[0]);
          ASSERT_GE(this->store_->Head(), r->last_position) << "answered before it was published";
        } else {
          ASSERT_TRUE(r.status().IsVersionConflict()) << r.status().ToString();
          ++conflicts;
        }
        // Without the hot stream nothing conflicts: every one succeeds.
        Result<AppendResult> alone = this->store_->Append(One(own, ExpectedVersion::Any()));
        ASSERT_TRUE(alone.ok()) << alone.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::sort(hot_versions.begin(), hot_versions.end());
  for (size_t i = 0; i < hot_versions.size(); ++i) ASSERT_EQ(hot_versions[i], i + 1) << "a version won twice";
  EXPECT_EQ(*this->store_->StreamVersion("hot"), hot_versions.size());
  EXPECT_EQ(hot_versions.size() + conflicts, static_cast<size_t>(kThreads * kAppends));
  EXPECT_GT(conflicts, 0);
  Result<std::vector<Envelope>> all = this->store_->ReadAll(0, SIZE_MAX);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2 * hot_versions.size() + kThreads * kAppends);
}

TYPED_TEST(GroupCommitTest, CallbacksAndListenersRunAfterTheCommitInCommitOrder) {
  constexpr int kThreads = 8, kAppends = 40;
  std::mutex mu;  // guards the members below
  std::condition_variable cv;
  std::vector<uint64_t> callback_positions, notice_firsts, notice_lasts;
  int callbacks = 0;
  bool early = false;  // a callback or listener ran before its events were readable
  this->store_->AddListener([&](const CommitNotice& n) {
    std::lock_guard<std::mutex> lock(mu);
    early |= this->store_->Head() < n.last_position;
    notice_firsts.push_back(n.first_position);
    notice_lasts.push_back(n.last_position);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string stream = "s-" + std::to_string(t);
      for (int i = 0; i < kAppends; ++i) {
        if (i % 2 == 0) {
          // Answered by whichever caller commits next, or the fallback thread.
          this->store_->AppendAsync(One(stream, ExpectedVersion::Any()), [&](Result<AppendResult> r) {
            std::lock_guard<std::mutex> lock(mu);
            ASSERT_TRUE(r.ok()) << r.status().ToString();
            early |= this->store_->Head() < r->last_position;
            callback_positions.push_back(r->first_position);
            ++callbacks;
            cv.notify_all();
          });
        } else {
          ASSERT_TRUE(this->store_->Append(One(stream, ExpectedVersion::Any())).ok());
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return callbacks == kThreads * kAppends / 2; });
  EXPECT_FALSE(early);
  for (size_t i = 1; i < callback_positions.size(); ++i) {
    ASSERT_LT(callback_positions[i - 1], callback_positions[i]) << "callbacks out of commit order";
  }
  // Listeners hear every commit once, in order, without gaps.
  ASSERT_FALSE(notice_firsts.empty());
  EXPECT_EQ(notice_firsts.front(), 1u);
  for (size_t i = 1; i < notice_firsts.size(); ++i) ASSERT_EQ(notice_firsts[i], notice_lasts[i - 1] + 1);
  EXPECT_EQ(notice_lasts.back(), static_cast<uint64_t>(kThreads * kAppends));
}

TYPED_TEST(GroupCommitTest, AsyncAppendsWithNoCallerWaitingAreAnsweredBeforeClose) {
  constexpr int kAppends = 200;
  std::atomic<int> ok{0};
  for (int i = 0; i < kAppends; ++i) {
    this->store_->AppendAsync(One("s", ExpectedVersion::Exact(i)), [&ok](Result<AppendResult> r) {
      if (r.ok()) ok.fetch_add(1);
    });
  }
  this->store_.reset();  // the fallback thread commits what no caller will
  EXPECT_EQ(ok.load(), kAppends);
}

}  // namespace
}  // namespace redledger
