// Event store benchmarks (DESIGN §6), each against a raw RocksDB baseline
// measured in the same run, in alternating slices (so both sides see the same
// machine load):
//   Append/<mode>/threads:N — one event per append, each appender on its own
//     stream with an exact expected version. Baseline: the same threads write
//     the same encoded envelope bytes as one-key WriteBatches with the same
//     sync setting (RocksDB group-commits concurrent writers itself).
//   Scan — Scan() of the whole log. Baseline: a plain iteration over the same
//     encoded envelopes in a raw RocksDB.
// Counters: vs_raw = store rate ÷ raw rate; raw_per_second.
// Sizes: REDLEDGER_BENCH_SMOKE=1 makes every run tiny (CI smoke test).
// Data lives under $REDLEDGER_BENCH_DIR (default: the system temp dir).
// Figures and the exact command: bench/README.md, "Event store".
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_dirs.h"
#include "redledger/codec.h"
#include "redledger/encoding.h"
#include "redledger/event_store.h"

namespace redledger {
namespace {

bool Smoke() {
  const char* v = std::getenv("REDLEDGER_BENCH_SMOKE");
  return v != nullptr && std::string(v) == "1";
}

// Every directory made here, removed at exit.
using bench::Dirs;
using bench::MakeDir;

// A realistic demand.raised payload (~400 bytes encoded).
NewEvent DemandRaised() {
  NewEvent e;
  e.type = "demand.raised";
  e.event_id = NewUuidV4();
  e.actor = Actor{"p-2f6c1a", "grid_leader", std::nullopt};
  e.correlation_id = "req-7d1e";
  e.data = R"({"category":"lift","channel":"grid_visit","description":"The lift in building 3 has stopped twice this week.",)"
           R"("location":{"building":"3","compound_id":"c-01","grid_id":"g-07"},"site_id":"site-12","title":"Lift out of service",)"
           R"("urgency":"urgent"})";
  e.personal = std::string(60, '\x5a');
  return e;
}

std::string EncodedSample() {
  NewEvent n = DemandRaised();
  Envelope e;
  e.position = 123456;
  e.stream = "demand-000123";
  e.version = 1;
  e.type = n.type;
  e.event_id = n.event_id;
  e.recorded_at = 1'658'390'400'000'000;
  e.actor = n.actor;
  e.correlation_id = n.correlation_id;
  e.data = *CanonicalizeJson(n.data);
  e.personal = n.personal;
  e.hash = LeafHash(e);
  return EncodeEnvelope(e);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// ---- appends -------------------------------------------------------------

std::string ModeName(bool sync) { return sync ? "durable" : "relaxed"; }

// The store and the raw baseline database of one durability mode, opened by
// thread 0 before the first timed loop and kept for the whole process.
struct AppendTargets {
  std::unique_ptr<EventStore> store;
  rocksdb::DB* raw = nullptr;
  std::atomic<uint64_t> raw_next{1};
  std::atomic<uint64_t> streams{0};
};

AppendTargets* AllTargets() {
  static AppendTargets targets[2];
  return targets;
}

// Opens on first use.
AppendTargets& TargetsFor(bool sync) {
  AppendTargets& t = AllTargets()[sync ? 1 : 0];
  if (t.store == nullptr) {
    StoreOptions options;
    options.sync = sync;
    auto store = OpenRocksEventStore(MakeDir(ModeName(sync)), options);
    rocksdb::Options o;
    o.create_if_missing = true;
    o.max_background_jobs = 2;
    if (!store.ok() || !rocksdb::DB::Open(o, MakeDir("raw-" + ModeName(sync)), &t.raw).ok()) std::abort();
    t.store = std::move(store).value();
  }
  return t;
}

// A reusable barrier for the benchmark's threads (made by thread 0 before the
// timed loop, whose start is itself a barrier).
std::unique_ptr<std::barrier<>>& SliceBarrier() {
  static std::unique_ptr<std::barrier<>> b;
  return b;
}

// Each iteration is one pair of slices, all threads together: `per_thread`
// raw one-key synced (or not) WriteBatches of the encoded envelope, then as
// many store appends of the same event. Alternating slices keeps both sides
// under the same machine load; the reported time is the store's slice.
void BM_Append(benchmark::State& state, bool sync) {
  static const std::string encoded = EncodedSample();
  const int per_thread = Smoke() ? 2 : (sync ? 20 : 400);
  if (state.thread_index() == 0) {
    TargetsFor(sync);
    SliceBarrier() = std::make_unique<std::barrier<>>(state.threads());
  }
  const NewEvent sample = DemandRaised();
  std::string stream;
  uint64_t version = 0;
  double raw_seconds = 0, store_seconds = 0;
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  for (auto _ : state) {
    AppendTargets& t = TargetsFor(sync);
    if (stream.empty()) stream = "demand-" + std::to_string(t.streams.fetch_add(1));
    std::barrier<>& barrier = *SliceBarrier();

    barrier.arrive_and_wait();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < per_thread; ++i) {
      std::string key;
      PutBigEndian64(&key, t.raw_next.fetch_add(1));
      rocksdb::WriteBatch batch;
      batch.Put(key, encoded).PermitUncheckedError();
      if (!t.raw->Write(wo, &batch).ok()) state.SkipWithError("raw write failed");
    }
    barrier.arrive_and_wait();
    raw_seconds += Seconds(start);

    start = std::chrono::steady_clock::now();
    for (int i = 0; i < per_thread; ++i) {
      NewEvent e = sample;
      e.event_id = NewUuidV4();
      std::vector<AppendPart> parts{{stream, ExpectedVersion::Exact(version), {std::move(e)}}};
      Result<AppendResult> r = t.store->Append(std::move(parts));
      if (!r.ok()) {
        state.SkipWithError(r.status().ToString().c_str());
        break;
      }
      version = r->stream_versions[0];
    }
    barrier.arrive_and_wait();
    const double slice = Seconds(start);
    store_seconds += slice;
    state.SetIterationTime(slice);
  }
  state.SetItemsProcessed(state.iterations() * per_thread);
  // Same number of operations on both sides: the rate ratio is the time ratio.
  state.counters["vs_raw"] = benchmark::Counter(raw_seconds / store_seconds, benchmark::Counter::kAvgThreads);
  state.counters["raw_per_second"] = benchmark::Counter(static_cast<double>(state.iterations() * per_thread) /
                                                            raw_seconds * state.threads(),
                                                        benchmark::Counter::kAvgThreads);
}

// ---- scans ---------------------------------------------------------------

struct ScanData {
  std::unique_ptr<EventStore> store;
  rocksdb::DB* raw = nullptr;
  uint64_t events = 0;
};

// Fills a store and a raw RocksDB holding the same encoded envelopes, then
// reopens both so that each reads from table files, not from a memtable.
ScanData& ScanDataSlot() {
  static ScanData data;
  return data;
}

ScanData& Scanned() {
  ScanData& data = ScanDataSlot();
  if (data.store != nullptr) return data;
  const uint64_t events = Smoke() ? 2'000 : 300'000;
  const std::string store_dir = MakeDir("scan-store"), raw_dir = MakeDir("scan-raw");
  StoreOptions options;
  options.sync = false;
  rocksdb::Options raw_options;
  raw_options.create_if_missing = true;
  {
    auto store = OpenRocksEventStore(store_dir, options);
    if (!store.ok()) std::abort();
    for (uint64_t done = 0; done < events;) {
      std::vector<AppendPart> parts;
      for (int p = 0; p < 100 && done < events; ++p, ++done) {
        parts.push_back({"demand-" + std::to_string(done), ExpectedVersion::NoStream(), {DemandRaised()}});
      }
      if (!(*store)->Append(std::move(parts)).ok()) std::abort();
    }
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(raw_options, raw_dir, &raw).ok()) std::abort();
    std::unique_ptr<rocksdb::DB> raw_owner(raw);
    for (uint64_t after = 0; after < events;) {
      Result<std::vector<Envelope>> page = (*store)->ReadAll(after, 1000);
      if (!page.ok()) std::abort();
      rocksdb::WriteBatch batch;
      for (const Envelope& e : *page) {
        std::string key;
        PutBigEndian64(&key, e.position);
        batch.Put(key, EncodeEnvelope(e)).PermitUncheckedError();
      }
      if (!raw->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
      after = page->back().position;
    }
  }
  auto store = OpenRocksEventStore(store_dir, options);
  if (!store.ok() || !rocksdb::DB::Open(raw_options, raw_dir, &data.raw).ok()) std::abort();
  data.store = std::move(store).value();
  data.events = events;
  return data;
}

// Each iteration: one full raw iteration over the same encoded envelopes,
// then one full Scan() of the store; the reported time is the Scan's.
void BM_Scan(benchmark::State& state) {
  ScanData& data = Scanned();
  double raw_seconds = 0, store_seconds = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(data.raw->NewIterator(ro));
    uint64_t n = 0, bytes = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->value().size();
      ++n;
    }
    if (!it->status().ok() || n != data.events) state.SkipWithError("raw scan failed");
    benchmark::DoNotOptimize(bytes);
    it.reset();
    raw_seconds += Seconds(start);

