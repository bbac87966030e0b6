// What only the RocksDB store promises: persistence across reopen, read-only
// opens, detection of damaged values, and durability through a process kill
// and a simulated power cut.
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include "power_cut_fs.h"
#include "redledger/codec.h"
#include "redledger/event_store.h"
#include "store/rocks_event_store.h"
#include "store_test_util.h"

namespace redledger {
namespace {

using testing::One;
using testing::TempDir;

constexpr Micros kT0 = 1'658'390'400'000'000;

std::unique_ptr<EventStore> MustOpen(const std::string& dir, const StoreOptions& options = {},
                                     rocksdb::Env* env = nullptr) {
  auto store = store::OpenRocksEventStoreWithEnv(dir, options, env);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Checks the whole log: positions 1..head, each stream 1..n, hashes intact.
// Returns event id -> position.
std::map<std::string, uint64_t> CheckLog(EventStore& store) {
  std::map<std::string, uint64_t> ids;
  Result<std::vector<Envelope>> all = store.ReadAll(0, SIZE_MAX);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok()) return ids;
  EXPECT_EQ(all->size(), store.Head());
  std::map<std::string, uint64_t> versions;
  for (size_t i = 0; i < all->size(); ++i) {
    const Envelope& e = (*all)[i];
    EXPECT_EQ(e.position, i + 1);
    EXPECT_EQ(e.version, ++versions[e.stream]) << e.stream;
    ids[e.event_id] = e.position;
  }
  for (const auto& [stream, version] : versions) EXPECT_EQ(*store.StreamVersion(stream), version);
  return ids;
}

TEST(RocksEventStoreTest, ReopenKeepsLogIndexesTreeAndTime) {
  TempDir dir;
  FakeClock clock(kT0);
  StoreOptions options;
  options.clock = &clock;
  std::vector<AppendPart> first = One("a", ExpectedVersion::NoStream(), 3);
  Hash256 root;
  {
    auto store = MustOpen(dir.path(), options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(first).ok());
    ASSERT_TRUE(store->Append(One("b", ExpectedVersion::Any(), 2)).ok());
    root = *merkle::RootAt(5, store->TreeReader());
  }
  clock.Set(kT0 - kMicrosPerDay);
  auto store = MustOpen(dir.path(), options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Head(), 5u);
  EXPECT_EQ(*store->StreamVersion("a"), 3u);
  EXPECT_EQ(HexEncode(*merkle::RootAt(5, store->TreeReader())), HexEncode(root));
  Result<AppendResult> retry = store->Append(first);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, 1u);
  Result<AppendResult> next = store->Append(One("a", ExpectedVersion::Exact(3)));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->first_position, 6u);
  EXPECT_EQ(next->recorded_at, kT0);  // the clock went back a day; recorded_at did not
  // The tree continues from the reloaded frontier.
  std::vector<Hash256> leaves;
  for (const Envelope& e : *store->ReadAll(0, 100)) leaves.push_back(e.hash);
  merkle::CompactRange fresh;
  for (const Hash256& h : leaves) fresh.Append(h);
  EXPECT_EQ(HexEncode(*merkle::RootAt(6, store->TreeReader())), HexEncode(fresh.Root()));
  CheckLog(*store);
}

TEST(RocksEventStoreTest, HeadCacheSmallerThanTheStreamsStillChecksVersions) {
  TempDir dir;
  StoreOptions options;
  options.head_cache_entries = 2;
  options.sync = false;
  auto store = MustOpen(dir.path(), options);
  ASSERT_NE(store, nullptr);
  for (uint64_t round = 0; round < 3; ++round) {
    for (int s = 0; s < 10; ++s) {
      const std::string stream = "s" + std::to_string(s);
      Result<AppendResult> r = store->Append(One(stream, ExpectedVersion::Exact(round)));
      ASSERT_TRUE(r.ok()) << stream << ": " << r.status().ToString();
      Result<AppendResult> stale = store->Append(One(stream, ExpectedVersion::Exact(round)));
      ASSERT_TRUE(stale.status().IsVersionConflict());
      EXPECT_EQ(stale.status().current_version(), round + 1);
    }
  }
  CheckLog(*store);
}

