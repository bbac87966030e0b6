// Command path benchmarks (DESIGN §6 "durable demand commands"): what the
// domain shell adds on top of a durable append.
//   Service/raise/threads:N — CommandService::Raise: parse, validate, seal
//     the reporter's personal data with the vault, append (synced).
//   Service/accept/threads:N — CommandService::Demand("accept") on demands
//     raised before the timed loop: read and fold the stream, decide, append.
//   Store/append/threads:N — the baseline: EventStore::Append of one
//     demand.raised-sized event to a new stream (synced), no domain work.
// Compare items_per_second of Service/* with Store/append at the same N.
// Sizes: REDLEDGER_BENCH_SMOKE=1 makes every run tiny (CI smoke test).
// Data lives under $REDLEDGER_BENCH_DIR (default: the system temp dir).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "redledger/command_service.h"

namespace redledger {
namespace {

bool Smoke() {
  const char* v = std::getenv("REDLEDGER_BENCH_SMOKE");
  return v != nullptr && std::string(v) == "1";
}

std::string MakeDir(const std::string& name) {
  const char* base = std::getenv("REDLEDGER_BENCH_DIR");
  std::string pattern = ((base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
                         ("redledger-bench-" + name + "-XXXXXX"))
                            .string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) {
    fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

// One durable store, vault and service for the whole process, seeded with a
// site, a compound and the principals.
struct World {
  std::string dir;
  std::unique_ptr<Vault> vault;
  std::unique_ptr<EventStore> store;
  std::unique_ptr<CommandService> service;
  Principal admin, resident, community;
  std::string compound;
  std::atomic<uint64_t> streams{0};

  World() : dir(MakeDir("command")) {
    vault = Must(Vault::Open(dir + "/vault", VaultOptions{}));
    store = Must(OpenRocksEventStore(dir + "/log", StoreOptions{}));
    service = Must(CommandService::Open(store.get(), vault.get(), SystemClock::Default()));
    admin = Principal{"admin", "admin", Role::kAdmin, true, {}, std::nullopt, {}, false};
    Must(service->RunRegistryCommand(admin, "register_site", "",
                                     R"({"site_id":"s1","name":"n","district":"d","street":"s","community":"c","construction_mode":"joint"})",
                                     {}));
    compound = Must(service->RunRegistryCommand(admin, "register_compound", "s1", R"({"name":"Garden"})", {})).id;
    auto principal = [&](std::string_view body) {
      std::string id = Must(service->RegisterPrincipal(admin, body, {})).id;
      return *service->Snapshot()->principals.Find(id);
    };
    resident = principal(R"({"name":"r","role":"resident","sites":["s1"]})");
    community = principal(R"({"name":"c","role":"community","sites":["s1"]})");
  }
  ~World() {
    service.reset();
    store.reset();
    vault.reset();
    std::filesystem::remove_all(dir);
  }

  std::string RaiseBody() const {
    return R"({"site_id":"s1","category":"lift","title":"Lift out of service","description":"The lift in building 3 has stopped twice this week.","urgency":"urgent","channel":"grid_visit","location":{"compound_id":")" +
           compound + R"(","building":"3"},"reporter":{"name":"张三","phone":"13800001234"}})";
  }
};

World& TheWorld() {
  static World w;
  return w;
}

void BM_ServiceRaise(benchmark::State& state) {
  World& w = TheWorld();
  const std::string body = w.RaiseBody();
  for (auto _ : state) Must(w.service->Raise(w.resident, body, {}));
  state.SetItemsProcessed(state.iterations());
}

void BM_ServiceAccept(benchmark::State& state) {
  World& w = TheWorld();
  // Demands to accept, raised before the timed loop.
  const size_t n = Smoke() ? 4 : 3000;
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back(Must(w.service->Raise(w.resident, w.RaiseBody(), {})).id);
  size_t next = 0;
  for (auto _ : state) {
    if (next == ids.size()) {
      state.SkipWithError("ran out of raised demands");
      break;
    }
    Must(w.service->Demand(w.community, ids[next++], "accept", R"({"note":"立项"})", {}));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StoreAppend(benchmark::State& state) {
  World& w = TheWorld();
  NewEvent e;
  e.type = "demand.raised";
  e.actor = w.resident.ToActor();
  e.data = R"({"attachments":[],"category":"lift","channel":"grid_visit","demand_id":"x","description":"The lift in building 3 has stopped twice this week.","location":{"building":"3","compound_id":"c","grid_id":null},"raised_by":"p","reporter":{"subject_id":"p"},"response_due_at":"2026-03-03T00:00:00.000000Z","site_id":"s1","title":"Lift out of service","urgency":"urgent"})";
  e.personal = std::string(70, 'z');
  for (auto _ : state) {
    e.event_id = NewUuidV4();
    std::vector<AppendPart> parts;
    parts.push_back({"bench-" + std::to_string(w.streams++), ExpectedVersion::NoStream(), {e}});
    Must(w.store->Append(std::move(parts)));
  }
  state.SetItemsProcessed(state.iterations());
}

void Threads(benchmark::internal::Benchmark* b) {
  if (Smoke()) {
    b->Threads(1)->Iterations(2);
  } else {
    b->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
  }
}

BENCHMARK(BM_StoreAppend)->Name("Store/append")->Apply(Threads);
BENCHMARK(BM_ServiceRaise)->Name("Service/raise")->Apply(Threads);
BENCHMARK(BM_ServiceAccept)->Name("Service/accept")->Apply([](benchmark::internal::Benchmark* b) {
  if (Smoke()) {
    b->Threads(1)->Iterations(2);
  } else {
    b->Threads(1)->Iterations(1000)->UseRealTime();
  }
});

}  // namespace
}  // namespace redledger

BENCHMARK_MAIN();
