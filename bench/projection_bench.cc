// Projection benchmarks (DESIGN §6, issue 4), each next to a baseline
// measured in the same run:
//   RawScan        — a plain iteration over the log's encoded envelopes in a
//                    raw RocksDB (key BE64(position)), the DESIGN §6 baseline;
//   StoreScan      — EventStore::Scan of the same log (decode, no fold);
//   Rebuild/<name> — one projection rebuilt from position 1 into a fresh
//                    database, batches of 2,000 events committed with their
//                    checkpoint, exactly the runner's path (ApplyRange).
//                    Counter vs_raw = its events/s ÷ RawScan's;
//   RebuildAll     — ProjectionRunner::Open on an empty directory until
//                    WaitFor(head): all four projections, one thread each;
//   Restart        — ProjectionRunner::Open on a caught-up directory until
//                    WaitFor(head) (checkpoints, no replay);
//   AsOf/<query>, Live/<query> — read-model queries as of half the log and
//                    at the head.
// The synthetic log: 100 sites; demands raised in waves of 5,000 whose
// lifecycles interleave (raise, accept, assign; 30 % publicised with a public
// progress note, 85 % resolved, 60 % evaluated and closed or reopened, 10 %
// overdue), about 7 events per demand.
// Sizes: REDLEDGER_BENCH_DEMANDS (default 100,000); REDLEDGER_BENCH_SMOKE=1
// makes it tiny (CI smoke test). Data lives under $REDLEDGER_BENCH_DIR
// (default: the system temp dir). Figures and the command: bench/README.md,
// "Projections".
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "projection/kv.h"
#include "projection/projection_base.h"
#include "redledger/codec.h"
#include "redledger/encoding.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"

