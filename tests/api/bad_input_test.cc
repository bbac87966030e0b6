// The bad-input battery: each bad request gets its error, appends nothing,
// and the server keeps answering.
#include "api/api_fixture.h"

namespace redledger::testing {
namespace {

class BadInputTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    demand = DemandIn("accepted");
    head = server->store().Head();
  }
  void TearDown() override {
    EXPECT_EQ(server->store().Head(), head) << "bad input appended events";
    HttpClient client(server->port());
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->status, 200);
  }
  // POST to the demand's assign with `body` and `content_type`; the error code.
  std::pair<int, std::string> Assign(std::string_view body, std::string_view content_type = "application/json") {
    Headers h;
    if (!content_type.empty()) h.emplace_back("Content-Type", std::string(content_type));
    auto r = Call("POST", "/v1/demands/" + demand + "/assign", tokens["community"], body, h);
    return {r.status, Member(Member(r.body, "error"), "code")};
  }

  std::string demand;
  uint64_t head = 0;
};

TEST_F(BadInputTest, MalformedBodies) {
  EXPECT_EQ(Assign(R"({"unit_id":)"), std::make_pair(400, std::string("invalid_json")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1")"), std::make_pair(400, std::string("invalid_json")));
  EXPECT_EQ(Assign("[1,2]"), std::make_pair(400, std::string("invalid_json")));
  EXPECT_EQ(Assign("null"), std::make_pair(400, std::string("invalid_json")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1","unit_id":"u-2"})"), std::make_pair(400, std::string("invalid_json")));
  EXPECT_EQ(Assign(std::string(100, '[') + std::string(100, ']')).second, "invalid_json");
  EXPECT_EQ(Assign("{\"unit_id\":\"u-\xff\"}"), std::make_pair(400, std::string("invalid_json")));
}

TEST_F(BadInputTest, WrongTypesAndUnknownFields) {
  EXPECT_EQ(Assign(R"({"unit_id":5})"), std::make_pair(400, std::string("invalid_request")));
  EXPECT_EQ(Assign(R"({"unit_id":["u-1"]})"), std::make_pair(400, std::string("invalid_request")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1","colour":"red"})"), std::make_pair(400, std::string("invalid_request")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1","due_at":12})"), std::make_pair(400, std::string("invalid_request")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-nosuchunit"})"), std::make_pair(422, std::string("validation_failed")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1","due_at":"tomorrow"})").first, 422);
}

TEST_F(BadInputTest, ContentTypes) {
  EXPECT_EQ(Assign(R"({"unit_id":"u-1"})", ""), std::make_pair(415, std::string("unsupported_media_type")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1"})", "text/plain"), std::make_pair(415, std::string("unsupported_media_type")));
  EXPECT_EQ(Assign(R"({"unit_id":"u-1"})", "application/xml"), std::make_pair(415, std::string("unsupported_media_type")));
}

TEST_F(BadInputTest, HugeBodiesAndHeaders) {
  std::string huge = R"({"unit_id":"u-1","note":")" + std::string(70 * 1024, 'a') + "\"}";
  EXPECT_EQ(Assign(huge).first, 413);
  Headers big = {{"X-Filler", std::string(20 * 1024, 'b')}};
  auto r = Call("GET", "/v1/demands/" + demand, tokens["community"], {}, big);
  EXPECT_EQ(r.status, 431);
  // A long note within the body limit is the domain's to refuse (422).
  EXPECT_EQ(Assign(R"({"unit_id":"u-1","note":")" + std::string(10'000, 'a') + "\"}").first, 422);
}

TEST_F(BadInputTest, BadHeaders) {
  auto bad_if_match = Call("POST", "/v1/demands/" + demand + "/assign", tokens["community"], R"({"unit_id":"u-1"})",
                           {{"Content-Type", "application/json"}, {"If-Match", "two"}});
  EXPECT_EQ(bad_if_match.status, 400);
  auto bad_key = Call("POST", "/v1/demands/" + demand + "/assign", tokens["community"], R"({"unit_id":"u-1"})",
                      {{"Content-Type", "application/json"}, {"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_EQ(Call("GET", "/v1/sites", "", {}, {{"Authorization", "Basic YWxhZGRpbg=="}}).status, 401);
  EXPECT_EQ(Call("GET", "/v1/sites", "", {}, {{"Authorization", "Bearer"}}).status, 401);
}

TEST_F(BadInputTest, BadQueries) {
  const std::string& t = tokens["inspector"];
  EXPECT_EQ(Get("/v1/demands/" + demand + "?as_of=-1", t).status, 400);
  EXPECT_EQ(Get("/v1/demands/" + demand + "?as_of=2022-13-45T00:00:00Z", t).status, 400);
  EXPECT_EQ(Get("/v1/demands/" + demand + "?as_of=99999999", t).status, 422);
  EXPECT_EQ(Get("/v1/demands?cursor=not-a-cursor", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?cursor=", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?limit=0", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?limit=1001", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?limit=ten", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?overdue=maybe", t).status, 400);
  EXPECT_EQ(Get("/v1/demands?limit=1&limit=2", t).status, 400);
  EXPECT_EQ(Get("/v1/events?after=x", t).status, 400);
  EXPECT_EQ(Get("/v1/events?after=99999999", t).status, 422);
  EXPECT_EQ(Get("/v1/audit?from=yesterday", t).status, 400);
  EXPECT_EQ(Get("/v1/scores", t).status, 400);
  EXPECT_EQ(Get("/v1/scores?period=2022-13", t).status, 400);
  EXPECT_EQ(Get("/v1/proofs/inclusion", t).status, 400);
  EXPECT_EQ(Get("/v1/proofs/inclusion?position=0", t).status, 422);
  EXPECT_EQ(Get("/v1/proofs/consistency?from_size=99999999", t).status, 422);
  EXPECT_EQ(Get("/v1/sites/s-1/ledger?format=pdf", t).status, 400);
  EXPECT_EQ(Get("/v1/units?kind=bakery", t).status, 400);
}

TEST_F(BadInputTest, GarbageOnTheSocket) {
  for (std::string_view garbage : {std::string_view("\x16\x03\x01\x02\x00garbage\r\n\r\n"),
                                   std::string_view("GET\r\n\r\n"), std::string_view("HELLO WORLD HTTP/9.9\r\n\r\n")}) {
    HttpClient client(server->port());
    ASSERT_TRUE(client.WriteRaw(garbage).ok());
    auto answer = client.ReadUntilClose();
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_NE(answer->find("400"), std::string::npos) << *answer;
  }
}

}  // namespace
}  // namespace redledger::testing
