// ScoreBook snapshots and the projection's checkpoint.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "redledger/score_projection.h"
#include "scoring/score_log.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

using testing::ScoreLog;
using testing::T;
using testing::TempDir;

constexpr CivilMonth kAug{2022, 8}, kSep{2022, 9};
constexpr Micros kH = kMicrosPerHour;

void Fill(ScoreLog* log) {
  const Micros t = T("2022-08-05T00:00:00Z");
  log->SetPolicy("2022-09", "+08:00",
                 R"({"on_time":0,"publicity":0,"reopen":0,"resolution":50,"response":50,"return":0,"satisfaction":0})",
                 800, t - kH);
  log->Site("a", "D", "S", t);
  log->Site("b", "D", "T", t);
  log->Activity("a", t, t);
  log->Raise("d1", "a", t, t + kH);
  log->Accept("d1", t, t + 10 * kH);
  log->Assign("d1", t, t + 10 * kH);
  log->Supervise("d1", t + kH, t + 20 * kH);
  log->Resolve("d1", t + 12 * kH);
  log->Evaluate("d1", "basically_satisfied", t + 13 * kH);
  log->Raise("d2", "b", t + 14 * kH, t + 15 * kH);
  log->Close("d2", "duplicate", t + 15 * kH);
  log->Raise("d3", "b", T("2022-09-02T00:00:00Z"), T("2022-09-03T00:00:00Z"));
  log->Publish("2022-08", 8, T("2022-09-02T00:00:00Z"));
}

TEST(Snapshot, RestoresAFoldThatAnswersAndContinuesIdentically) {
  ScoreLog log;
  Fill(&log);
  const uint64_t half = 7;
  ScoreBook partial;
  for (const Envelope& e : log.events())
    if (e.position <= half) ASSERT_TRUE(partial.Apply(e).ok());
  auto restored = ScoreBook::FromSnapshot(partial.Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->position(), half);
  for (const Envelope& e : log.events())
    if (e.position > half) ASSERT_TRUE(restored->Apply(e).ok());
  for (CivilMonth m : {kAug, kSep}) {
    for (uint64_t at : {uint64_t{3}, half, log.head()}) {
      EXPECT_EQ(ScoresJson(restored->Scores(m, at)), ScoresJson(log.book().Scores(m, at)));
      NoticeInfo a = restored->Notice(m, at), b = log.book().Notice(m, at);
      EXPECT_EQ(NoticeJson(a, restored->Scores(m, a.cutoff_position)), NoticeJson(b, log.book().Scores(m, b.cutoff_position)));
    }
  }
  EXPECT_EQ(restored->Snapshot(), log.book().Snapshot());
}

TEST(Snapshot, DamagedBytesAreCorruption) {
  ScoreLog log;
  Fill(&log);
  std::string bytes = log.book().Snapshot();
  for (size_t at : {size_t{2}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    std::string damaged = bytes;
    damaged[at] ^= 1;
    EXPECT_EQ(ScoreBook::FromSnapshot(damaged).status().code(), Status::Code::kCorruption) << at;
  }
  EXPECT_EQ(ScoreBook::FromSnapshot(bytes.substr(0, bytes.size() - 40)).status().code(), Status::Code::kCorruption);
}

class Checkpoint : public ::testing::Test {
 protected:
  Checkpoint() {
    StoreOptions options;
    options.clock = &clock_;
    store_ = NewMemoryEventStore(options);
    Fill(&log_);
    for (const Envelope& e : log_.events()) {
      clock_.Set(e.recorded_at);
      NewEvent n;
      n.type = e.type;
      n.event_id = NewUuidV4();
      n.actor = Actor{"p", "admin", std::nullopt};
      n.data = e.data;
      EXPECT_TRUE(store_->Append({AppendPart{e.stream, ExpectedVersion::Any(), {n}}}).ok());
    }
    options_.checkpoint_path = dir_.path() + "/scores.ckpt";
    options_.checkpoint_every = 1;
  }
  std::string ReadFile() {
    std::ifstream in(options_.checkpoint_path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void WriteFile(const std::string& bytes) {
    std::ofstream out(options_.checkpoint_path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // A checkpoint of `book` claiming the hash of the store's event at its position.
  std::string CheckpointOf(const ScoreBook& book, bool right_hash) {
    Hash256 h = store_->ReadAt(book.position())->hash;
    if (!right_hash) h[0] ^= 1;
    return std::string(reinterpret_cast<const char*>(h.data()), h.size()) + book.Snapshot();
  }
  // The raise of d1 (position 5) moved to site b: a fold no replay of this log gives.
  ScoreBook Altered() {
    ScoreBook book;
    for (Envelope e : log_.events()) {
      if (e.type == "demand.raised" && e.position == 5) e.data = R"({"demand_id":"d1","site_id":"b","response_due_at":)" + testing::Q(FormatRfc3339(e.recorded_at + kH)) + "}";
      EXPECT_TRUE(book.Apply(e).ok());
    }
    return book;
  }

  FakeClock clock_;
  std::unique_ptr<EventStore> store_;
  ScoreLog log_;
  TempDir dir_;
  ScoreProjectionOptions options_;
};

TEST_F(Checkpoint, IsWrittenAsItFoldsAndReadableAsASnapshot) {
  {
    ScoreProjection p(store_.get(), options_);
    ASSERT_TRUE(p.CatchUp().ok());
  }
  std::string file = ReadFile();
  ASSERT_GT(file.size(), 32u);
  auto book = ScoreBook::FromSnapshot(std::string_view(file).substr(32));
  ASSERT_TRUE(book.ok());
  EXPECT_EQ(book->position(), store_->Head());
  EXPECT_EQ(ScoresJson(book->Scores(kAug, store_->Head())), ScoresJson(log_.book().Scores(kAug, store_->Head())));
}

TEST_F(Checkpoint, ARestartResumesFromTheCheckpointInsteadOfReplaying) {
  WriteFile(CheckpointOf(Altered(), true));
  ScoreProjection p(store_.get(), options_);
  auto doc = p.SiteScores("b", kAug, std::nullopt);
  ASSERT_TRUE(doc.ok());
  EXPECT_NE(doc->find("\"raised\":1"), std::string::npos) << *doc;  // the checkpoint's state, not the log's
}

TEST_F(Checkpoint, OfAnotherLogOrDamagedItIsIgnored) {
  const std::string expected = ScoresJson(log_.book().Scores(kAug, store_->Head()));
  for (std::string bad : {CheckpointOf(Altered(), false), CheckpointOf(Altered(), true).substr(0, 100)}) {
    WriteFile(bad);
    ScoreProjection p(store_.get(), options_);
    EXPECT_EQ(*p.Scores(kAug, std::nullopt), expected);
  }
}

}  // namespace
}  // namespace redledger
