// DESIGN §4 errors over the wire: shapes, codes, and the order of checks.
#include "http/error_map.h"
#include "http/server_fixture.h"

namespace redledger::testing {
namespace {

class ErrorsTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerTest::SetUp();
    StartServer();
  }
  Result<HttpResponse> PostRaw(std::string_view body, Headers headers) {
    HttpClient c = Client();
    headers.emplace_back("Authorization", "Bearer " + token_);
    return c.Request("POST", "/v1/echo/d-1/accept", headers, body);
  }
  Result<HttpResponse> PostJson(std::string_view body) {
    return PostRaw(body, {{"Content-Type", "application/json"}});
  }
};

TEST_F(ErrorsTest, UnknownPathIs404NotFound) {
  HttpClient c = Client();
  auto r = c.Get("/v1/nothing/here", token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Code(*r), "not_found");
}

TEST_F(ErrorsTest, WrongMethodIs405WithAllow) {
  HttpClient c = Client();
  auto r = c.Request("DELETE", "/v1/echo/d-1/accept");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "GET, POST");
  EXPECT_EQ(Code(*r), "method_not_allowed");
}

TEST_F(ErrorsTest, MissingOrBadTokenIs401) {
  HttpClient c = Client();
  for (std::string header : {std::string(), std::string("Bearer nope-nope"), "Basic " + token_}) {
    Headers h;
    if (!header.empty()) h.emplace_back("Authorization", header);
    auto r = c.Request("GET", "/v1/echo/d-1/accept", h);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401) << header;
    EXPECT_EQ(Code(*r), "unauthorized");
    EXPECT_EQ(r->Header("www-authenticate"), "Bearer");
  }
}

TEST_F(ErrorsTest, AdminBootstrapTokenAuthenticates) {
  HttpClient c = Client();
  auto r = c.Get("/v1/echo/d-1/accept", kAdminToken);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Body(*r)["principal"], "admin");
}

