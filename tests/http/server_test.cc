// Routing, request ids, asynchronous answers, keep-alive, pipelining and
// shutdown, over real sockets.
#include <atomic>

#include "http/server_fixture.h"

namespace redledger::testing {
namespace {

using namespace std::chrono_literals;

class ServerTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerTest::SetUp();
    StartServer();
  }
};

TEST_F(ServerTest, Healthz) {
  HttpClient c = Client();
  auto r = c.Get("/healthz");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok"})");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_FALSE(r->Header("x-request-id").empty());
}

TEST_F(ServerTest, PathParametersAreDecodedAndQueryParsed) {
  HttpClient c = Client();
  auto r = c.Get("/v1/echo/d%2F1%20x/accept?site_id=s%2D1&as_of=2022-07-21T08:00:00+08:00&flag", token_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = Body(*r);
  EXPECT_EQ(body["params"].at("id"), "d/1 x");
  EXPECT_EQ(body["params"].at("command"), "accept");
  EXPECT_EQ(body["query"].at("site_id"), "s-1");
  EXPECT_EQ(body["query"].at("as_of"), "2022-07-21T08:00:00+08:00");  // '+' is not a space
  EXPECT_EQ(body["query"].at("flag"), "");
  EXPECT_EQ(body["principal"], "p-community");
  EXPECT_EQ(body["path"], "/v1/echo/d%2F1%20x/accept");
}

TEST_F(ServerTest, LiteralSegmentBeatsParameter) {
  HttpClient c = Client();
  auto special = c.Get("/v1/things/special");
  ASSERT_TRUE(special.ok());
  EXPECT_EQ(special->body, R"({"special":true})");
  auto other = c.Get("/v1/things/other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Body(*other)["params"].at("id"), "other");
}

TEST_F(ServerTest, RequestIdIsEchoedWhenSaneAndMadeOtherwise) {
  HttpClient c = Client();
  auto echoed = c.Request("GET", "/healthz", {{"X-Request-Id", "client-req_42.a:b"}});
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed->Header("x-request-id"), "client-req_42.a:b");

  for (std::string bad : {std::string("has space"), std::string(200, 'a'), std::string("quote\"d")}) {
    auto r = c.Request("GET", "/healthz", {{"X-Request-Id", bad}});
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->Header("x-request-id"), bad);
    EXPECT_FALSE(r->Header("x-request-id").empty());
  }
  auto a = c.Get("/healthz");
  auto b = c.Get("/healthz");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->Header("x-request-id"), b->Header("x-request-id"));
}

TEST_F(ServerTest, HandlerSeesTheRequestIdOfTheResponse) {
  HttpClient c = Client();
  auto r = c.Request("GET", "/public/open", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Body(*r)["request_id"], "abc-123");
}

TEST_F(ServerTest, HandlerAnswersFromAnotherThread) {
  HttpClient c = Client();
  auto r = c.Get("/v1/async?delay_ms=50&tag=late");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"tag":"late"})");
}

TEST_F(ServerTest, DroppedResponderAnswers500) {
  HttpClient c = Client();
  auto r = c.Get("/v1/drop");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Code(*r), "internal");
}

TEST_F(ServerTest, ThrowingHandlerAnswers500AndTheConnectionLives) {
  HttpClient c = Client();
  auto r = c.Get("/v1/throw");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Code(*r), "internal");
  auto again = c.Get("/healthz");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  HttpClient c = Client();
  for (int i = 0; i < 20; ++i) {
    auto r = c.Get("/healthz");
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->keep_alive);
  }
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  HttpClient c = Client();
  auto r = c.Request("GET", "/healthz", {{"Connection", "close"}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(c.ClosedWithin(2s));
}

// Later requests answer first; the responses still come back in request order.
TEST_F(ServerTest, PipelinedResponsesKeepRequestOrder) {
  HttpClient c = Client();
  constexpr int kRequests = 6;
  for (int i = 0; i < kRequests; ++i) {
    std::string target = "/v1/async?delay_ms=" + std::to_string((kRequests - i) * 20) + "&tag=" + std::to_string(i);
    ASSERT_TRUE(c.Send("GET", target).ok());
  }
  for (int i = 0; i < kRequests; ++i) {
    auto r = c.Receive();
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->body, R"({"tag":")" + std::to_string(i) + R"("})");
  }
}

TEST_F(ServerTest, StopLetsInFlightRequestsFinishAndRefusesNewConnections) {
  HttpClient busy = Client();
  HttpClient idle = Client();
  ASSERT_TRUE(idle.Get("/healthz").ok());
  ASSERT_TRUE(busy.Send("GET", "/v1/async?delay_ms=300&tag=inflight").ok());
  std::this_thread::sleep_for(50ms);  // the request is read and its handler running
  server_->Stop();
  auto r = busy.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, R"({"tag":"inflight"})");
  EXPECT_TRUE(busy.ClosedWithin(2s));
  EXPECT_TRUE(idle.ClosedWithin(2s));
  server_->Wait();
  HttpClient late(server_->port(), 1s);
  EXPECT_FALSE(late.connected() && late.Get("/healthz").ok());
}

TEST_F(ServerTest, RootAndTrailingSlashes) {
  HttpClient c = Client();
  auto root = c.Get("/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->status, 200);
  EXPECT_EQ(Body(*root)["path"], "/");
  EXPECT_EQ(c.Get("/public/open/")->status, 404);  // a trailing slash is another path
  EXPECT_EQ(c.Get("//public/open")->status, 404);
}

TEST_F(ServerTest, RoutesListsWhatIsServed) {
  std::vector<http::RouteInfo> routes = server_->routes();
  ASSERT_FALSE(routes.empty());
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/healthz");
  EXPECT_FALSE(routes[0].authenticate);
  auto has = [&](std::string_view method, std::string_view pattern, bool auth) {
    return std::any_of(routes.begin(), routes.end(), [&](const http::RouteInfo& r) {
      return r.method == method && r.pattern == pattern && r.authenticate == auth;
    });
  };
  EXPECT_TRUE(has("POST", "/v1/echo/{id}/{command}", true));
  EXPECT_TRUE(has("GET", "/public/open", false));
  EXPECT_TRUE(has("GET", "/", false));
}

}  // namespace
}  // namespace redledger::testing
