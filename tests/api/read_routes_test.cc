// Registry reads, the event feed and its visibility, audit, ledger, scores
// and notices, proofs and verify, the public board and the operational
// endpoints, each with its success and its errors.
#include "api/api_fixture.h"
#include "redledger/backup.h"
#include "redledger/checkpoint.h"

namespace redledger::testing {
namespace {

class ReadRoutesTest : public ApiTest {};

TEST_F(ReadRoutesTest, Registry) {
  auto sites = Get("/v1/sites", tokens["inspector"]);
  ASSERT_EQ(sites.status, 200) << sites.body;
  EXPECT_NE(sites.body.find("\"s-2\""), std::string::npos);
  auto scoped = Get("/v1/sites", tokens["community"]);
  EXPECT_EQ(scoped.body.find("\"s-2\""), std::string::npos) << scoped.body;
  auto page = Get("/v1/sites?limit=1", tokens["inspector"]);
  EXPECT_EQ(Member(page.body, "next_cursor"), "s-1");
  auto site = Get("/v1/sites/s-1", tokens["community"]);
  ASSERT_EQ(site.status, 200) << site.body;
  EXPECT_NE(site.body.find(world["compound-s-1"]), std::string::npos);
  EXPECT_NE(site.body.find("\"u-1\""), std::string::npos);
  EXPECT_EQ(Get("/v1/sites/s-2", tokens["community"]).status, 403);
  EXPECT_EQ(Get("/v1/sites/s-9", tokens["community"]).status, 404);
  auto units = Get("/v1/units?site_id=s-2", tokens["community"]);
  ASSERT_EQ(units.status, 200);
  EXPECT_NE(units.body.find("\"u-2\""), std::string::npos);
  EXPECT_EQ(units.body.find("\"u-1\""), std::string::npos);
  auto patch = Call("PATCH", "/v1/sites/s-1", tokens["community"], R"({"name":"Hexing"})",
                    {{"Content-Type", "application/json"}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(Member(patch.body, "position"), std::to_string(server->store().Head()));
  EXPECT_EQ(Call("PATCH", "/v1/sites/s-1", tokens["community"], R"({"name":"X"})",
                 {{"Content-Type", "application/json"}, {"If-Match", "1"}}).status, 409);
  EXPECT_EQ(Post("/v1/sites", R"({"site_id":"s-1","name":"N","district":"D","street":"S","community":"C","construction_mode":"joint"})",
                 tokens["admin"]).status, 422);  // the id is taken
}

TEST_F(ReadRoutesTest, LedgerJsonAndCsv) {
  DemandIn("resolved");
  auto ledger = Get("/v1/sites/s-1/ledger", tokens["community"]);
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_NE(ledger.body.find("\"resolved\":1"), std::string::npos) << ledger.body;
  auto csv = Call("GET", "/v1/sites/s-1/ledger", tokens["community"], {}, {{"Accept", "text/csv"}});
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.Header("content-type").find("text/csv"), std::string::npos);
  EXPECT_EQ(Get("/v1/sites/s-1/ledger?format=csv", tokens["community"]).Header("content-type").find("text/csv"), 0u);
  EXPECT_EQ(Get("/v1/sites/s-1/ledger", tokens["resident"]).status, 403);
  EXPECT_EQ(Get("/v1/sites/s-1/ledger", tokens["community2"]).status, 403);
  EXPECT_EQ(Get("/v1/sites/s-9/ledger", tokens["community"]).status, 404);
}

TEST_F(ReadRoutesTest, EventsAreVisibleByRoleAndScope) {
  std::string at1 = DemandIn("accepted");
  const uint64_t head = server->store().Head();
  auto all = Get("/v1/events?limit=1000", tokens["admin"]);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Member(all.body, "head"), std::to_string(head));
  EXPECT_NE(all.body.find("principal.registered"), std::string::npos);
  auto inspector = Get("/v1/events?limit=1000", tokens["inspector"]);
  EXPECT_EQ(inspector.body.find("principal.registered"), std::string::npos);  // access stream: admins only
  EXPECT_NE(inspector.body.find("demand.accepted"), std::string::npos);
  auto other_site = Get("/v1/events?limit=1000", tokens["community2"]);
  ASSERT_EQ(other_site.status, 200);
  EXPECT_EQ(other_site.body.find(at1), std::string::npos);
  EXPECT_NE(Get("/v1/events?limit=1000", tokens["community"]).body.find(at1), std::string::npos);
  for (const char* role : {"admin", "inspector", "community"}) {
    EXPECT_EQ(Get("/v1/events?limit=1000", tokens[role]).body.find("13800131234"), std::string::npos);
  }
  EXPECT_EQ(Get("/v1/events", tokens["resident"]).status, 403);
  auto after = Get("/v1/events?after=" + std::to_string(head - 1), tokens["admin"]);
  EXPECT_NE(after.body.find("\"position\":" + std::to_string(head)), std::string::npos);
  auto stream = Get("/v1/streams/demand-" + at1 + "?after_version=1", tokens["community"]);
  ASSERT_EQ(stream.status, 200) << stream.body;
  EXPECT_NE(stream.body.find("demand.accepted"), std::string::npos);
  EXPECT_EQ(stream.body.find("demand.raised"), std::string::npos);
  EXPECT_EQ(Get("/v1/streams/demand-" + at1, tokens["community2"]).status, 403);
  EXPECT_EQ(Get("/v1/streams/access", tokens["inspector"]).status, 403);
  EXPECT_EQ(Get("/v1/streams/access", tokens["admin"]).status, 200);
  EXPECT_EQ(Get("/v1/streams/nosuchstream", tokens["admin"]).status, 404);
}

TEST_F(ReadRoutesTest, Audit) {
  DemandIn("accepted");
  auto audit = Get("/v1/audit?type=demand.accepted", tokens["inspector"]);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("demand.accepted"), std::string::npos);
  EXPECT_EQ(audit.body.find("demand.raised"), std::string::npos);
  EXPECT_EQ(Get("/v1/audit?site_id=s-1", tokens["supervisor"]).status, 200);
  EXPECT_EQ(Get("/v1/audit", tokens["supervisor"]).status, 403);
  EXPECT_EQ(Get("/v1/audit?site_id=s-2", tokens["supervisor"]).status, 403);
  EXPECT_EQ(Get("/v1/audit", tokens["community"]).status, 403);
}

TEST_F(ReadRoutesTest, ScoresNoticesAndPolicy) {
  DemandIn("resolved");
  auto scores = Get("/v1/scores?period=2022-07", tokens["supervisor"]);
  ASSERT_EQ(scores.status, 200) << scores.body;
  EXPECT_NE(scores.body.find("\"s-1\""), std::string::npos);
  EXPECT_EQ(Get("/v1/sites/s-1/scores?period=2022-07", tokens["supervisor"]).status, 200);
  EXPECT_EQ(Get("/v1/sites/s-2/scores?period=2022-07", tokens["supervisor"]).status, 403);
  EXPECT_EQ(Get("/v1/sites/s-9/scores?period=2022-07", tokens["supervisor"]).status, 404);
  EXPECT_EQ(Get("/v1/scores?period=2022-07", tokens["resident"]).status, 403);
  auto notice = Get("/v1/notices?period=2022-07", tokens["supervisor"]);
  ASSERT_EQ(notice.status, 200) << notice.body;
  EXPECT_EQ(Member(notice.body, "status"), "provisional");
  auto csv = Get("/v1/notices?period=2022-07&format=csv", tokens["supervisor"]);
  EXPECT_NE(csv.Header("content-type").find("text/csv"), std::string::npos);
  EXPECT_EQ(Post("/v1/notices", R"({"period":"2022-07"})", tokens["supervisor"]).status, 403);  // not every site
  auto published = Post("/v1/notices", R"({"period":"2022-07"})", tokens["supervisor_all"]);
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(Member(published.body, "status"), "published");
  EXPECT_EQ(Post("/v1/notices", R"({"period":"2022-07"})", tokens["supervisor_all"]).status, 409);
  EXPECT_EQ(Post("/v1/notices", R"({"period":"2999-01"})", tokens["supervisor_all"]).status, 422);
  auto policy = Get("/v1/policy", tokens["resident"]);
  ASSERT_EQ(policy.status, 200) << policy.body;
  EXPECT_NE(policy.body.find("\"current\""), std::string::npos);
  auto set = Post("/v1/policy",
                  R"({"effective_from":"2031-01","timezone":"+08:00","weights":{"response":10,"resolution":50,"satisfaction":40},"basically_satisfied_factor":900,"response_hours":{"emergency":2,"urgent":24,"routine":72},"resolve_hours":{"emergency":24,"urgent":72,"routine":360},"evaluation_window_days":7,"categories":["heating","lift","water","drainage","parking","sanitation","security","greening","noise","other"]})",
                  tokens["admin"]);
  ASSERT_EQ(set.status, 201) << set.body;
  EXPECT_EQ(Member(set.body, "effective_from"), "2031-01");
  EXPECT_NE(Get("/v1/policy", tokens["resident"]).body.find("2031-01"), std::string::npos);
}

TEST_F(ReadRoutesTest, CheckpointsProofsAndVerify) {
  DemandIn("accepted");
  const uint64_t head = server->store().Head();
  auto key = Get("/v1/checkpoints/key", tokens["resident"]);
  ASSERT_EQ(key.status, 200);
  auto note = Get("/v1/checkpoints/latest", tokens["resident"]);
  ASSERT_EQ(note.status, 200);
  std::string verifier = key.body.substr(0, key.body.find('\n'));
  auto checkpoint = VerifyCheckpoint(note.body, verifier);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint->size, head);
  auto inclusion = Get("/v1/proofs/inclusion?position=3&tree_size=" + std::to_string(head), tokens["inspector"]);
  ASSERT_EQ(inclusion.status, 200) << inclusion.body;
  auto proof = ParseInclusionProofJson(inclusion.body);
  ASSERT_TRUE(proof.ok());
  auto event = server->store().ReadAt(3);
  ASSERT_TRUE(event.ok());
  EXPECT_TRUE(CheckInclusion(*proof, event->hash, *checkpoint).ok());
  auto consistency = Get("/v1/proofs/consistency?from_size=2&to_size=" + std::to_string(head), tokens["inspector"]);
  ASSERT_EQ(consistency.status, 200) << consistency.body;
  EXPECT_TRUE(ParseConsistencyProofJson(consistency.body).ok());
  EXPECT_EQ(Get("/v1/proofs/inclusion?position=3&tree_size=2", tokens["inspector"]).status, 422);
  auto verify = Get("/v1/verify", tokens["inspector"]);
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(Member(verify.body, "ok"), "true");
  EXPECT_EQ(Member(verify.body, "events"), std::to_string(head));
  EXPECT_EQ(Get("/v1/verify", tokens["community"]).status, 403);
}

