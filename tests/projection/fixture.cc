#include "projection/fixture.h"

#include "redledger/encoding.h"

namespace redledger::testing {

void ProjectionFixture::SetUp() {
  dir_ = std::filesystem::temp_directory_path() / ("redledger-projection-" + HexEncode(RandomBytes(6)));
  std::filesystem::create_directories(dir_);
  OpenStore();
  auto vault = Vault::Open((dir_ / "vault").string(), VaultOptions{false});
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  vault_ = std::move(*vault);
}

void ProjectionFixture::TearDown() {
  vault_.reset();
  store_.reset();
  std::filesystem::remove_all(dir_);
}

void ProjectionFixture::OpenStore() {
  StoreOptions o;
  o.sync = false;
  o.clock = &clock_;
  auto store = OpenRocksEventStore((dir_ / "store").string(), o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(*store);
}

void ProjectionFixture::CloseStore() { store_.reset(); }

std::unique_ptr<ProjectionRunner> ProjectionFixture::OpenRunner(const std::string& name, ProjectionOptions options) {
  auto r = ProjectionRunner::Open(store_.get(), (dir_ / name).string(), options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

void ProjectionFixture::CatchUp(const ProjectionRunner& r) {
  Status st = r.WaitFor(store_->Head(), std::chrono::seconds(60));
  ASSERT_TRUE(st.ok()) << st.ToString() << " / " << r.health().ToString();
}

void ProjectionFixture::Steps(Driver& d, int n) {
  for (int i = 0; i < n; ++i) {
    Status st = d.Step();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
}

ProjectionOptions SmallOptions() {
  ProjectionOptions o;
  o.batch_events = 37;
  o.demand_cache_entries = 8;
  return o;
}

}  // namespace redledger::testing