TEST(RocksEventStoreTest, ReadOnlyOpenReadsAndRefusesAppends) {
  TempDir dir;
  auto writer = MustOpen(dir.path());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Append(One("a", ExpectedVersion::Any(), 4)).ok());

  StoreOptions ro;
  ro.read_only = true;
  auto reader = MustOpen(dir.path(), ro);  // beside the running writer
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Head(), 4u);
  EXPECT_EQ(reader->ReadAll(0, 10)->size(), 4u);
  EXPECT_EQ(*reader->ReadAt(3), *writer->ReadAt(3));
  Result<AppendResult> refused = reader->Append(One("a", ExpectedVersion::Any()));
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable);
  Status async = Status::OK();
  reader->AppendAsync(One("a", ExpectedVersion::Any()), [&async](Result<AppendResult> r) { async = r.status(); });
  EXPECT_EQ(async.code(), Status::Code::kUnavailable);
  EXPECT_EQ(writer->Head(), 4u);

  TempDir empty;
  EXPECT_FALSE(store::OpenRocksEventStoreWithEnv(empty.path() + "/missing", ro, nullptr).ok());
}

// Opens the store's database directly and replaces (or deletes) one log value.
void DamageLogValue(const std::string& dir, uint64_t position, const std::optional<std::string>& value) {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const std::string& name : store::RocksColumnFamilyNames()) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles, &db).ok());
  std::string key;
  PutBigEndian64(&key, position);
  rocksdb::ColumnFamilyHandle* log = handles[1];
  ASSERT_EQ(store::RocksColumnFamilyNames()[0], "log");
  rocksdb::Status s = value ? db->Put(rocksdb::WriteOptions(), log, key, *value)
                            : db->Delete(rocksdb::WriteOptions(), log, key);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

void ExpectCorruptionAt(EventStore& store, uint64_t position) {
  const std::string where = "position " + std::to_string(position);
  Result<Envelope> at = store.ReadAt(position);
  ASSERT_FALSE(at.ok());
  EXPECT_TRUE(at.status().IsCorruption()) << at.status().ToString();
  EXPECT_NE(at.status().message().find(where), std::string::npos) << at.status().message();
  Result<std::vector<Envelope>> all = store.ReadAll(0, 10);
  ASSERT_FALSE(all.ok());
  EXPECT_TRUE(all.status().IsCorruption());
  EXPECT_NE(all.status().message().find(where), std::string::npos) << all.status().message();
  Result<std::vector<Envelope>> stream = store.ReadStream("a", 0, EventStore::Direction::kBackward, 10);
  ASSERT_FALSE(stream.ok());
  EXPECT_TRUE(stream.status().IsCorruption());
  // Its neighbours are still served.
  EXPECT_TRUE(store.ReadAt(position - 1).ok());
  EXPECT_TRUE(store.ReadAt(position + 1).ok());
}

TEST(RocksEventStoreTest, DamagedValuesAreReportedAsCorruptionWithTheirPosition) {
  TempDir dir;
  Envelope original;
  {
    auto store = MustOpen(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(One("a", ExpectedVersion::Any(), 3)).ok());
    original = *store->ReadAt(2);
  }
  struct Damage {
    std::string name;
    std::optional<std::string> value;
  };
  Envelope altered = original;
  altered.data = R"({"altered":true})";  // the stored hash no longer matches
  std::string garbled = EncodeEnvelope(original);
  garbled.resize(garbled.size() / 2);
  Envelope moved = original;
  moved.position = 3;
  moved.hash = LeafHash(moved);  // a valid event, stored under the wrong key
  const std::vector<Damage> damages = {{"altered data", EncodeEnvelope(altered)},
                                       {"truncated bytes", garbled},
                                       {"wrong position", EncodeEnvelope(moved)},
                                       {"deleted", std::nullopt}};
  for (const Damage& d : damages) {
    SCOPED_TRACE(d.name);
    DamageLogValue(dir.path(), 2, d.value);
    auto store = MustOpen(dir.path());
    ASSERT_NE(store, nullptr);
    ExpectCorruptionAt(*store, 2);
  }
  DamageLogValue(dir.path(), 2, EncodeEnvelope(original));
  auto store = MustOpen(dir.path());
  EXPECT_EQ(*store->ReadAt(2), original);  // the checks themselves accept intact data
}

