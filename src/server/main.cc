// redledgerd: the redledger server (DESIGN §4 "Running").
//
//   redledgerd --data-dir DIR [--listen 127.0.0.1:8080] [--threads N] ...
//
// Data directory layout: log/ (the event store), vault/, credentials/,
// projections/, idempotency/, scores.checkpoint, keys/checkpoint.key (unless
// --signing-key puts the key elsewhere).
//
// Reads top to bottom: flags, logging, the stores, the services, the
// routes, the scheduler thread, then wait for SIGINT/SIGTERM; on a signal
// stop accepting, let in-flight requests finish, stop the scheduler and
// close everything (each store flushes on close), exit 0.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "redledger/api.h"
#include "redledger/auth.h"
#include "redledger/checkpoint.h"
#include "redledger/command_service.h"
#include "redledger/demo.h"
#include "redledger/event_store.h"
#include "redledger/http_server.h"
#include "redledger/live_hub.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"
#include "redledger/vault.h"

namespace {

using namespace redledger;

constexpr const char* kUsage = R"(usage: redledgerd --data-dir DIR [options]

  --data-dir DIR          where the log, vault, credentials and read models live (required)
  --listen HOST:PORT      address to serve on (default 127.0.0.1:8080, loopback only)
  --threads N             I/O threads (default: one per core)
  --admin-token-file F    file holding the bootstrap admin token (else env REDLEDGER_ADMIN_TOKEN)
  --read-wait-ms MS       longest a query waits for the read models (default 2000; then 503)
  --log-origin NAME       checkpoint origin and signing key name (default redledger)
  --signing-key PATH      Ed25519 checkpoint key (default DIR/keys/checkpoint.key; created if missing)
  --backup-dir DIR        where POST /v1/admin/backups writes backups (unset: backups are off, 503)
  --relaxed-durability    acknowledge appends before the WAL sync (survives a process crash,
                          not a power cut)
  --body-limit BYTES      largest request body (default 65536; 413 above)
  --max-connections N     open connections (default 10000; 503 above)
  --rate-limit N          requests per second per principal (default 0: off; 429 above)
  --log-level LEVEL       trace, debug, info, warn, error (default info)
  --demo                  seed an empty data directory with the demo data set and print a token per role
  --help                  this text
)";

struct Flags {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string admin_token_file;
  int64_t read_wait_ms = 2000;
  std::string log_origin = "redledger";
  std::string signing_key;
  std::string backup_dir;
  bool relaxed_durability = false;
  int64_t body_limit = 64 * 1024;
  int64_t max_connections = 10'000;
  int64_t rate_limit = 0;
  std::string log_level = "info";
  bool demo = false;
};

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Exits with the usage on a bad command line.
Flags ParseFlags(int argc, char** argv) {
  Flags f;
  auto fail = [](const std::string& why) {
    std::fprintf(stderr, "redledgerd: %s\n\n%s", why.c_str(), kUsage);
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--relaxed-durability" || arg == "--demo") {
      (arg == "--demo" ? f.demo : f.relaxed_durability) = true;
      continue;
    }
    if (i + 1 >= argc) fail(std::string(arg) + " needs a value (or is unknown)");
    std::string value = argv[++i];
    auto number = [&](int64_t* out) {
      auto v = ParseInt(value);
      if (!v) fail(std::string(arg) + " wants a non-negative integer, got " + value);
      *out = *v;
    };
    if (arg == "--data-dir") f.data_dir = value;
    else if (arg == "--listen") f.listen = value;
    else if (arg == "--threads") { int64_t n; number(&n); f.threads = static_cast<int>(n); }
    else if (arg == "--admin-token-file") f.admin_token_file = value;
    else if (arg == "--read-wait-ms") number(&f.read_wait_ms);
    else if (arg == "--log-origin") f.log_origin = value;
    else if (arg == "--signing-key") f.signing_key = value;
    else if (arg == "--backup-dir") f.backup_dir = value;
    else if (arg == "--body-limit") number(&f.body_limit);
    else if (arg == "--max-connections") number(&f.max_connections);
    else if (arg == "--rate-limit") number(&f.rate_limit);
    else if (arg == "--log-level") f.log_level = value;
    else fail("unknown flag " + std::string(arg));
  }
  if (f.data_dir.empty()) fail("--data-dir is required");
  if (f.signing_key.empty()) f.signing_key = f.data_dir + "/keys/checkpoint.key";
  return f;
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    spdlog::critical("{}: {}", what, r.status().ToString());
    std::exit(1);
  }
  return std::move(r).value();
}