TEST_F(ReadRoutesTest, PublicBoardWithoutTokenAndNoPersonalData) {
  std::string id = DemandIn("accepted");
  ASSERT_EQ(Post("/v1/demands/" + id + "/publicize", R"({"notice":"Repair starts Monday.","days":7})", tokens["community"]).status, 200);
  auto board = Get("/public/sites/s-1/board", "");
  ASSERT_EQ(board.status, 200) << board.body;
  EXPECT_NE(board.body.find(id), std::string::npos);
  EXPECT_NE(board.body.find("Repair starts Monday."), std::string::npos);
  EXPECT_EQ(board.body.find("13800131234"), std::string::npos);
  EXPECT_EQ(board.body.find("138****"), std::string::npos);
  EXPECT_EQ(Get("/public/sites/s-9/board", "").status, 404);
}

TEST_F(ReadRoutesTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  auto ready = Get("/readyz", "");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(Member(ready.body, "head"), std::to_string(server->store().Head()));
  auto metrics = Get("/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("redledger_log_head " + std::to_string(server->store().Head())), std::string::npos);
}

TEST_F(ReadRoutesTest, PrincipalTokensAreShownOnceAndARetryIssuesAFreshOne) {
  const std::string body = R"({"name":"Zhao","role":"resident","sites":["s-1"]})";
  auto first = Post("/v1/principals", body, tokens["admin"], {{"Idempotency-Key", "p-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const uint64_t head = server->store().Head();
  auto retry = Post("/v1/principals", body, tokens["admin"], {{"Idempotency-Key", "p-1"}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(server->store().Head(), head);
  EXPECT_EQ(Member(retry.body, "principal_id"), Member(first.body, "principal_id"));
  EXPECT_NE(Member(retry.body, "token"), Member(first.body, "token"));
  EXPECT_EQ(Get("/v1/sites", Member(retry.body, "token")).status, 200);
  EXPECT_EQ(Get("/v1/sites", Member(first.body, "token")).status, 401);  // replaced
}

}  // namespace
}  // namespace redledger::testing

namespace redledger::testing {
namespace {

TEST_F(ReadRoutesTest, AdminBackupIsConsistentAndAdminOnly) {
  Raise();
  EXPECT_EQ(Post("/v1/admin/backups", "", tokens["supervisor"]).status, 403);
  const uint64_t head = server->store().Head();
  auto backup = Post("/v1/admin/backups", "", tokens["admin"]);
  ASSERT_EQ(backup.status, 201) << backup.body;
  EXPECT_EQ(Member(backup.body, "position"), std::to_string(head));
  const std::string id = Member(backup.body, "backup_id");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(server->store().Head(), head);  // a backup appends nothing
  // The backup is a data directory that restores and verifies to the same head.
  TempDir restored;
  auto position = RestoreDataDir(server->data_dir() + "/backups/" + id, restored.path() + "/data");
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(*position, head);
}

}  // namespace
}  // namespace redledger::testing