TEST_F(ErrorsTest, RevokedPrincipalIs401) {
  HttpClient c = Client();
  ASSERT_EQ(c.Get("/v1/echo/d-1/accept", token_)->status, 200);
  principals_.Revoke("p-community");
  auto r = c.Get("/v1/echo/d-1/accept", token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
}

TEST_F(ErrorsTest, AuthenticationIsCheckedBeforeTheBody) {
  HttpClient c = Client();
  auto r = c.Request("POST", "/v1/echo/d-1/accept", {{"Content-Type", "text/plain"}}, "{not json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
}

TEST_F(ErrorsTest, PublicRoutesNeedNoToken) {
  HttpClient c = Client();
  auto r = c.Get("/public/open");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(Body(*r)["principal"].is_null());
}

TEST_F(ErrorsTest, RepeatedQueryKeyIs400InvalidRequest) {
  HttpClient c = Client();
  auto r = c.Get("/v1/echo/d-1/accept?status=open&status=closed", token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  auto e = Error(*r);
  EXPECT_EQ(e["code"], "invalid_request");
  EXPECT_EQ(e["field"], "status");
}

TEST_F(ErrorsTest, BadPercentEncodingIs400InvalidRequest) {
  HttpClient c = Client();
  auto r = c.Get("/v1/echo/d-1/accept?x=%zz", token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Code(*r), "invalid_request");
}

TEST_F(ErrorsTest, JsonBodyIsParsedForTheHandler) {
  auto r = PostJson(R"({"note":"ok","n":[1,2,{"k":null}]})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(boost::json::serialize(Body(*r)["json"]), R"({"note":"ok","n":[1,2,{"k":null}]})");
}

TEST_F(ErrorsTest, ContentTypeWithCharsetUtf8IsJson) {
  auto r = PostRaw("{}", {{"Content-Type", "Application/JSON; charset=\"UTF-8\""}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ErrorsTest, EmptyBodyWithoutContentTypeIsAnEmptyObject) {
  auto r = PostRaw("", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(boost::json::serialize(Body(*r)["json"]), "{}");
}

TEST_F(ErrorsTest, BodyWithoutJsonContentTypeIs415) {
  for (Headers h : {Headers{}, Headers{{"Content-Type", "text/plain"}},
                    Headers{{"Content-Type", "application/json; charset=latin1"}},
                    Headers{{"Content-Type", "application/jsonx"}}}) {
    auto r = PostRaw(R"({"a":1})", h);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 415) << (h.empty() ? "none" : h[0].second);
    EXPECT_EQ(Code(*r), "unsupported_media_type");
  }
}

TEST_F(ErrorsTest, InvalidJsonBodies) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const std::pair<std::string, std::string> cases[] = {
      {"malformed", R"({"a":})"},
      {"truncated", R"({"a":"b")"},
      {"not an object", R"([1,2])"},
      {"a string", R"("text")"},
      {"too deep", R"({"a":)" + deep + "}"},
      {"invalid UTF-8", "{\"a\":\"\xC3\x28\"}"},
      {"overlong UTF-8", "{\"a\":\"\xC0\xAF\"}"},
      {"duplicate key", R"({"a":1,"b":{"c":1,"c":2}})"},
      {"trailing data", R"({"a":1} {"b":2})"},
      {"comment", R"({"a":1 /* no */})"},
      {"empty with content type", ""},
  };
  for (const auto& [name, body] : cases) {
    auto r = PostJson(body);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(r->status, 400) << name << ": " << r->body;
    EXPECT_EQ(Code(*r), "invalid_json") << name;
  }
}

TEST_F(ErrorsTest, NestingUpToTheLimitIsAccepted) {
  // The object itself is depth 1; 31 arrays inside reach the default limit of 32.
  auto r = PostJson(R"({"a":)" + std::string(31, '[') + std::string(31, ']') + "}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ErrorsTest, HandlerErrorsCarryTheirDetails) {
  HttpClient c = Client();
  auto conflict = c.Get("/v1/fail?what=conflict");
  ASSERT_TRUE(conflict.ok());
  EXPECT_EQ(conflict->status, 409);
  auto e = Error(*conflict);
  EXPECT_EQ(e["code"], "version_conflict");
  EXPECT_EQ(e["details"].at("current_version"), 7);

  auto transition = c.Get("/v1/fail?what=transition");
  EXPECT_EQ(transition->status, 409);
  e = Error(*transition);
  EXPECT_EQ(e["code"], "invalid_transition");
  EXPECT_EQ(e["details"].at("current_status"), "closed");

  auto validation = c.Get("/v1/fail?what=validation");
  EXPECT_EQ(validation->status, 422);
  e = Error(*validation);
  EXPECT_EQ(e["code"], "validation_failed");
  EXPECT_EQ(e["field"], "title");
  EXPECT_EQ(boost::json::serialize(e["details"].at("errors")),
            R"([{"field":"title","message":"too long"},{"field":"location.compound_id","message":"unknown"}])");

  auto forbidden = c.Get("/v1/fail");
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(Code(*forbidden), "forbidden");

  auto unavailable = c.Get("/v1/fail?what=unavailable");
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_EQ(Code(*unavailable), "unavailable");
  EXPECT_EQ(unavailable->Header("retry-after"), "1");
}

TEST_F(ErrorsTest, StorageErrorsAre500WithoutTheirMessage) {
  HttpClient c = Client();
  auto r = c.Get("/v1/fail?what=io");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Code(*r), "internal");
  EXPECT_EQ(r->body.find("/secret/path"), std::string::npos);
}

TEST(ErrorMapTest, EveryCodeHasItsStatusAndName) {
  using C = Status::Code;
  const std::tuple<C, int, std::string> expected[] = {
      {C::kInvalidArgument, 400, "invalid_request"},   {C::kInvalidJson, 400, "invalid_json"},
      {C::kUnauthorized, 401, "unauthorized"},         {C::kForbidden, 403, "forbidden"},
      {C::kNotFound, 404, "not_found"},                {C::kVersionConflict, 409, "version_conflict"},
      {C::kInvalidTransition, 409, "invalid_transition"}, {C::kPayloadTooLarge, 413, "payload_too_large"},
      {C::kUnsupportedMediaType, 415, "unsupported_media_type"},
      {C::kValidationFailed, 422, "validation_failed"}, {C::kIdempotencyKeyReused, 422, "idempotency_key_reused"},
      {C::kRateLimited, 429, "rate_limited"},          {C::kUnavailable, 503, "unavailable"},
      {C::kCorruption, 500, "internal"},               {C::kIOError, 500, "internal"},
      {C::kInternal, 500, "internal"},
  };
  for (const auto& [code, status, name] : expected) {
    EXPECT_EQ(http::HttpStatusFor(code), status) << name;
    EXPECT_EQ(http::ErrorCodeFor(code), name);
  }
}

}  // namespace
}  // namespace redledger::testing
