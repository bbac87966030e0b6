// The command line itself: --help and bad flags everywhere, verify over a
// tampered store, replay as of a position, show and tail.
#include <rocksdb/db.h>

#include <filesystem>
#include <thread>

#include "cli/cli_fixture.h"
#include "redledger/codec.h"
#include "redledger/score_projection.h"
#include "store/rocks_event_store.h"

namespace redledger::testing {
namespace {

const std::vector<std::string> kCommands = {"export", "verify-export", "import", "verify", "proof", "replay",
                                            "backup", "restore",       "show",   "tail",   "seed"};

TEST(CliTest, EveryCommandHasHelpAndRefusesUnknownFlags) {
  for (const std::string& c : kCommands) {
    CliRun help = Cli({c, "--help"});
    EXPECT_EQ(help.code, 0) << c;
    EXPECT_EQ(help.out.rfind("redledger " + c, 0), 0u) << c << ": " << help.out;
    CliRun bad = Cli({c, "--no-such-flag", "x"});
    EXPECT_EQ(bad.code, 2) << c;
    EXPECT_NE(bad.err.find("redledger " + c), std::string::npos) << c << ": " << bad.err;
  }
  EXPECT_EQ(Cli({"proof", "check", "--no-such-flag"}).code, 2);
  EXPECT_EQ(Cli({}).code, 2);
  CliRun unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command"), std::string::npos);
  CliRun overview = Cli({"--help"});
  EXPECT_EQ(overview.code, 0);
  for (const std::string& c : kCommands) EXPECT_NE(overview.out.find("redledger " + c), std::string::npos) << c;
  // Missing and malformed values.
  EXPECT_EQ(Cli({"export", "--data-dir"}).code, 2);
  EXPECT_EQ(Cli({"export", "--data-dir", "/nonexistent", "--from", "x", "--to", "3"}).code, 2);
  EXPECT_EQ(Cli({"verify"}).code, 2);
  EXPECT_EQ(Cli({"verify", "--data-dir", "/nonexistent"}).code, 1);
}

class CliStoreTest : public CliFixture {};

TEST_F(CliStoreTest, VerifyDetectsAFlippedByteAndARewrittenHistory) {
  Fill(40);
  const uint64_t head = store_->Head();
  const std::string checkpoint = SignedCheckpointFile(*store_, head, "kept.checkpoint");
  CliRun ok = Cli({"verify", "--data-dir", data_dir(), "--public-key", PublicKey(), "--trusted-checkpoint", checkpoint});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find(std::to_string(head) + " events"), std::string::npos) << ok.out;
  CloseAll();

  {  // An attacker with disk access flips a byte of event 7's data.
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {{rocksdb::kDefaultColumnFamilyName, {}}};
    for (const std::string& name : store::RocksColumnFamilyNames()) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), data_dir() + "/log", cfs, &handles, &db).ok());
    std::string key;
    PutBigEndian64(&key, 7);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[1], key, &value).ok());
    Result<Envelope> e = DecodeEnvelope(value);
    ASSERT_TRUE(e.ok());
    e->data[e->data.size() / 2] ^= 0x01;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], key, EncodeEnvelope(*e)).ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    delete db;
  }
  CliRun bad = Cli({"verify", "--data-dir", data_dir()});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("first bad position: 7"), std::string::npos) << bad.err;
  // A checkpoint signed with another key is refused before the log is read.
  Result<std::unique_ptr<Signer>> other = Signer::Open(Path("other.key"), "redledger");
  ASSERT_TRUE(other.ok());
  CliRun wrong = Cli({"verify", "--data-dir", data_dir(), "--public-key", Path("other.key.pub"), "--trusted-checkpoint", checkpoint});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("kept.checkpoint"), std::string::npos) << wrong.err;
}

