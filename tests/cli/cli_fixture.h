// A data directory like the server's (log/, vault/, keys/checkpoint.key)
// filled by the projection tests' workload driver, and a way to run
// `redledger` in-process.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projection/driver.h"
#include "redledger/checkpoint.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/vault.h"
#include "support/temp_dir.h"

namespace redledger::testing {

struct CliRun {
  int code = -1;
  std::string out, err;
};
CliRun Cli(const std::vector<std::string>& args);

// Lines of a text file, and writing them back.
std::vector<std::string> ReadLines(const std::string& path);
void WriteLines(const std::string& path, const std::vector<std::string>& lines);

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Fills data_dir() with `steps` driver steps (the store stays open).
  void Fill(int steps, uint64_t seed = 7);
  // Closes the driver, the vault and the store of data_dir().
  void CloseAll();
  // A path inside the temporary directory.
  std::string Path(const std::string& name) const { return tmp_.path() + "/" + name; }
  const std::string& data_dir() const { return data_dir_; }
  std::string PublicKey() const { return data_dir_ + "/keys/checkpoint.key.pub"; }
  // Writes a checkpoint of the first `size` events of `store`, signed with
  // the data directory's key, to a file; returns its path.
  std::string SignedCheckpointFile(const EventStore& store, uint64_t size, const std::string& name);
  // Every read-model answer of a runner over `store`, at `as_of`.
  std::vector<std::string> Dump(EventStore* store, const std::string& projections_dir, std::optional<uint64_t> as_of);

  TempDir tmp_;
  std::string data_dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<Driver> driver_;
  std::unique_ptr<Signer> signer_;
};

}  // namespace redledger::testing