    start = std::chrono::steady_clock::now();
    n = 0;
    Status s = data.store->Scan(0, UINT64_MAX, [&n](const Envelope& e) {
      benchmark::DoNotOptimize(e.data.size());
      ++n;
      return true;
    });
    if (!s.ok() || n != data.events) state.SkipWithError("scan failed");
    const double slice = Seconds(start);
    store_seconds += slice;
    state.SetIterationTime(slice);
  }
  state.SetItemsProcessed(state.iterations() * data.events);
  state.counters["vs_raw"] = raw_seconds / store_seconds;
  state.counters["raw_per_second"] = static_cast<double>(state.iterations() * data.events) / raw_seconds;
}

void CloseAndRemoveAll() {
  // Before exit: static destructors would close the databases after
  // RocksDB's own statics are gone.
  for (int i = 0; i < 2; ++i) {
    AllTargets()[i].store.reset();
    delete AllTargets()[i].raw;
    AllTargets()[i].raw = nullptr;
  }
  ScanDataSlot().store.reset();
  delete ScanDataSlot().raw;
  ScanDataSlot().raw = nullptr;
  for (const std::string& dir : Dirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

void Register() {
  const double min_time = Smoke() ? 0.01 : 3.0;
  for (bool sync : {true, false}) {
    for (int threads : {1, 8, 64}) {
      benchmark::RegisterBenchmark(("Append/" + ModeName(sync)).c_str(), BM_Append, sync)
          ->Threads(threads)
          ->UseManualTime()
          ->MinTime(min_time);
    }
  }
  benchmark::RegisterBenchmark("Scan", BM_Scan)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(min_time);
}

}  // namespace
}  // namespace redledger

int main(int argc, char** argv) {
  redledger::Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  redledger::CloseAndRemoveAll();
  return 0;
}