// --demo: seeds an empty log with the demo data set (redledger/demo.h). The
// demo's events carry its simulated times, so it writes through a store of
// its own whose clock is the demo's; that store is closed before serving.
std::optional<DemoReport> SeedDemoIfEmpty(const std::string& log_dir, StoreOptions options, Vault* vault,
                                          CredentialStore* credentials) {
  FakeClock demo_clock;
  options.clock = &demo_clock;
  auto store = Must(OpenRocksEventStore(log_dir, options), "opening the log for the demo");
  if (store->Head() != 0) {
    spdlog::warn("--demo: the log is not empty; serving it as it is");
    return std::nullopt;
  }
  spdlog::info("--demo: seeding the demo data set");
  return Must(SeedDemo(store.get(), vault, &demo_clock, credentials, DemoOptions{}), "seeding the demo");
}

// Runs scheduler passes when the next due time comes (at least every few
// seconds, so demands raised meanwhile are seen) and sweeps expired
// idempotency records; stops when asked.
class SchedulerThread {
 public:
  SchedulerThread(CommandService* commands, ScoreProjection* scores, api::IdempotencyStore* idempotency,
                  const Clock* clock)
      : thread_([=, this] { Run(commands, scores, idempotency, clock); }) {}
  ~SchedulerThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  static constexpr Micros kMaxSleep = 5 * kMicrosPerSecond;
  static constexpr Micros kSweepEvery = 60 * kMicrosPerSecond;