// The ledger and notice a replay prints equal the live read models' as_of
// answers at that position, and the replayed directory's read models equal
// every as_of answer there.
TEST_F(CliStoreTest, ReplayAtAPositionEqualsTheAsOfAnswers) {
  Fill(120);
  const uint64_t until = store_->Head() / 2;
  const std::string site = driver_->site_ids()[0];
  Result<Envelope> last = store_->ReadAt(until);
  ASSERT_TRUE(last.ok());
  const CivilMonth month = MonthAt(last->recorded_at, 8 * 60);

  Result<std::unique_ptr<ProjectionRunner>> live = ProjectionRunner::Open(store_.get(), Path("live"), ProjectionOptions{});
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE((*live)->WaitFor(store_->Head(), std::chrono::seconds(30)).ok());
  Result<SiteLedger> ledger = (*live)->views().Ledger(site, until);
  ASSERT_TRUE(ledger.ok());
  ScoreProjection scores(store_.get());
  Result<std::string> notice = scores.Notice(month, until);
  ASSERT_TRUE(notice.ok());

  CliRun r = Cli({"replay", "--data-dir", data_dir(), "--until", std::to_string(until), "--out", Path("then"), "--site",
                  site, "--period", FormatMonth(month)});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\n" + SiteLedgerJson(*ledger) + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n" + *notice + "\n"), std::string::npos) << r.out;

  std::vector<std::string> as_of = DumpReadModels((*live)->views(), *driver_, until);
  Result<std::unique_ptr<EventStore>> then = OpenRocksEventStore(Path("then") + "/log", StoreOptions{.sync = false});
  ASSERT_TRUE(then.ok());
  EXPECT_EQ((*then)->Head(), until);
  std::vector<std::string> replayed = Dump(then->get(), Path("then") + "/projections", std::nullopt);
  ASSERT_EQ(as_of.size(), replayed.size());
  for (size_t i = 0; i < as_of.size(); ++i) EXPECT_TRUE(SameAnswer(as_of[i], replayed[i])) << i;

  // A time means the last position recorded at or before it.
  CliRun by_time = Cli({"replay", "--data-dir", data_dir(), "--until", FormatRfc3339(last->recorded_at), "--out",
                        Path("then2")});
  ASSERT_EQ(by_time.code, 0) << by_time.err;
  Result<Envelope> next = store_->ReadAt(until + 1);
  ASSERT_TRUE(next.ok());
  if (next->recorded_at > last->recorded_at) {
    EXPECT_NE(by_time.out.find("1.." + std::to_string(until) + " "), std::string::npos) << by_time.out;
  }
  EXPECT_EQ(Cli({"replay", "--data-dir", data_dir(), "--until", std::to_string(store_->Head() + 1), "--out",
                 Path("then3")}).code, 2);
}

TEST(CliSeedTest, SeedsAnEmptyDataDirectoryWhoseLogVerifiesAndRefusesAgain) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/demo";
  CliRun r = Cli({"seed", "--data-dir", dir, "--demands", "30", "--months", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("RL_ADMIN=rl_"), std::string::npos) << r.out;  // tokens were issued
  EXPECT_EQ(Cli({"verify", "--data-dir", dir}).code, 0);
  CliRun again = Cli({"seed", "--data-dir", dir});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
}

TEST_F(CliStoreTest, ShowPrintsRangesAndStreamsAndTailFollowsNewEvents) {
  Fill(30);
  CliRun range = Cli({"show", "--data-dir", data_dir(), "--from", "2", "--to", "4"});
  ASSERT_EQ(range.code, 0) << range.err;
  EXPECT_EQ(range.out.rfind("#2  ", 0), 0u) << range.out;
  EXPECT_NE(range.out.find("\n#4  "), std::string::npos);
  EXPECT_EQ(range.out.find("#5  "), std::string::npos);

  const std::string stream = "demand-" + driver_->demand_ids()[0];
  CliRun s = Cli({"show", "--data-dir", data_dir(), "--stream", stream, "--json"});
  ASSERT_EQ(s.code, 0) << s.err;
  Result<std::vector<Envelope>> events = store_->ReadStream(stream, 1, EventStore::Direction::kForward, 1000);
  ASSERT_TRUE(events.ok());
  std::string expected;
  for (const Envelope& e : *events) expected += EnvelopeJson(e) + "\n";
  EXPECT_EQ(s.out, expected);

  // tail sees events appended after it started, by reopening its view.
  const uint64_t head = store_->Head();
  CliRun tailed;
  std::thread tail([&] {
    tailed = Cli({"tail", "--data-dir", data_dir(), "--after", std::to_string(head), "--count", "2", "--interval-ms", "20"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  while (store_->Head() < head + 2) ASSERT_TRUE(driver_->Step().ok());
  tail.join();
  ASSERT_EQ(tailed.code, 0) << tailed.err;
  EXPECT_EQ(tailed.out.rfind("#" + std::to_string(head + 1) + "  ", 0), 0u) << tailed.out;
  EXPECT_NE(tailed.out.find("\n#" + std::to_string(head + 2) + "  "), std::string::npos) << tailed.out;
}

}  // namespace
}  // namespace redledger::testing
