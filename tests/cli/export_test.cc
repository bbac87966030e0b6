// export → verify-export → import → verify, and every way a file can be damaged.
#include <filesystem>
#include <fstream>

#include "cli/cli_fixture.h"
#include "redledger/codec.h"
#include "redledger/log_proofs.h"

namespace redledger::testing {
namespace {

class ExportTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    Fill(120);
    head_ = store_->Head();
    ASSERT_GT(head_, 60u);
  }

  // Exports from..to into a file; returns its path.
  std::string Export(uint64_t from, uint64_t to, const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"export", "--data-dir", data_dir(), "--from", std::to_string(from), "--to",
                                     std::to_string(to), "--out", Path(name)};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return Path(name);
  }

  CliRun VerifyExport(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify-export", file, "--public-key", PublicKey()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }

  uint64_t head_ = 0;
};

TEST_F(ExportTest, ExportVerifyImportVerifyGivesIdenticalLogAndProjections) {
  const std::string file = Export(1, head_, "all.ndjson");
  std::vector<std::string> lines = ReadLines(file);
  ASSERT_EQ(lines.size(), head_ + 2);  // events, frontier, checkpoint
  EXPECT_EQ(lines[head_].rfind("{\"frontier\":", 0), 0u);
  EXPECT_EQ(lines[head_ + 1].rfind("{\"checkpoint\":", 0), 0u);

  CliRun verified = VerifyExport(file);
  ASSERT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("positions 1.." + std::to_string(head_)), std::string::npos);

  const std::string copy = Path("copy");
  CliRun imported = Cli({"import", "--data-dir", copy, file, "--public-key", PublicKey()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  CliRun verify = Cli({"verify", "--data-dir", copy});
  ASSERT_EQ(verify.code, 0) << verify.err;

  // Verbatim: positions, ids, times and hashes are the exported ones.
  Result<std::unique_ptr<EventStore>> copied = OpenRocksEventStore(copy + "/log", StoreOptions{.sync = false});
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  Result<std::vector<Envelope>> a = store_->ReadAll(0, head_), b = (*copied)->ReadAll(0, head_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);

  std::vector<std::string> original = Dump(store_.get(), Path("p1"), std::nullopt);
  std::vector<std::string> rebuilt = Dump(copied->get(), Path("p2"), std::nullopt);
  ASSERT_EQ(original.size(), rebuilt.size());
  ASSERT_FALSE(original.empty());
  for (size_t i = 0; i < original.size(); ++i) EXPECT_TRUE(SameAnswer(original[i], rebuilt[i])) << i;
}

// Line 5 of the export altered, removed, or swapped with line 6: named, and
// an import leaves the target store as it was.
TEST_F(ExportTest, DamagedLineIsRejectedWithItsNumber) {
  const std::string file = Export(1, head_, "all.ndjson");
  const std::vector<std::string> lines = ReadLines(file);
  std::vector<std::pair<std::string, std::vector<std::string>>> damaged;
  {
    std::vector<std::string> l = lines;
    size_t at = l[4].find("\"recorded_at\":\"") + 30;  // a digit of the time
    l[4][at] = l[4][at] == '1' ? '2' : '1';
    damaged.emplace_back("altered", l);
  }
  {
    std::vector<std::string> l = lines;
    l.erase(l.begin() + 4);
    damaged.emplace_back("removed", l);
  }
  {
    std::vector<std::string> l = lines;
    std::swap(l[4], l[5]);
    damaged.emplace_back("reordered", l);
  }
  for (const auto& [what, l] : damaged) {
    const std::string bad = Path(what + ".ndjson");
    WriteLines(bad, l);
    CliRun r = VerifyExport(bad);
    EXPECT_EQ(r.code, 1) << what;
    EXPECT_NE(r.err.find("line 5:"), std::string::npos) << what << ": " << r.err;

    const std::string target = Path("target-" + what);
    CliRun imported = Cli({"import", "--data-dir", target, bad});
    EXPECT_EQ(imported.code, 1) << what;
    EXPECT_NE(imported.err.find("line 5:"), std::string::npos) << what << ": " << imported.err;
    EXPECT_FALSE(std::filesystem::exists(target + "/log")) << what;
  }
  // A rewritten event with a fresh hash passes its line's check, not the root's.
  std::vector<std::string> l = lines;
  Result<Envelope> e = EnvelopeFromJson(l[4]);
  ASSERT_TRUE(e.ok());
  e->data = "{\"forged\":true}";
  e->hash = LeafHash(*e);
  l[4] = EnvelopeJson(*e);
  WriteLines(Path("rehashed.ndjson"), l);
  CliRun r = VerifyExport(Path("rehashed.ndjson"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("root recomputed"), std::string::npos) << r.err;
  // A truncated file (no checkpoint line) and another key are refused.
  l = lines;
  l.pop_back();
  WriteLines(Path("truncated.ndjson"), l);
  EXPECT_EQ(VerifyExport(Path("truncated.ndjson")).code, 1);
  Result<std::unique_ptr<Signer>> other = Signer::Open(Path("other.key"), "redledger");
  ASSERT_TRUE(other.ok());
  CliRun wrong_key = Cli({"verify-export", file, "--public-key", Path("other.key.pub")});
  EXPECT_EQ(wrong_key.code, 1);
  EXPECT_NE(wrong_key.err.find("checkpoint"), std::string::npos) << wrong_key.err;
}

TEST_F(ExportTest, ImportAtHeadPlusOneOfAStoreItExtends) {
  const uint64_t k = head_ / 2;
  const std::string first = Export(1, k, "first.ndjson");
  const std::string rest = Export(k + 1, head_, "rest.ndjson");
  const std::string copy = Path("copy");
  // The rest alone does not go into an empty store.
  CliRun early = Cli({"import", "--data-dir", copy, rest});
  EXPECT_EQ(early.code, 1);
  EXPECT_NE(early.err.find("head + 1"), std::string::npos) << early.err;

  ASSERT_EQ(Cli({"import", "--data-dir", copy, first, "--public-key", PublicKey()}).code, 0);
  CliRun second = Cli({"import", "--data-dir", copy, rest, "--public-key", PublicKey()});
  ASSERT_EQ(second.code, 0) << second.err;
  CliRun trusted = Cli({"verify", "--data-dir", copy, "--public-key", PublicKey(), "--trusted-checkpoint",
                        SignedCheckpointFile(*store_, head_, "head.checkpoint")});
  EXPECT_EQ(trusted.code, 0) << trusted.err;
  // Importing it again: the store's head has moved on.
  EXPECT_EQ(Cli({"import", "--data-dir", copy, rest}).code, 1);
}

TEST_F(ExportTest, ImportRefusesAStoreWithAnotherHistory) {
  const uint64_t k = head_ / 2;
  const std::string rest = Export(k + 1, head_, "rest.ndjson");
  // Another log of k events: the same streams, versions and times, one
  // event's data changed (and rehashed), so only the tree differs.
  std::vector<Envelope> events;
  for (const std::string& line : ReadLines(Export(1, k, "first.ndjson"))) {
    Result<Envelope> e = EnvelopeFromJson(line);
    if (e.ok()) events.push_back(*e);
  }
  ASSERT_EQ(events.size(), k);
  events[3].data = "{\"rewritten\":true}";
  events[3].hash = LeafHash(events[3]);
  const std::string other = Path("other");
  std::filesystem::create_directories(other);
  size_t next = 0;
  Result<uint64_t> imported = ImportEnvelopes(other + "/log", [&](Envelope* e) -> Result<bool> {
    if (next == events.size()) return false;
    *e = events[next++];
    return true;
  });
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  CliRun r = Cli({"import", "--data-dir", other, rest});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not extend"), std::string::npos) << r.err;
}

TEST_F(ExportTest, TrustedCheckpointsAreCheckedWithinTheRangeOrByConsistencyProof) {
  const std::string early = SignedCheckpointFile(*store_, 10, "c10.checkpoint");
  const std::string inside = SignedCheckpointFile(*store_, 40, "c40.checkpoint");
  // In the range (or at its frontier): checked against the recomputed root.
  const std::string file = Export(30, head_, "tail.ndjson");
  EXPECT_EQ(VerifyExport(file, {"--trusted-checkpoint", inside}).code, 0);
  // Before the range: needs the consistency line.
  CliRun missing = VerifyExport(file, {"--trusted-checkpoint", early});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("--consistency-from 10"), std::string::npos) << missing.err;
  const std::string proved = Export(30, head_, "proved.ndjson", {"--consistency-from", "10"});
  CliRun ok = VerifyExport(proved, {"--trusted-checkpoint", early, "--trusted-checkpoint", inside});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("2 trusted"), std::string::npos) << ok.out;

  // A re-signed rewritten history: same key, other root at size 10.
  Result<std::string> forged = signer_->Sign(Checkpoint{"redledger", 10, Sha256("forged"), kT0});
  ASSERT_TRUE(forged.ok());
  std::ofstream(Path("forged.checkpoint")) << *forged;
  EXPECT_EQ(VerifyExport(proved, {"--trusted-checkpoint", Path("forged.checkpoint")}).code, 1);
  Result<std::string> forged40 = signer_->Sign(Checkpoint{"redledger", 40, Sha256("forged"), kT0});
  std::ofstream(Path("forged40.checkpoint")) << *forged40;
  EXPECT_EQ(VerifyExport(proved, {"--trusted-checkpoint", Path("forged40.checkpoint")}).code, 1);
}