  void Run(CommandService* commands, ScoreProjection* scores, api::IdempotencyStore* idempotency, const Clock* clock) {
    // Fold the scores ahead of the first query.
    if (Status s = scores->CatchUp(); !s.ok()) spdlog::error("scores: {}", s.ToString());
    Micros last_sweep = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      Micros now = clock->NowMicros();
      if (auto wake = commands->NextSchedulerWakeup(); wake && *wake <= now) {
        auto report = commands->RunScheduler();
        if (!report.ok()) spdlog::error("scheduler: {}", report.status().ToString());
        else if (report->appended) spdlog::info("scheduler: {} demands due", report->appended);
      }
      if (now - last_sweep >= kSweepEvery) {
        auto swept = idempotency->Sweep();
        if (!swept.ok()) spdlog::error("idempotency sweep: {}", swept.status().ToString());
        last_sweep = now;
      }
      Micros sleep = kMaxSleep;
      if (auto wake = commands->NextSchedulerWakeup()) sleep = std::clamp<Micros>(*wake - clock->NowMicros(), 1000, kMaxSleep);
      lock.lock();
      cv_.wait_for(lock, std::chrono::microseconds(sleep), [this] { return stop_; });
    }
  }

  std::mutex mu_;  // guards stop_
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  spdlog::set_level(spdlog::level::from_str(flags.log_level));

  // Signals are taken by sigwait below, never by a thread that happens to run.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::ServerOptions server_options;
  if (Status s = http::ParseListenAddress(flags.listen, &server_options); !s.ok()) {
    std::fprintf(stderr, "redledgerd: --listen: %s\n", s.message().c_str());
    return 2;
  }
  server_options.threads = flags.threads;
  server_options.body_limit = static_cast<size_t>(flags.body_limit);
  server_options.max_connections = static_cast<size_t>(flags.max_connections);
  server_options.rate_limit_per_second = static_cast<double>(flags.rate_limit);

  std::error_code ec;
  std::filesystem::create_directories(flags.data_dir, ec);
  std::filesystem::create_directories(std::filesystem::path(flags.signing_key).parent_path(), ec);
  const Clock* clock = SystemClock::Default();
  const std::string& dir = flags.data_dir;

  StoreOptions store_options;
  store_options.sync = !flags.relaxed_durability;
  VaultOptions vault_options;
  vault_options.sync = !flags.relaxed_durability;
  auto vault = Must(Vault::Open(dir + "/vault", vault_options), "opening the vault");
  auto credentials = Must(CredentialStore::Open(dir + "/credentials"), "opening the credentials");
  std::optional<DemoReport> demo;
  if (flags.demo) demo = SeedDemoIfEmpty(dir + "/log", store_options, vault.get(), credentials.get());
  auto store = Must(OpenRocksEventStore(dir + "/log", store_options), "opening the log");
  auto idempotency = Must(api::IdempotencyStore::Open(dir + "/idempotency", clock), "opening the idempotency store");
  auto signer = Must(Signer::Open(flags.signing_key, flags.log_origin), "opening the signing key");
  auto commands = Must(CommandService::Open(store.get(), vault.get(), clock), "folding the log");
  auto projections = Must(ProjectionRunner::Open(store.get(), dir + "/projections", ProjectionOptions{}),
                          "opening the projections");
  ScoreProjectionOptions score_options;
  score_options.checkpoint_path = dir + "/scores.checkpoint";
  ScoreProjection scores(store.get(), score_options);

  auto admin_token = Must(ReadBootstrapAdminToken(flags.admin_token_file), "reading the admin token");
  if (!admin_token) spdlog::warn("no bootstrap admin token (--admin-token-file or REDLEDGER_ADMIN_TOKEN)");
  CommandService* command_service = commands.get();
  Authenticator authenticator(
      credentials.get(),
      [command_service](std::string_view id) -> std::optional<Principal> {
        const Principal* p = command_service->Snapshot()->principals.Find(id);
        if (p == nullptr) return std::nullopt;
        return *p;
      },
      admin_token);

  // Declared before the server so that it outlives server.Wait().
  LiveHub live(store.get(), &authenticator, LiveHubOptions{}, projections.get(), &scores, clock);
  http::Server server(server_options, &authenticator);
  api::Api api{.store = store.get(),
               .commands = commands.get(),
               .projections = projections.get(),
               .scores = &scores,
               .vault = vault.get(),
               .credentials = credentials.get(),
               .idempotency = idempotency.get(),
               .signer = signer.get(),
               .clock = clock,
               .options = {.read_wait = std::chrono::milliseconds(flags.read_wait_ms)},
               .data_dir = dir,
               .backup_dir = flags.backup_dir};
  api::RegisterRoutes(&server, api);
  if (Status s = AttachLiveHub(server, live); !s.ok()) {
    spdlog::critical("live feed: {}", s.ToString());
    return 1;
  }
  if (Status s = server.Start(); !s.ok()) {
    spdlog::critical("listening on {}: {}", flags.listen, s.ToString());
    return 1;
  }
  spdlog::info("redledgerd serving on {}:{} (log head {}, data in {})", server_options.address, server.port(),
               store->Head(), dir);
  if (demo) {
    std::fputs(DemoBanner(*demo, "http://" + server_options.address + ":" + std::to_string(server.port())).c_str(),
               stdout);
    std::fflush(stdout);
  }

  {
    SchedulerThread scheduler(commands.get(), &scores, idempotency.get(), clock);
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("signal {}: stopping", signal);
    server.Stop();
    server.Wait();
  }
  spdlog::info("stopped");
  return 0;
}
