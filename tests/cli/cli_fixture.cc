#include "cli/cli_fixture.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "redledger/cli.h"
#include "redledger/merkle.h"

namespace redledger::testing {

CliRun Cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CliRun r;
  r.code = RunCli(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& l : lines) out << l << "\n";
}

void CliFixture::SetUp() {
  data_dir_ = tmp_.path() + "/data";
  std::filesystem::create_directories(data_dir_ + "/keys");
  StoreOptions options;
  options.sync = false;
  options.clock = &clock_;
  Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(data_dir_ + "/log", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  Result<std::unique_ptr<Vault>> vault = Vault::Open(data_dir_ + "/vault", VaultOptions{.sync = false});
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  vault_ = std::move(vault).value();
  Result<std::unique_ptr<Signer>> signer = Signer::Open(data_dir_ + "/keys/checkpoint.key", "redledger");
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  signer_ = std::move(signer).value();
}

void CliFixture::TearDown() { CloseAll(); }

void CliFixture::Fill(int steps, uint64_t seed) {
  driver_ = std::make_unique<Driver>(store_.get(), vault_.get(), &clock_, seed);
  ASSERT_TRUE(driver_->Setup().ok());
  for (int i = 0; i < steps; ++i) {
    Status s = driver_->Step();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

void CliFixture::CloseAll() {
  if (driver_) driver_->Close();
  vault_.reset();
  store_.reset();
}

std::string CliFixture::SignedCheckpointFile(const EventStore& store, uint64_t size, const std::string& name) {
  Result<Hash256> root = merkle::RootAt(size, store.TreeReader());
  EXPECT_TRUE(root.ok());
  Result<std::string> note = signer_->Sign(Checkpoint{"redledger", size, root.ok() ? *root : Hash256{}, kT0});
  EXPECT_TRUE(note.ok());
  const std::string path = Path(name);
  std::ofstream(path) << (note.ok() ? *note : "");
  return path;
}

std::vector<std::string> CliFixture::Dump(EventStore* store, const std::string& projections_dir,
                                          std::optional<uint64_t> as_of) {
  Result<std::unique_ptr<ProjectionRunner>> runner = ProjectionRunner::Open(store, projections_dir, ProjectionOptions{});
  EXPECT_TRUE(runner.ok()) << runner.status().ToString();
  if (!runner.ok()) return {};
  Status s = (*runner)->WaitFor(store->Head(), std::chrono::seconds(30));
  EXPECT_TRUE(s.ok()) << s.ToString();
  return DumpReadModels((*runner)->views(), *driver_, as_of);
}

}  // namespace redledger::testing
