// Ledger and score messages: once on subscribe and again when the site's
// projections change, from the real projections over a real workload.
#include "projection/driver.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"
#include "redledger/vault.h"
#include "ws/live_fixture.h"

namespace redledger::testing {
namespace {

class DocumentsTest : public LiveTest {
 protected:
  void SetUp() override {
    LiveTest::SetUp();
    auto vault = Vault::Open(dir_.path() + "/vault", VaultOptions{false});
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    vault_ = std::move(*vault);
    driver_ = std::make_unique<Driver>(store_.get(), vault_.get(), &fake_clock_, 5);
    ASSERT_TRUE(driver_->Setup().ok());
    auto runner = ProjectionRunner::Open(store_.get(), dir_.path() + "/projections", ProjectionOptions{});
    ASSERT_TRUE(runner.ok()) << runner.status().ToString();
    runner_ = std::move(*runner);
    score_projection_ = std::make_unique<ScoreProjection>(store_.get());
    projections_ = runner_.get();
    scores_ = score_projection_.get();
    hub_clock_ = &fake_clock_;
  }

  void TearDown() override {
    StopServer();
    driver_->Close();
  }

  FakeClock fake_clock_{kT0};
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<Driver> driver_;
  std::unique_ptr<ProjectionRunner> runner_;
  std::unique_ptr<ScoreProjection> score_projection_;
};

TEST_F(DocumentsTest, LedgerAndScoreOnSubscribeAndOnChange) {
  StartServer();
  WebSocketClient c = Subscribe(kLiveAdminToken, R"({"after":"now","site_id":"s1"})");
  bool ledger = false, score = false;
  while (!(ledger && score)) {
    LiveMessage m = Next(c, {"ledger", "score"});
    ASSERT_FALSE(m.kind.empty()) << "no ledger and score on subscribe";
    if (m.kind == "ledger") {
      ledger = true;
      EXPECT_EQ(m.body.at("ledger").at("site_id").as_string(), "s1");
    } else {
      score = true;
      EXPECT_TRUE(m.body.at("score").is_object());
    }
  }
  // Demands raised and handled at s1 change its ledger and its scores.
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(driver_->Step().ok());
  ledger = score = false;
  while (!(ledger && score)) {
    LiveMessage m = Next(c, {"ledger", "score"});
    ASSERT_FALSE(m.kind.empty()) << "no ledger or score after changes (ledger " << ledger << ")";
    if (m.kind == "ledger") ledger = true;
    if (m.kind == "score") score = true;
  }
}

TEST_F(DocumentsTest, NoDocumentsWithoutASite) {
  StartServer();
  WebSocketClient c = Subscribe(kLiveAdminToken, R"({"after":"now"})");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(driver_->Step().ok());
  // Heartbeats and events only.
  for (int i = 0; i < 5; ++i) {
    LiveMessage m = Next(c, {"heartbeat", "event", "ledger", "score"});
    EXPECT_TRUE(m.kind == "heartbeat" || m.kind == "event") << m.kind;
  }
}

}  // namespace
}  // namespace redledger::testing