TEST_F(ExportTest, ProofCheckAcceptsGoodProofsAndRejectsForgedOnes) {
  const std::string newer = SignedCheckpointFile(*store_, head_, "newer.checkpoint");
  const std::string older = SignedCheckpointFile(*store_, 20, "older.checkpoint");
  Result<InclusionProofData> inclusion = ProveInclusion(*store_, 17, head_);
  Result<ConsistencyProofData> consistency = ProveConsistency(*store_, 20, head_);
  ASSERT_TRUE(inclusion.ok() && consistency.ok());
  std::ofstream(Path("inclusion.json")) << ProofJson(*inclusion);
  std::ofstream(Path("consistency.json")) << ProofJson(*consistency);
  Result<Envelope> e = store_->ReadAt(17);
  ASSERT_TRUE(e.ok());

  auto check_inclusion = [&](const std::string& leaf) {
    return Cli({"proof", "check", "--checkpoint", newer, "--public-key", PublicKey(), "--inclusion",
                Path("inclusion.json"), "--leaf-hash", leaf});
  };
  EXPECT_EQ(check_inclusion(HexEncode(e->hash)).code, 0);
  EXPECT_EQ(check_inclusion(HexEncode(Sha256("other"))).code, 1);
  CliRun c = Cli({"proof", "check", "--checkpoint", newer, "--public-key", PublicKey(), "--consistency",
                  Path("consistency.json"), "--older", older});
  EXPECT_EQ(c.code, 0) << c.err;
  consistency->hashes[0] = Sha256("forged");
  std::ofstream(Path("forged.json")) << ProofJson(*consistency);
  EXPECT_EQ(Cli({"proof", "check", "--checkpoint", newer, "--public-key", PublicKey(), "--consistency",
                 Path("forged.json"), "--older", older})
                .code,
            1);
}

}  // namespace
}  // namespace redledger::testing
