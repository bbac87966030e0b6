// Proofs generated and verified per second on a tree of 2^20 leaves (nodes
// held in a hash map, so the figures are the algorithms' cost, not storage's);
// the cost of maintaining the tree in the append path: RocksDB write batches
// of encoded events with and without their tree nodes; and VerifyLog over a
// RocksDB store next to a bare Scan of the same store.
//
// REDLEDGER_BENCH_SMOKE=1 shrinks everything for CI's smoke run; append data
// lives under $REDLEDGER_BENCH_DIR (default: the system temp dir). Figures and
// the exact command: bench/README.md, "Proofs".
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <unordered_map>

#include "redledger/codec.h"
#include "redledger/event_store.h"
#include "redledger/log_verifier.h"
#include "redledger/merkle.h"

namespace redledger {
namespace {

bool Smoke() {
  const char* v = std::getenv("REDLEDGER_BENCH_SMOKE");
  return v != nullptr && std::string(v) == "1";
}

// A fresh directory under $REDLEDGER_BENCH_DIR (default: the system temp dir).
std::string MakeDir() {
  const char* base = std::getenv("REDLEDGER_BENCH_DIR");
  std::string dir = ((base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
                     "redledger-proof-bench-XXXXXX")
                        .string();
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

uint64_t TreeSize() { return Smoke() ? 1000 : (uint64_t{1} << 20) + 12345; }

uint64_t NodeKey(uint8_t level, uint64_t index) { return uint64_t{level} << 56 | index; }

struct BigTree {
  std::unordered_map<uint64_t, Hash256> nodes;
  uint64_t size = 0;
  merkle::NodeReader reader;

  BigTree() {
    size = TreeSize();
    nodes.reserve(2 * size);
    merkle::CompactRange range;
    for (uint64_t i = 0; i < size; ++i) {
      std::string leaf = "event " + std::to_string(i);
      for (const merkle::Node& n : range.Append(merkle::HashLeaf(leaf))) nodes[NodeKey(n.level, n.index)] = n.hash;
    }
    reader = [this](uint8_t level, uint64_t index) -> Result<Hash256> {
      auto it = nodes.find(NodeKey(level, index));
      if (it == nodes.end()) return Status::NotFound("no node");
      return it->second;
    };
  }
  Hash256 Leaf(uint64_t i) const { return nodes.at(NodeKey(0, i)); }
  Hash256 Root(uint64_t n) const { return *merkle::RootAt(n, reader); }
};

const BigTree& Tree() {
  static const BigTree tree;
  return tree;
}

void BM_InclusionProofGenerate(benchmark::State& state) {
  const BigTree& t = Tree();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    Result<std::vector<Hash256>> p = merkle::InclusionProof(rng() % t.size, t.size, t.reader);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProofGenerate);

void BM_InclusionProofVerify(benchmark::State& state) {
  const BigTree& t = Tree();
  const Hash256 root = t.Root(t.size);
  std::mt19937_64 rng(2);
  struct Case {
    uint64_t index;
    std::vector<Hash256> proof;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 256; ++i) {
    const uint64_t index = rng() % t.size;
    cases.push_back({index, *merkle::InclusionProof(index, t.size, t.reader)});
  }
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    Status s = merkle::VerifyInclusion(c.index, t.size, t.Leaf(c.index), c.proof, root);
    if (!s.ok()) state.SkipWithError("proof did not verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProofVerify);

void BM_ConsistencyProofGenerate(benchmark::State& state) {
  const BigTree& t = Tree();
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    Result<std::vector<Hash256>> p = merkle::ConsistencyProof(1 + rng() % t.size, t.size, t.reader);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProofGenerate);

void BM_ConsistencyProofVerify(benchmark::State& state) {
  const BigTree& t = Tree();
  const Hash256 root = t.Root(t.size);
  std::mt19937_64 rng(4);
  struct Case {
    uint64_t m;
    Hash256 root_m;
    std::vector<Hash256> proof;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 256; ++i) {
    const uint64_t m = 1 + rng() % t.size;
    cases.push_back({m, t.Root(m), *merkle::ConsistencyProof(m, t.size, t.reader)});
  }
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    Status s = merkle::VerifyConsistency(c.m, t.size, c.root_m, root, c.proof);
    if (!s.ok()) state.SkipWithError("proof did not verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProofVerify);

void BM_RootAt(benchmark::State& state) {
  const BigTree& t = Tree();
  std::mt19937_64 rng(5);
  for (auto _ : state) {
    Result<Hash256> r = merkle::RootAt(1 + rng() % t.size, t.reader);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RootAt);

// The store's write path reduced to what the tree changes: each batch holds
// `events` encoded events (keyed by position) and, with the tree, the nodes
// each leaf completes. The leaf hash is computed either way (it is the
// event's `hash`). Arg 0: events per batch; arg 1: 1 with the tree.
void BM_AppendBatch(benchmark::State& state) {
  const size_t events = static_cast<size_t>(state.range(0));
  const bool with_tree = state.range(1) != 0;
  const std::string dir = MakeDir();
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"log", {}}, {"tree", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(options, dir, cfs, &handles, &db).ok()) {
    state.SkipWithError("cannot open RocksDB");
    return;
  }
  Envelope e;
  e.stream = "demand-0b6c1a52-5f0e-4a8e-9a55-0c2f5d2c8e11";
  e.type = "demand.raised";
  e.event_id = "0b6c1a52-5f0e-4a8e-9a55-0c2f5d2c8e11";
  e.recorded_at = 1'795'819'200'000'000;
  e.actor = Actor{"resident-7", "resident", std::nullopt};
  e.data = R"({"category":"water","compound_id":"c-12","description":"no water since the morning","grid_id":"g-3"})";
  merkle::CompactRange range;
  rocksdb::WriteOptions wo;  // sync=false: the figure is the CPU and write-path cost
  uint64_t position = 0;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < events; ++i) {
      e.position = ++position;
      e.version = position;
      e.hash = LeafHash(e);
      std::string key;
      PutBigEndian64(&key, position);
      batch.Put(handles[1], key, EncodeEnvelope(e));
      if (with_tree) {
        for (const merkle::Node& n : range.Append(e.hash)) {
          std::string node_key(1, static_cast<char>(n.level));
          PutBigEndian64(&node_key, n.index);
          batch.Put(handles[2], node_key, std::string_view(reinterpret_cast<const char*>(n.hash.data()), 32));
        }
      }
    }
    if (!db->Write(wo, &batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events));
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendBatch)
    ->ArgNames({"events", "tree"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({100, 0})
    ->Args({100, 1})
    ->UseRealTime();

// A RocksDB store of 200,000 demand events over 20,000 streams, built once.
class VerifyFixture {
 public:
  VerifyFixture() : dir_(MakeDir()) {
    StoreOptions options;
    options.sync = false;
    Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(dir_, options);
    if (!store.ok()) std::abort();
    store_ = std::move(store).value();
    const uint64_t events = Smoke() ? 2000 : 200'000;
    for (uint64_t done = 0; done < events; done += 1000) {
      std::vector<AppendPart> parts;
      for (uint64_t i = done; i < done + 1000; ++i) {
        NewEvent e;
        e.type = "demand.raised";
        e.event_id = NewUuidV4();
        e.actor = Actor{"resident-7", "resident", std::nullopt};
        e.data = R"({"category":"water","compound_id":"c-12","description":"no water since the morning"})";
        parts.push_back(AppendPart{"demand-" + std::to_string(i % (events / 10)), ExpectedVersion::Any(), {e}});
      }
      if (!store_->Append(std::move(parts)).ok()) std::abort();
    }
  }
  ~VerifyFixture() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  const EventStore& store() const { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<EventStore> store_;
};

VerifyFixture& VerifyStore() {
  static VerifyFixture fixture;
  return fixture;
}

void BM_VerifyLog(benchmark::State& state) {
  const EventStore& store = VerifyStore().store();
  for (auto _ : state) {
    VerifyReport report;
    if (!VerifyLog(store, {}, &report).ok()) state.SkipWithError("verification failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * store.Head()));
}
BENCHMARK(BM_VerifyLog)->Unit(benchmark::kMillisecond)->UseRealTime();

// The baseline: reading the same events through Scan, doing nothing with them.
void BM_ScanBaseline(benchmark::State& state) {
  const EventStore& store = VerifyStore().store();
  for (auto _ : state) {
    uint64_t seen = 0;
    Status s = store.Scan(0, store.Head(), [&seen](const Envelope&) {
      ++seen;
      return true;
    });
    if (!s.ok() || seen != store.Head()) state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * store.Head()));
}
BENCHMARK(BM_ScanBaseline)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace redledger

BENCHMARK_MAIN();
