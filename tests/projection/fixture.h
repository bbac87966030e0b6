// A temporary data directory with a RocksDB event store (unsynced: tests
// need crash-consistency of the projections, not power-cut durability of
// the log), a vault, a fake clock and helpers to open runners.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "projection/driver.h"

namespace redledger::testing {

class ProjectionFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void OpenStore();
  void CloseStore();
  std::unique_ptr<ProjectionRunner> OpenRunner(const std::string& name, ProjectionOptions options = {});
  // Waits until `r` has applied the store's head.
  void CatchUp(const ProjectionRunner& r);
  void Steps(Driver& d, int n);

  std::filesystem::path dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<Vault> vault_;
};

// Options that exercise batching and the fold cache's misses.
ProjectionOptions SmallOptions();

}  // namespace redledger::testing