// One crash round: run the child until it has acknowledged `target` events,
// SIGKILL it, and return what it acknowledged (position -> event id).
std::map<uint64_t, std::string> RunChildAndKill(const std::string& dir, size_t target) {
  std::map<uint64_t, std::string> acked;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe";
    return acked;
  }
  const std::string child = REDLEDGER_STORE_CRASH_CHILD;
  const std::string fd_arg = std::to_string(fds[1]);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    execl(child.c_str(), child.c_str(), dir.c_str(), fd_arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  constexpr size_t kRecord = 8 + 36;
  std::string buffer;
  char chunk[4096];
  bool killed = false;
  for (;;) {
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;  // EOF: the child is gone and nothing is left to read
    buffer.append(chunk, n);
    while (buffer.size() >= kRecord) {
      acked[GetBigEndian64(buffer.data())] = buffer.substr(8, 36);
      buffer.erase(0, kRecord);
    }
    if (!killed && acked.size() >= target) {
      kill(pid, SIGKILL);  // mid-run: appends are in flight
      killed = true;
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(killed) << "the child stopped on its own, status " << status;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return acked;
}

TEST(RocksEventStoreTest, EveryAcknowledgedEventSurvivesSigkill) {
  TempDir dir;
  std::mt19937 rng(7);
  std::map<uint64_t, std::string> all_acked;
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::map<uint64_t, std::string> acked = RunChildAndKill(dir.path(), 200 + rng() % 800);
    ASSERT_FALSE(acked.empty());
    all_acked.insert(acked.begin(), acked.end());
    auto store = MustOpen(dir.path());
    ASSERT_NE(store, nullptr);
    std::map<std::string, uint64_t> stored = CheckLog(*store);
    EXPECT_GE(store->Head(), all_acked.rbegin()->first);
    for (const auto& [position, id] : all_acked) {
      Result<Envelope> e = store->ReadAt(position);  // checks the hash
      ASSERT_TRUE(e.ok()) << position << ": " << e.status().ToString();
      EXPECT_EQ(e->event_id, id) << position;
    }
  }
}

// Appends from several threads until the power is cut; returns the
// acknowledged event ids.
std::vector<std::string> AppendUntilPowerCut(EventStore& store, testing::PowerCutFileSystem& fs, size_t cut_after) {
  std::mutex mu;
  std::vector<std::string> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        std::vector<AppendPart> parts = One("power-" + std::to_string(t), ExpectedVersion::Any());
        Result<AppendResult> r = store.Append(parts);
        if (!r.ok()) continue;  // refused after the cut: not acknowledged
        std::lock_guard<std::mutex> lock(mu);
        acked.push_back(parts[0].events[0].event_id);
        if (acked.size() == cut_after) fs.PowerCut();
      }
    });
  }
  while (fs.powered()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // appends keep failing meanwhile
  stop = true;
  for (std::thread& t : threads) t.join();
  return acked;
}

struct PowerCutOutcome {
  size_t acknowledged = 0;
  size_t survived = 0;  // acknowledged events present after the cut
  uint64_t dropped_bytes = 0;
};

PowerCutOutcome RunPowerCut(const std::string& dir, bool sync, size_t cut_after) {
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  StoreOptions options;
  options.sync = sync;
  PowerCutOutcome out;
  std::vector<std::string> acked;
  {
    auto store = MustOpen(dir, options, env.get());
    if (store == nullptr) return out;
    acked = AppendUntilPowerCut(*store, *fs, cut_after);
  }  // closed with the power off: nothing more reaches the disk
  out.acknowledged = acked.size();
  out.dropped_bytes = fs->DropUnsyncedData();
  fs->Restore();
  auto store = MustOpen(dir, options, env.get());
  if (store == nullptr) return out;
  std::map<std::string, uint64_t> stored = CheckLog(*store);
  for (const std::string& id : acked) out.survived += stored.count(id);
  return out;
}

TEST(RocksEventStoreTest, DurableAppendsSurviveAPowerCut) {
  for (int round = 0; round < 3; ++round) {
    TempDir dir;
    PowerCutOutcome o = RunPowerCut(dir.path(), /*sync=*/true, 300 + 200 * round);
    EXPECT_GE(o.acknowledged, 300u + 200 * round);
    EXPECT_EQ(o.survived, o.acknowledged) << "round " << round;
  }
}

// The same power cut loses acknowledged appends when the WAL is not synced:
// the file system really drops data, so the test above can fail.
TEST(RocksEventStoreTest, RelaxedAppendsCanBeLostInAPowerCut) {
  TempDir dir;
  PowerCutOutcome o = RunPowerCut(dir.path(), /*sync=*/false, 500);
  EXPECT_GE(o.acknowledged, 500u);
  EXPECT_GT(o.dropped_bytes, 0u);
  EXPECT_LT(o.survived, o.acknowledged);
}

}  // namespace
}  // namespace redledger
