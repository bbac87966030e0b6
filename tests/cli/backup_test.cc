// Backups taken while events are appended, restored, verified and compared
// with a rebuild.
#include <atomic>
#include <filesystem>
#include <thread>

#include "cli/cli_fixture.h"
#include "redledger/backup.h"
#include "redledger/log_verifier.h"

namespace redledger::testing {
namespace {

class BackupTest : public CliFixture {};

TEST_F(BackupTest, BackupUnderWriteLoadRestoresAVerifiedStoreWhoseProjectionsEqualARebuild) {
  Fill(60);
  // The server's read models, live beside the appends.
  Result<std::unique_ptr<ProjectionRunner>> live =
      ProjectionRunner::Open(store_.get(), data_dir() + "/projections", ProjectionOptions{});
  ASSERT_TRUE(live.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> steps{0};
  std::thread appender([&] {
    while (!stop.load()) {
      Status s = driver_->Step();
      ASSERT_TRUE(s.ok()) << s.ToString();
      steps.fetch_add(1);
    }
  });
  while (steps.load() < 20) std::this_thread::yield();
  Result<BackupInfo> info = BackupDataDir(data_dir(), Path("backups"));
  const int steps_at_backup_end = steps.load();
  while (steps.load() < steps_at_backup_end + 20) std::this_thread::yield();
  stop.store(true);
  appender.join();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_GT(info->position, 0u);
  EXPECT_LT(info->position, store_->Head());  // appends went on after it
  EXPECT_TRUE(std::filesystem::exists(info->path + "/backup.json"));
  live->reset();

  // Restore through the CLI: it verifies the restored log.
  const std::string restored = Path("restored");
  CliRun r = Cli({"restore", "--from", info->path, "--data-dir", restored});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Cli({"verify", "--data-dir", restored}).code, 0);
  // A second restore onto it is refused.
  EXPECT_EQ(Cli({"restore", "--from", info->path, "--data-dir", restored}).code, 1);

  Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(restored + "/log", StoreOptions{.sync = false});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Head(), info->position);
  // The restored read models (resumed from their backed-up checkpoint) equal
  // ones rebuilt from position 1 over the restored log.
  std::vector<std::string> resumed = Dump(store->get(), restored + "/projections", std::nullopt);
  std::vector<std::string> rebuilt = Dump(store->get(), Path("rebuilt"), std::nullopt);
  ASSERT_FALSE(resumed.empty());
  ASSERT_EQ(resumed.size(), rebuilt.size());
  for (size_t i = 0; i < resumed.size(); ++i) EXPECT_TRUE(SameAnswer(resumed[i], rebuilt[i])) << i;
  // The vault came along: the sealed reporters of the restored log open.
  Result<std::unique_ptr<Vault>> vault = Vault::Open(restored + "/vault", VaultOptions{});
  ASSERT_TRUE(vault.ok());
  Result<std::vector<Envelope>> events = (*store)->ReadAll(0, info->position);
  ASSERT_TRUE(events.ok());
  int opened = 0;
  for (const Envelope& e : *events) {
    if (e.type != "demand.raised" || e.personal.empty()) continue;
    const std::string key = "\"subject_id\":\"";
    size_t at = e.data.find(key);
    ASSERT_NE(at, std::string::npos) << e.data;
    at += key.size();
    const std::string subject = e.data.substr(at, e.data.find('"', at) - at);
    Result<std::string> plain = (*vault)->Decrypt(subject, e.personal);
    EXPECT_TRUE(plain.ok()) << subject << ": " << plain.status().ToString();
    ++opened;
  }
  EXPECT_GT(opened, 0);
  EXPECT_TRUE(std::filesystem::exists(restored + "/keys/checkpoint.key"));
}

TEST_F(BackupTest, BackupCommandAnswersIdAndPosition) {
  Fill(10);
  CliRun r = Cli({"backup", "--data-dir", data_dir(), "--to", Path("b")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"backup_id\":\"backup-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"position\":" + std::to_string(store_->Head())), std::string::npos) << r.out;
  EXPECT_EQ(Cli({"backup", "--data-dir", Path("nothing"), "--to", Path("b")}).code, 1);
}

}  // namespace
}  // namespace redledger::testing