namespace redledger {
namespace {

using namespace projection_internal;

bool Smoke() {
  const char* v = std::getenv("REDLEDGER_BENCH_SMOKE");
  return v != nullptr && std::string(v) == "1";
}

uint64_t Demands() {
  if (Smoke()) return 1'000;
  const char* v = std::getenv("REDLEDGER_BENCH_DEMANDS");
  return v != nullptr ? std::strtoull(v, nullptr, 10) : 100'000;
}

std::string MakeDir(const std::string& name) {
  const char* base = std::getenv("REDLEDGER_BENCH_DIR");
  std::string pattern = ((base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
                         ("redledger-bench-" + name + "-XXXXXX"))
                            .string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

std::vector<std::string>& Dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

std::string Q(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

NewEvent Event(std::string type, std::string data, std::string personal = {}) {
  NewEvent e;
  e.type = std::move(type);
  e.event_id = NewUuidV4();
  e.actor = Actor{"p-community", "community", std::nullopt};
  e.data = std::move(data);
  e.personal = std::move(personal);
  return e;
}

// The events of demand `i` (deterministic from i), all in the grammar of
// src/domain/events.cc.
std::vector<NewEvent> Lifecycle(uint64_t i, Micros t) {
  const std::string id = "d" + std::to_string(i), site = "s" + std::to_string(i % 100);
  const uint64_t r = ((i * 2654435761u) >> 8) % 100;  // a spread-out percentile, independent of the site
  const std::string due = Q(FormatRfc3339(t + 15 * kMicrosPerDay));
  const std::string unit = Q("u" + std::to_string(i % 7));
  std::vector<NewEvent> ev;
  ev.push_back(Event("demand.raised",
                     "{\"attachments\":[],\"category\":\"lift\",\"channel\":\"app\",\"demand_id\":" + Q(id) +
                         ",\"description\":\"The lift in building 3 stopped.\",\"location\":{\"building\":\"3\","
                         "\"compound_id\":\"c1\",\"grid_id\":null},\"raised_by\":\"p-resident\",\"reporter\":"
                         "{\"subject_id\":" + Q("r" + std::to_string(i)) + "},\"response_due_at\":" +
                         Q(FormatRfc3339(t + 72 * kMicrosPerHour)) + ",\"site_id\":" + Q(site) +
                         ",\"title\":\"Lift out of service\",\"urgency\":\"routine\"}",
                     std::string(60, 'x')));
  ev.push_back(Event("demand.accepted", "{\"note\":null,\"resolve_due_at\":" + due + "}"));
  ev.push_back(Event("demand.assigned",
                     "{\"note\":null,\"previous_unit_id\":null,\"resolve_due_at\":" + due + ",\"unit_id\":" + unit + "}"));
  if (r % 10 < 3) {
    ev.push_back(Event("demand.publicized", R"({"days":7,"notice":"n","until":"2030-01-01T00:00:00.000000Z"})"));
    ev.push_back(Event("demand.progress_reported",
                       "{\"attachments\":[],\"note\":\"crew on site\",\"unit_id\":" + unit + ",\"visibility\":\"public\"}"));
  }
  if (r % 10 == 9) ev.push_back(Event("demand.overdue", "{\"due_at\":" + due + ",\"kind\":\"resolve\"}"));
  if (r < 85) {
    ev.push_back(Event("demand.resolved", "{\"attachments\":[],\"evaluation_due_at\":" + due +
                                              ",\"on_time\":true,\"resolve_due_at\":" + due +
                                              ",\"summary\":\"fixed\",\"unit_id\":" + unit + "}"));
    if (r < 60) {
      const char* rating = r < 42 ? "satisfied" : r < 54 ? "basically_satisfied" : "dissatisfied";
      ev.push_back(Event("demand.evaluated", "{\"comment\":null,\"rating\":" + Q(rating) + ",\"score\":null}"));
      if (r >= 54) {
        ev.push_back(Event("demand.reopened", "{\"reopen_count\":1,\"resolve_due_at\":" + due + ",\"unit_id\":" + unit + "}"));
      } else {
        ev.push_back(Event("demand.closed", R"({"duplicate_of":null,"note":null,"reason":"evaluated"})"));
      }
    }
  }
  return ev;
}

struct Data {
  FakeClock clock;
  std::unique_ptr<EventStore> store;
  rocksdb::DB* raw = nullptr;
  uint64_t events = 0;
  std::string live_dir;  // a caught-up projection directory
  std::unique_ptr<ProjectionRunner> runner;
};

Data& Log() {
  static Data data;
  if (data.store != nullptr) return data;
  const std::string store_dir = MakeDir("proj-store"), raw_dir = MakeDir("proj-raw");
  Dirs().push_back(store_dir);
  Dirs().push_back(raw_dir);
  StoreOptions options;
  options.sync = false;
  options.clock = &data.clock;
  rocksdb::Options raw_options;
  raw_options.create_if_missing = true;
  {
    auto store = OpenRocksEventStore(store_dir, options);
    if (!store.ok()) std::abort();
    const Micros start = *ParseRfc3339("2022-01-01T00:00:00+08:00");
    const uint64_t n = Demands(), wave = 5'000;
    Micros t = start;
    for (uint64_t first = 0; first < n; first += wave) {
      uint64_t last = std::min(n, first + wave);
      std::vector<std::vector<NewEvent>> lives;
      for (uint64_t i = first; i < last; ++i) lives.push_back(Lifecycle(i, t));
      // Round k appends the k-th event of every demand of the wave.
      for (size_t k = 0;; ++k) {
        std::vector<AppendPart> parts;
        bool any = false;
        for (uint64_t i = first; i < last; ++i) {
          auto& life = lives[i - first];
          if (k < life.size()) {
            any = true;
            parts.push_back(AppendPart{"demand-d" + std::to_string(i), ExpectedVersion::Any(), {std::move(life[k])}});
          }
          if (parts.size() == 900 || (i + 1 == last && !parts.empty())) {
            t += kMicrosPerSecond;
            data.clock.Set(t);
            if (!(*store)->Append(std::move(parts)).ok()) std::abort();
            parts.clear();
          }
        }
        if (!any) break;
      }
    }
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(raw_options, raw_dir, &raw).ok()) std::abort();
    std::unique_ptr<rocksdb::DB> raw_owner(raw);
    rocksdb::WriteBatch batch;
    Status s = (*store)->Scan(0, UINT64_MAX, [&](const Envelope& e) {
      std::string key;
      PutBigEndian64(&key, e.position);
      batch.Put(key, EncodeEnvelope(e)).PermitUncheckedError();
      if (batch.Count() >= 1000) {
        if (!raw->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
        batch.Clear();
      }
      return true;
    });
    if (!s.ok() || !raw->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
  }
  // Reopened so that both read from table files, not from a memtable.
  auto store = OpenRocksEventStore(store_dir, options);
  if (!store.ok() || !rocksdb::DB::Open(raw_options, raw_dir, &data.raw).ok()) std::abort();
  data.store = std::move(store).value();
  data.events = data.store->Head();
  return data;
}

double& RawRate() {
  static double rate = 0;
  return rate;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void BM_RawScan(benchmark::State& state) {
  Data& data = Log();
  auto start = std::chrono::steady_clock::now();
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
  RawRate() = static_cast<double>(state.iterations() * data.events) / Seconds(start);
}

void BM_StoreScan(benchmark::State& state) {
  Data& data = Log();
  auto start = std::chrono::steady_clock::now();
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
  state.counters["vs_raw"] = static_cast<double>(state.iterations() * data.events) / Seconds(start) / RawRate();
}

std::unique_ptr<Projection> NewProjection(int which) {
  switch (which) {
    case 0: return NewDemandListProjection();
    case 1: return NewLedgerProjection();
    case 2: return NewAuditProjection();
    default: return NewBoardProjection();
  }
}

void BM_Rebuild(benchmark::State& state, int which) {
  Data& data = Log();
  ProjectionOptions options;
  double seconds = 0;
  for (auto _ : state) {
    std::string dir = MakeDir("proj-rebuild");
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(o, dir, &db).ok()) std::abort();
    auto start = std::chrono::steady_clock::now();
    {
      std::unique_ptr<Projection> p = NewProjection(which);
      DemandFoldCache folds(data.store.get(), options.demand_cache_entries);
      ApplyContext ctx(db, KeyBE("p", 1), &folds, &options);
      for (uint64_t at = 0; at < data.events; at += options.batch_events) {
        uint64_t until = std::min<uint64_t>(data.events, at + options.batch_events);
        Status s = ApplyRange(*data.store, db, p.get(), &ctx, at, until, nullptr);
        if (!s.ok()) state.SkipWithError(s.ToString().c_str());
        ctx.Reset();
      }
    }
    seconds += Seconds(start);
    delete db;
    std::filesystem::remove_all(dir);
  }
  state.SetItemsProcessed(state.iterations() * data.events);
  state.counters["vs_raw"] = static_cast<double>(state.iterations() * data.events) / seconds / RawRate();
}

void BM_RebuildAll(benchmark::State& state) {
  Data& data = Log();
  double seconds = 0;
  for (auto _ : state) {
    std::string dir = MakeDir("proj-all");
    auto start = std::chrono::steady_clock::now();
    auto runner = ProjectionRunner::Open(data.store.get(), dir, ProjectionOptions{});
    if (!runner.ok() || !(*runner)->WaitFor(data.events, std::chrono::hours(1)).ok()) std::abort();
    seconds += Seconds(start);
    if (data.live_dir.empty()) {
      data.live_dir = dir;
      Dirs().push_back(dir);
    } else {
      runner->reset();
      std::filesystem::remove_all(dir);
    }
  }
  state.SetItemsProcessed(state.iterations() * data.events);
  state.counters["vs_raw"] = static_cast<double>(state.iterations() * data.events) / seconds / RawRate();
}

ProjectionRunner& Runner() {
  Data& data = Log();
  if (!data.runner) {
    if (data.live_dir.empty()) {
      data.live_dir = MakeDir("proj-all");
      Dirs().push_back(data.live_dir);
    }
    auto r = ProjectionRunner::Open(data.store.get(), data.live_dir, ProjectionOptions{});
    if (!r.ok() || !(*r)->WaitFor(data.events, std::chrono::hours(1)).ok()) std::abort();
    data.runner = std::move(*r);
  }
  return *data.runner;
}

void BM_Restart(benchmark::State& state) {
  Data& data = Log();
  Runner();
  data.runner.reset();
  for (auto _ : state) {
    auto r = ProjectionRunner::Open(data.store.get(), data.live_dir, ProjectionOptions{});
    if (!r.ok() || !(*r)->WaitFor(data.events, std::chrono::seconds(60)).ok()) std::abort();
  }
}

enum class Query { kDemand, kHistory, kList, kLedger, kPositionAt };

void BM_Query(benchmark::State& state, Query q, bool as_of) {
  Data& data = Log();
  const ReadModels& v = Runner().views();
  std::optional<uint64_t> at;
  if (as_of) at = data.events / 2;
  uint64_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    ++i;
    std::string out;
    switch (q) {
      case Query::kDemand: {
        auto r = v.Demand("d" + std::to_string(i % (Demands() / 4)), at);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        out = DemandViewJson(*r, DemandViewRender{});
        break;
      }
      case Query::kHistory: {
        auto r = v.History("d" + std::to_string(i % (Demands() / 4)), at);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        out = DemandHistoryJson(*r);
        break;
      }
      case Query::kList: {
        DemandQuery dq;
        dq.site_id = "s" + std::to_string(i % 100);
        dq.status = "open";
        dq.as_of = at;
        auto r = v.Demands(dq);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        out = DemandPageJson(*r);
        break;
      }
      case Query::kLedger: {
        auto r = v.Ledger("s" + std::to_string(i % 100), at);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        out = SiteLedgerJson(*r);
        break;
      }
      case Query::kPositionAt: {
        auto r = v.PositionAt(*ParseRfc3339("2022-01-01T00:00:00+08:00") + static_cast<Micros>(i % 100'000) * kMicrosPerSecond);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        out = std::to_string(*r);
        break;
      }
    }
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void CloseAndRemoveAll() {
  // One Log() call: once the store is reset, a second call would build the data set again.
  Data& data = Log();
  data.runner.reset();
  data.store.reset();
  delete data.raw;
  data.raw = nullptr;
  for (const std::string& dir : Dirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

void Register() {
  const double min_time = Smoke() ? 0.01 : 2.0;
  auto timed = [&](benchmark::internal::Benchmark* b) {
    b->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(min_time);
  };
  timed(benchmark::RegisterBenchmark("RawScan", BM_RawScan));
  timed(benchmark::RegisterBenchmark("StoreScan", BM_StoreScan));
  const char* names[] = {"demand_list", "ledger", "audit", "board"};
  for (int i = 0; i < 4; ++i) {
    timed(benchmark::RegisterBenchmark((std::string("Rebuild/") + names[i]).c_str(), BM_Rebuild, i));
  }
  timed(benchmark::RegisterBenchmark("RebuildAll", BM_RebuildAll));
  timed(benchmark::RegisterBenchmark("Restart", BM_Restart));
  struct Q {
    const char* name;
    Query q;
  };
  for (Q q : {Q{"demand_view", Query::kDemand}, Q{"history", Query::kHistory}, Q{"list_open", Query::kList},
              Q{"ledger", Query::kLedger}}) {
    benchmark::RegisterBenchmark((std::string("AsOf/") + q.name).c_str(), BM_Query, q.q, true)
        ->Unit(benchmark::kMicrosecond)->MinTime(min_time);
    benchmark::RegisterBenchmark((std::string("Live/") + q.name).c_str(), BM_Query, q.q, false)
        ->Unit(benchmark::kMicrosecond)->MinTime(min_time);
  }
  benchmark::RegisterBenchmark("PositionAt", BM_Query, Query::kPositionAt, false)
      ->Unit(benchmark::kMicrosecond)->MinTime(min_time);
}

}  // namespace
}  // namespace redledger

int main(int argc, char** argv) {
  redledger::Register();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  redledger::CloseAndRemoveAll();
  return 0;
}
