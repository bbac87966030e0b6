// redledger seed: the demo data set (redledger/demo.h) into an empty data
// directory, through the real command service.
#include <filesystem>
#include <ostream>

#include "cli/common.h"
#include "redledger/auth.h"
#include "redledger/demo.h"
#include "redledger/vault.h"

namespace redledger::cli {
namespace {

constexpr char kUsage[] = R"(redledger seed --data-dir D [--seed S] [--demands N] [--months M]: the demo data set (server stopped)
  --data-dir D            an empty data directory (created if missing)
  --seed S                seeds every choice (default 1)
  --demands N             demands raised over the period, about 9 events each (default 1240)
  --months M              months of demands from 2022-01 (default 12)
Prints the figures and one token per role (tokens are shown only here).
)";

int Run(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "seed";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "seed", "demands", "months"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  DemoOptions options;
  Result<uint64_t> seed = flags->Number("seed", options.seed);
  Result<uint64_t> demands = flags->Number("demands", options.demands);
  Result<uint64_t> months = flags->Number("months", static_cast<uint64_t>(options.months));
  for (const Status& s : {data_dir.status(), seed.status(), demands.status(), months.status()}) {
    if (!s.ok()) return Fail(io, cmd, s.message() + " (see --help)", 2);
  }
  if (*months < 1 || *months > 120) return Fail(io, cmd, "--months wants 1..120", 2);
  options.seed = *seed;
  options.demands = *demands;
  options.months = static_cast<int>(*months);

  std::error_code ec;
  std::filesystem::create_directories(*data_dir, ec);
  FakeClock clock;
  StoreOptions store_options;
  store_options.clock = &clock;
  store_options.sync = false;  // a crashed seed is redone from an empty directory
  Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(LogDir(*data_dir), store_options);
  if (!store.ok()) {
    std::string why = store.status().message();
    if (why.find("lock") != std::string::npos) why += " (is the server running? stop it first)";
    return Fail(io, cmd, why);
  }
  if ((*store)->Head() != 0) return Fail(io, cmd, "the log in " + *data_dir + " is not empty");
  Result<std::unique_ptr<Vault>> vault = Vault::Open(*data_dir + "/vault", VaultOptions{});
  if (!vault.ok()) return Fail(io, cmd, vault.status().message());
  Result<std::unique_ptr<CredentialStore>> credentials = CredentialStore::Open(*data_dir + "/credentials");
  if (!credentials.ok()) return Fail(io, cmd, credentials.status().message());
  Result<DemoReport> report = SeedDemo(store->get(), vault->get(), &clock, credentials->get(), options);
  if (!report.ok()) return Fail(io, cmd, report.status().message());
  io.out << DemoBanner(*report, "http://127.0.0.1:8080");
  return 0;
}

}  // namespace

Command SeedCommand() { return {"seed", kUsage, Run}; }

}  // namespace redledger::cli
