// Event store benchmarks (DESIGN §6), each next to a raw RocksDB baseline
// measured in the same run:
//   Append/<mode>/threads:N — one event per append, each appender on its own
//     stream with an exact expected version; the baseline RawWrite/<mode>/
//     threads:N writes the same encoded envelope bytes as a one-key
//     WriteBatch with the same sync setting (RocksDB groups concurrent writers
//     itself). Counter vs_raw = appends/s ÷ the median raw writes/s so far.
//   Scan — Scan() of the whole log next to RawScan, a plain iteration over
//     the same encoded envelopes in a raw RocksDB; vs_raw as above.
// Sizes: REDLEDGER_BENCH_SMOKE=1 makes every run tiny (CI smoke test).
// Data lives under $REDLEDGER_BENCH_DIR (default: the system temp dir).
// Figures and the exact command: bench/README.md, "Event store".
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
std::vector<std::string>& Dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

std::string MakeDir(const std::string& name) {
  const char* base = std::getenv("REDLEDGER_BENCH_DIR");
  std::string pattern =
      ((base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
       ("redledger-bench-" + name + "-XXXXXX"))
          .string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  Dirs().push_back(pattern);
  return pattern;
}

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

// Rates measured so far, per baseline name, for the vs_raw counters.
std::map<std::string, std::vector<double>>& RawRates() {
  static std::map<std::string, std::vector<double>> rates;
  return rates;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Wall time of the timed loop, measured on thread 0 between the barriers
// Google Benchmark puts around it.
struct WallClock {
  std::chrono::steady_clock::time_point start;
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// ---- appends -------------------------------------------------------------

std::unique_ptr<EventStore>& StoreFor(bool sync) {
  static std::unique_ptr<EventStore> stores[2];
  return stores[sync ? 1 : 0];
}

struct RawDb {
  rocksdb::DB* db = nullptr;
  std::atomic<uint64_t> next{1};
};

RawDb& RawFor(bool sync) {
  static RawDb dbs[2];
  RawDb& r = dbs[sync ? 1 : 0];
  if (r.db == nullptr) {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.max_background_jobs = 2;
    if (!rocksdb::DB::Open(o, MakeDir(sync ? "raw-sync" : "raw-relaxed"), &r.db).ok()) std::abort();
  }
  return r;
}

std::string ModeName(bool sync) { return sync ? "durable" : "relaxed"; }

void BM_RawWrite(benchmark::State& state, bool sync) {
  static const std::string value = EncodedSample();
  WallClock clock;
  if (state.thread_index() == 0) RawFor(sync);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  for (auto _ : state) {
    if (state.thread_index() == 0 && clock.start == std::chrono::steady_clock::time_point()) {
      clock.start = std::chrono::steady_clock::now();
    }
    RawDb& raw = RawFor(sync);
    std::string key;
    PutBigEndian64(&key, raw.next.fetch_add(1));
    rocksdb::WriteBatch batch;
    batch.Put(key, value).PermitUncheckedError();
    rocksdb::Status s = raw.db->Write(wo, &batch);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const double rate = static_cast<double>(state.iterations()) * state.threads() / clock.Seconds();
    RawRates()[ModeName(sync) + "/" + std::to_string(state.threads())].push_back(rate);
  }
}

void BM_Append(benchmark::State& state, bool sync) {
  if (state.thread_index() == 0 && StoreFor(sync) == nullptr) {
    StoreOptions options;
    options.sync = sync;
    auto store = OpenRocksEventStore(MakeDir(ModeName(sync)), options);
    if (!store.ok()) std::abort();
    StoreFor(sync) = std::move(store).value();
  }
  const NewEvent sample = DemandRaised();
  std::string stream;
  uint64_t version = 0;
  WallClock clock;
  for (auto _ : state) {
    if (stream.empty()) {  // after the start barrier: the store exists
      static std::atomic<uint64_t> streams{0};
      stream = "demand-" + std::to_string(streams.fetch_add(1));
      if (state.thread_index() == 0) clock.start = std::chrono::steady_clock::now();
    }
    NewEvent e = sample;
    e.event_id = NewUuidV4();
    std::vector<AppendPart> parts{{stream, ExpectedVersion::Exact(version), {std::move(e)}}};
    Result<AppendResult> r = StoreFor(sync)->Append(std::move(parts));
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    version = r->stream_versions[0];
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const double rate = static_cast<double>(state.iterations()) * state.threads() / clock.Seconds();
    const double raw = Median(RawRates()[ModeName(sync) + "/" + std::to_string(state.threads())]);
    if (raw > 0) state.counters["vs_raw"] = rate / raw;
  }
}

// ---- scans ---------------------------------------------------------------

struct ScanData {
  std::unique_ptr<EventStore> store;
  rocksdb::DB* raw = nullptr;
  uint64_t events = 0;
};

// Fills a store and a raw RocksDB holding the same encoded envelopes, then
// reopens both so that each reads from table files, not from a memtable.
ScanData& Scanned() {
  static ScanData data;
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

void BM_RawScan(benchmark::State& state) {
  ScanData& data = Scanned();
  WallClock clock{std::chrono::steady_clock::now()};
  for (auto _ : state) {
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
  }
  state.SetItemsProcessed(state.iterations() * data.events);
  RawRates()["scan"].push_back(static_cast<double>(state.iterations() * data.events) / clock.Seconds());
}

void BM_Scan(benchmark::State& state) {
  ScanData& data = Scanned();
  WallClock clock{std::chrono::steady_clock::now()};
  for (auto _ : state) {
    uint64_t n = 0;
    Status s = data.store->Scan(0, UINT64_MAX, [&n](const Envelope& e) {
      benchmark::DoNotOptimize(e.data.size());
      ++n;
      return true;
    });
    if (!s.ok() || n != data.events) state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(state.iterations() * data.events);
  const double rate = static_cast<double>(state.iterations() * data.events) / clock.Seconds();
  state.counters["vs_raw"] = rate / Median(RawRates()["scan"]);
}

void CloseAndRemoveAll() {
  for (bool sync : {true, false}) {
    StoreFor(sync).reset();
    delete RawFor(sync).db;
  }
  Scanned().store.reset();
  delete Scanned().raw;
  for (const std::string& dir : Dirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

void Register() {
  const double min_time = Smoke() ? 0.01 : 2.0;
  for (bool sync : {true, false}) {
    for (int threads : {1, 8, 64}) {
      const std::string mode = ModeName(sync);
      benchmark::RegisterBenchmark(("RawWrite/" + mode).c_str(), BM_RawWrite, sync)
          ->Threads(threads)
          ->UseRealTime()
          ->MinTime(min_time);
      benchmark::RegisterBenchmark(("Append/" + mode).c_str(), BM_Append, sync)
          ->Threads(threads)
          ->UseRealTime()
          ->MinTime(min_time);
    }
  }
  benchmark::RegisterBenchmark("RawScan", BM_RawScan)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(min_time);
  benchmark::RegisterBenchmark("Scan", BM_Scan)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(min_time);
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
