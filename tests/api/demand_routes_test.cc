// Demand commands and queries over real sockets: answers, If-Match and ETag,
// idempotent retries, concurrent conflicts, reporter masking, as_of, lists,
// and the order of checks when several fail.
#include <atomic>
#include <thread>

#include "api/api_fixture.h"

namespace redledger::testing {
namespace {

class DemandRoutesTest : public ApiTest {};

TEST_F(DemandRoutesTest, RaiseAnswers201AndCommandsAnswer200WithStatus) {
  const uint64_t before = server->store().Head();
  std::string id = Raise();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(server->store().Head(), before + 1);
  auto accept = Call("POST", "/v1/demands/" + id + "/accept", tokens["community"]);  // no body: {}
  ASSERT_EQ(accept.status, 200) << accept.body;
  EXPECT_EQ(Member(accept.body, "demand_id"), id);
  EXPECT_EQ(Member(accept.body, "version"), "2");
  EXPECT_EQ(Member(accept.body, "status"), "accepted");
  EXPECT_EQ(Member(accept.body, "position"), std::to_string(server->store().Head()));
  EXPECT_FALSE(accept.Header("x-request-id").empty());
}

TEST_F(DemandRoutesTest, GetAnswersTheViewWithItsVersionAsETag) {
  std::string id = DemandIn("accepted");
  auto r = Get("/v1/demands/" + id, tokens["community"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("etag"), "\"2\"");
  EXPECT_EQ(Member(r.body, "status"), "accepted");
  EXPECT_EQ(Member(r.body, "version"), "2");
}

TEST_F(DemandRoutesTest, IfMatchBareOrQuotedGivesTheExpectedVersion) {
  std::string id = Raise();
  auto stale = Post("/v1/demands/" + id + "/accept", "{}", tokens["community"], {{"If-Match", "\"7\""}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("version_conflict"), std::string::npos) << stale.body;
  EXPECT_NE(stale.body.find(R"("current_version":1)"), std::string::npos) << stale.body;
  auto ok = Post("/v1/demands/" + id + "/accept", "{}", tokens["community"], {{"If-Match", "1"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto quoted = Post("/v1/demands/" + id + "/assign", R"({"unit_id":"u-1"})", tokens["community"], {{"If-Match", "\"2\""}});
  EXPECT_EQ(quoted.status, 200) << quoted.body;
  auto bad = Post("/v1/demands/" + id + "/publicize", R"({"notice":"n","days":3})", tokens["community"],
                  {{"If-Match", "W/\"3\""}});
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(DemandRoutesTest, IdempotentRetryAnswersTheFirstAnswerAndAppendsNothing) {
  std::string body = RaiseBody("s-1");
  body.replace(body.find("cmp-s-1"), 7, world["compound-s-1"]);
  auto first = Post("/v1/demands", body, tokens["resident"], {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const uint64_t head = server->store().Head();
  auto retry = Post("/v1/demands", body, tokens["resident"], {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(server->store().Head(), head);
  std::string other = body;
  other.replace(other.find("Radiators"), 9, "Pipes    ");
  auto reused = Post("/v1/demands", other, tokens["resident"], {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(reused.status, 422);
  EXPECT_NE(reused.body.find("idempotency_key_reused"), std::string::npos);
  // Keys are per principal: another resident's k-1 is its own.
  auto theirs = Post("/v1/demands", body, tokens["resident2"], {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(theirs.status, 201);
  EXPECT_NE(Member(theirs.body, "demand_id"), Member(first.body, "demand_id"));
  EXPECT_EQ(server->store().Head(), head + 1);
}

TEST_F(DemandRoutesTest, RacingRetriesAppendOnce) {
  std::string body = RaiseBody("s-1");
  body.replace(body.find("cmp-s-1"), 7, world["compound-s-1"]);
  const uint64_t head = server->store().Head();
  std::vector<std::thread> threads;
  std::vector<HttpResponse> answers(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { answers[i] = Post("/v1/demands", body, tokens["resident"], {{"Idempotency-Key", "race"}}); });
  }
  for (auto& t : threads) t.join();
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, 201) << a.body;
    EXPECT_EQ(Member(a.body, "demand_id"), Member(answers[0].body, "demand_id"));
  }
  EXPECT_EQ(server->store().Head(), head + 1);
}

TEST_F(DemandRoutesTest, ConcurrentConflictingCommandsOneWinsPerVersion) {
  std::string id = Raise();
  std::atomic<int> won{0}, conflicted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = i % 2 ? Post("/v1/demands/" + id + "/accept", "{}", tokens["community"], {{"If-Match", "1"}})
                     : Post("/v1/demands/" + id + "/decline", R"({"reason":"not ours"})", tokens["community"],
                            {{"If-Match", "1"}});
      if (r.status == 200) ++won;
      else if (r.status == 409) ++conflicted;
      else ADD_FAILURE() << r.status << " " << r.body;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), 7);
  auto v = Get("/v1/demands/" + id, tokens["community"]);
  EXPECT_EQ(Member(v.body, "version"), "2");
}

TEST_F(DemandRoutesTest, ReporterIsPlainForCommunityAndMaskedForOthers) {
  std::string id = DemandIn("assigned");
  auto community = Get("/v1/demands/" + id, tokens["community"]);
  ASSERT_EQ(community.status, 200) << community.body;
  EXPECT_NE(community.body.find("13800131234"), std::string::npos);
  EXPECT_NE(community.body.find("李娜"), std::string::npos);
  for (const char* role : {"handler", "inspector", "resident"}) {
    auto r = Get("/v1/demands/" + id, tokens[role]);
    ASSERT_EQ(r.status, 200) << role << ": " << r.body;
    EXPECT_EQ(r.body.find("13800131234"), std::string::npos) << role;
    EXPECT_NE(r.body.find("138****1234"), std::string::npos) << role;
    EXPECT_EQ(r.body.find("李娜"), std::string::npos) << role;
  }
}

TEST_F(DemandRoutesTest, ReadersOutsideScopeAre403AndUnknownDemands404) {
  std::string id = DemandIn("accepted");
  for (const char* role : {"resident2", "community2", "handler", "handler2"}) {
    EXPECT_EQ(Get("/v1/demands/" + id, tokens[role]).status, 403) << role;
  }
  for (const char* role : {"resident", "grid_leader", "community", "supervisor", "inspector", "admin"}) {
    EXPECT_EQ(Get("/v1/demands/" + id, tokens[role]).status, 200) << role;
  }
  EXPECT_EQ(Get("/v1/demands/d-nosuchdemand", tokens["admin"]).status, 404);
  EXPECT_EQ(Get("/v1/demands/" + id, "").status, 401);
}

TEST_F(DemandRoutesTest, HistoryCarriesHashesAndNoPlaintextPersonalData) {
  std::string id = DemandIn("resolved");
  auto h = Get("/v1/demands/" + id + "/history", tokens["supervisor"]);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_NE(h.body.find("\"hash\""), std::string::npos);
  EXPECT_NE(h.body.find("demand.resolved"), std::string::npos);
  EXPECT_EQ(h.body.find("13800131234"), std::string::npos);
  EXPECT_EQ(h.body.find("李娜"), std::string::npos);
}

TEST_F(DemandRoutesTest, AsOfAnswersAsTheLogStoodThen) {
  std::string id = Raise();
  const uint64_t raised_at = server->store().Head();
  ASSERT_EQ(Post("/v1/demands/" + id + "/accept", "{}", tokens["community"]).status, 200);
  auto then = Get("/v1/demands/" + id + "?as_of=" + std::to_string(raised_at), tokens["community"]);
  ASSERT_EQ(then.status, 200) << then.body;
  EXPECT_EQ(Member(then.body, "status"), "raised");
  auto before = Get("/v1/demands/" + id + "?as_of=1970-01-01T00:00:00Z", tokens["community"]);
  EXPECT_EQ(before.status, 404) << before.body;
  EXPECT_EQ(Get("/v1/demands/" + id + "?as_of=" + std::to_string(raised_at + 100), tokens["community"]).status, 422);
  EXPECT_EQ(Get("/v1/demands/" + id + "?as_of=2999-01-01T00:00:00Z", tokens["community"]).status, 422);
  EXPECT_EQ(Get("/v1/demands/" + id + "?as_of=yesterday", tokens["community"]).status, 400);
  auto list = Get("/v1/demands?site_id=s-1&as_of=" + std::to_string(raised_at), tokens["community"]);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("\"status\":\"raised\""), std::string::npos);
}

TEST_F(DemandRoutesTest, ListsReadTheirOwnWritesAndPage) {
  std::vector<std::string> raised;
  for (int i = 0; i < 5; ++i) raised.push_back(Raise("Demand " + std::to_string(i)));
  auto page = Get("/v1/demands?site_id=s-1&limit=3", tokens["community"]);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find(raised.back()), std::string::npos);  // the newest, written just before
  std::string cursor = Member(page.body, "next_cursor");
  ASSERT_FALSE(cursor.empty());
  auto next = Get("/v1/demands?site_id=s-1&limit=3&cursor=" + cursor, tokens["community"]);
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_NE(next.body.find(raised.front()), std::string::npos);
  EXPECT_EQ(Member(next.body, "next_cursor"), "null");
  EXPECT_EQ(Get("/v1/demands?site_id=s-2", tokens["community"]).status, 403);
  EXPECT_EQ(Get("/v1/demands", tokens["community"]).status, 403);
  EXPECT_EQ(Get("/v1/demands?unit_id=u-1", tokens["handler"]).status, 200);
  EXPECT_EQ(Get("/v1/demands?unit_id=u-2", tokens["handler"]).status, 403);
  EXPECT_EQ(Get("/v1/demands", tokens["inspector"]).status, 200);
  EXPECT_EQ(Get("/v1/demands?status=lost", tokens["inspector"]).status, 400);
}

// DESIGN §4: 401, 400, 404, 403, 422, 409 version_conflict, 409 invalid_transition.
TEST_F(DemandRoutesTest, ChecksRunInTheDesignOrder) {
  std::string id = DemandIn("accepted");  // version 2
  const std::string path = "/v1/demands/" + id + "/assign";
  const std::string unknown = "/v1/demands/d-nosuchdemand/assign";
  auto code = [](const HttpResponse& r) { return std::to_string(r.status) + " " + r.body.substr(0, 60); };
  // Bad token and bad JSON: 401.
  EXPECT_EQ(Post(path, "{", "bad-token").status, 401);
  // Bad JSON on an unknown demand: 400.
  EXPECT_EQ(Post(unknown, "{", tokens["resident"]).status, 400);
  // Unknown field (400) beats everything below.
  EXPECT_EQ(Post(unknown, R"({"unit":"u-1"})", tokens["resident"]).status, 400);
  // Unknown demand, wrong role: 404.
  EXPECT_EQ(Post(unknown, R"({"unit_id":"u-9"})", tokens["resident"]).status, 404);
  // Wrong role, invalid unit, stale version: 403.
  auto forbidden = Post(path, R"({"unit_id":"u-9"})", tokens["resident"], {{"If-Match", "9"}});
  EXPECT_EQ(forbidden.status, 403) << code(forbidden);
  // Invalid unit, stale version: 422.
  auto invalid = Post(path, R"({"unit_id":"u-9"})", tokens["community"], {{"If-Match", "9"}});
  EXPECT_EQ(invalid.status, 422) << code(invalid);
  // Stale version and a transition not allowed (resolve by community is 403, so use accept twice): 409 version.
  auto stale = Post("/v1/demands/" + id + "/accept", "{}", tokens["community"], {{"If-Match", "9"}});
  EXPECT_EQ(stale.status, 409) << code(stale);
  EXPECT_NE(stale.body.find("version_conflict"), std::string::npos);
  auto transition = Post("/v1/demands/" + id + "/accept", "{}", tokens["community"], {{"If-Match", "2"}});
  EXPECT_EQ(transition.status, 409) << code(transition);
  EXPECT_NE(transition.body.find("invalid_transition"), std::string::npos);
  EXPECT_NE(transition.body.find(R"("current_status":"accepted")"), std::string::npos);
}

}  // namespace
}  // namespace redledger::testing
