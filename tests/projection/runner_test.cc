// The runner's properties: incremental equals rebuild (fresh and in place),
// resuming from the checkpoint after a stop or a kill -9 with no event
// applied twice, read-your-writes waits and change notices.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "projection/fixture.h"

extern char** environ;

namespace redledger::testing {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> DumpAll(const ReadModels& v, const Driver& d) {
  auto out = DumpReadModels(v, d, std::nullopt);
  auto more = DumpUnversioned(v, d);
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

// Compares element by element so that a failure names the first difference.
void ExpectSameDumps(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(SameAnswer(a[i], b[i])) << "answer #" << i;
}

using RunnerTest = ProjectionFixture;

TEST_F(RunnerTest, IncrementalEqualsRebuild) {
  auto live = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 1);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 1200);
  CatchUp(*live);
  auto live_dump = DumpAll(live->views(), d);

  auto rebuilt = OpenRunner("rebuilt");
  CatchUp(*rebuilt);
  ExpectSameDumps(live_dump, DumpAll(rebuilt->views(), d));

  // The workload reached every corner the dumps compare.
  int64_t closed = 0, overdue_ever = 0, resolutions = 0;
  for (const std::string& s : d.site_ids()) {
    auto l = live->views().Ledger(s, std::nullopt);
    ASSERT_TRUE(l.ok());
    closed += l->counts.closed;
    resolutions += static_cast<int64_t>(l->recent_resolutions.size());
  }
  DemandQuery od;
  od.overdue = true;
  for (uint64_t p = 1; p <= store_->Head() && overdue_ever == 0; p += 50) {
    od.as_of = p;
    overdue_ever += static_cast<int64_t>(live->views().Demands(od)->items.size());
  }
  EXPECT_GT(closed, 0);
  EXPECT_GT(resolutions, 0);
  EXPECT_GT(overdue_ever, 0);
}

TEST_F(RunnerTest, RebuildInPlaceSwapsWithoutDowntime) {
  auto runner = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 2);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 600);
  CatchUp(*runner);
  for (const auto& info : runner->Info()) ASSERT_TRUE(runner->Rebuild(info.name).ok()) << info.name;
  EXPECT_EQ(runner->Rebuild("ledger").code(), Status::Code::kUnavailable);
  EXPECT_EQ(runner->Rebuild("nope").code(), Status::Code::kNotFound);
  // Commands and queries go on while the copies build.
  bool rebuilding = true;
  for (int i = 0; i < 2000 && rebuilding; ++i) {
    Steps(d, 2);
    CatchUp(*runner);
    DemandQuery q;
    q.site_id = "s1";
    ASSERT_TRUE(runner->views().Demands(q).ok());
    rebuilding = false;
    for (const auto& info : runner->Info()) rebuilding |= info.rebuilding;
  }
  ASSERT_FALSE(rebuilding);
  CatchUp(*runner);
  auto fresh = OpenRunner("fresh");
  CatchUp(*fresh);
  ExpectSameDumps(DumpAll(fresh->views(), d), DumpAll(runner->views(), d));
  // The swapped-in copies survive a restart.
  runner.reset();
  runner = OpenRunner("live", SmallOptions());
  CatchUp(*runner);
  ExpectSameDumps(DumpAll(fresh->views(), d), DumpAll(runner->views(), d));
}

TEST_F(RunnerTest, ResumesFromCheckpointAfterStop) {
  ProjectionOptions o = SmallOptions();
  o.batch_events = 10;
  auto runner = OpenRunner("live", o);
  Driver d(store_.get(), vault_.get(), &clock_, 3);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 400);
  CatchUp(*runner);
  uint64_t checkpoint = runner->Applied();
  runner.reset();
  Steps(d, 400);  // appended while no projection runs
  ASSERT_GT(store_->Head(), checkpoint);
  runner = OpenRunner("live", o);
  // It starts at its checkpoint, not at position 1 (batches of 10 could not
  // have replayed `checkpoint` events by now).
  for (const auto& info : runner->Info()) EXPECT_GE(info.applied, checkpoint) << info.name;
  CatchUp(*runner);
  auto fresh = OpenRunner("fresh");
  CatchUp(*fresh);
  ExpectSameDumps(DumpAll(fresh->views(), d), DumpAll(runner->views(), d));
}

// Runs in a child process (see KilledMidBatchResumesExactly): catches up with
// tiny batches, says "ready" on stdout halfway, and waits to be killed.
TEST(RunnerCrashChild, CatchUpUntilKilled) {
  const char* dir = std::getenv("REDLEDGER_PROJECTION_CHILD_DIR");
  if (!dir) GTEST_SKIP() << "runs only as the child of RunnerTest.KilledMidBatchResumesExactly";
  StoreOptions so;
  so.sync = false;
  auto store = OpenRocksEventStore(std::string(dir) + "/store", so);
  ASSERT_TRUE(store.ok());
  ProjectionOptions o;
  o.batch_events = 3;
  o.demand_cache_entries = 4;
  auto runner = ProjectionRunner::Open(store->get(), std::string(dir) + "/live", o);
  ASSERT_TRUE(runner.ok());
  uint64_t target = (*runner)->Applied() + ((*store)->Head() - (*runner)->Applied()) / 2;
  while ((*runner)->Applied() < target) std::this_thread::sleep_for(milliseconds(1));
  ASSERT_EQ(write(1, "ready\n", 6), 6);
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

TEST_F(RunnerTest, KilledMidBatchResumesExactly) {
  Driver d(store_.get(), vault_.get(), &clock_, 4);
  ASSERT_TRUE(d.Setup().ok());
  Steps(d, 800);
  // Close the store so that the child can open it.
  auto head = store_->Head();
  d.Close();
  CloseStore();
  for (int round = 0; round < 3; ++round) {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string filter = "--gtest_filter=RunnerCrashChild.CatchUpUntilKilled";
    char* argv[] = {self.data(), filter.data(), nullptr};
    std::vector<std::string> env_strings = {"REDLEDGER_PROJECTION_CHILD_DIR=" + dir_.string()};
    for (char** e = environ; *e; ++e) env_strings.push_back(*e);
    std::vector<char*> env;
    for (auto& s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, self.c_str(), &fa, nullptr, argv, env.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    std::string said;
    char buf[256];
    ssize_t n;
    while (said.find("ready") == std::string::npos && (n = read(out[0], buf, sizeof buf)) > 0) said.append(buf, n);
    ::kill(pid, SIGKILL);  // lands in the middle of some batch
    int status = 0;
    waitpid(pid, &status, 0);
    close(out[0]);
    ASSERT_NE(said.find("ready"), std::string::npos) << "child output: " << said;
  }
  OpenStore();
  ASSERT_EQ(store_->Head(), head);
  auto runner = OpenRunner("live");
  CatchUp(*runner);
  auto fresh = OpenRunner("fresh");
  CatchUp(*fresh);
  // Counts would differ if a batch had been applied twice or skipped.
  ExpectSameDumps(DumpAll(fresh->views(), d), DumpAll(runner->views(), d));
}

TEST_F(RunnerTest, ReadYourWrites) {
  auto runner = OpenRunner("live", SmallOptions());
  Driver d(store_.get(), vault_.get(), &clock_, 5);
  ASSERT_TRUE(d.Setup().ok());
  for (int i = 0; i < 300; ++i) {
    Steps(d, 1);
    ASSERT_TRUE(runner->WaitFor(store_->Head(), std::chrono::seconds(10)).ok());
    int64_t total = 0;
    for (const std::string& s : d.site_ids()) total += runner->views().Ledger(s, std::nullopt)->total;
    ASSERT_EQ(total, static_cast<int64_t>(d.demand_ids().size())) << "step " << i;
  }
}

TEST_F(RunnerTest, WaitForTimesOutThenSucceeds) {
  auto runner = OpenRunner("live");
  Driver d(store_.get(), vault_.get(), &clock_, 6);
  ASSERT_TRUE(d.Setup().ok());
  uint64_t next = store_->Head() + 1;
  auto start = std::chrono::steady_clock::now();
  Status st = runner->WaitFor(next, milliseconds(100));
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(100));
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    while (store_->Head() < next) ASSERT_TRUE(d.Step().ok());  // a refused command appends nothing
  });
  EXPECT_TRUE(runner->WaitFor(next, std::chrono::seconds(10)).ok());
  writer.join();
  EXPECT_GE(runner->Applied(), next);
}

TEST_F(RunnerTest, SubscribersHearDemandAndLedgerChanges) {
  auto runner = OpenRunner("live");
  std::mutex mu;
  std::vector<ProjectionChange> heard;
  runner->Subscribe([&](const std::vector<ProjectionChange>& c) {
    std::lock_guard<std::mutex> l(mu);
    heard.insert(heard.end(), c.begin(), c.end());
  });
  Driver d(store_.get(), vault_.get(), &clock_, 7);
  ASSERT_TRUE(d.Setup().ok());
  while (d.demand_ids().empty()) Steps(d, 1);
  CatchUp(*runner);
  std::lock_guard<std::mutex> l(mu);
  bool demand = false, ledger = false;
  for (const auto& c : heard) {
    demand |= c.kind == ProjectionChange::Kind::kDemand && c.id == d.demand_ids()[0];
    ledger |= c.kind == ProjectionChange::Kind::kLedger && (c.id == "s1" || c.id == "s2");
    EXPECT_GT(c.position, 0u);
  }
  EXPECT_TRUE(demand);
  EXPECT_TRUE(ledger);
}

}  // namespace
}  // namespace redledger::testing
