// Limits and hostile clients: huge bodies and headers, garbage, slow and idle
// connections, too many connections, rate limits, pipelining bounds.
#include "http/server_fixture.h"

namespace redledger::testing {
namespace {

using namespace std::chrono_literals;

class LimitsTest : public HttpServerTest {
 protected:
  std::string PostHead(size_t content_length) {
    return "POST /v1/echo/d-1/accept HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(content_length) + "\r\n\r\n";
  }
  void ExpectServerStillAnswers() {
    HttpClient c = Client();
    auto r = c.Get("/healthz");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
  }
};

TEST_F(LimitsTest, BodyOverTheLimitIs413AndCloses) {
  StartServer();
  HttpClient c = Client();
  std::string body = R"({"a":")" + std::string(100 * 1024, 'x') + R"("})";
  auto r = c.PostJson("/v1/echo/d-1/accept", body, token_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Code(*r), "payload_too_large");
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(c.ClosedWithin(3s));
  ExpectServerStillAnswers();
}

TEST_F(LimitsTest, DeclaredHugeLengthIs413BeforeTheBodyArrives) {
  StartServer();
  HttpClient c = Client();
  ASSERT_TRUE(c.WriteRaw(PostHead(1 << 30)).ok());  // 1 GiB announced, nothing sent
  auto r = c.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
}

TEST_F(LimitsTest, ChunkedBodyOverTheLimitIs413) {
  StartServer();
  HttpClient c = Client();
  std::string req = "POST /v1/echo/d-1/accept HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string chunk(16 * 1024, 'x');
  char size[16];
  snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  for (int i = 0; i < 6; ++i) req += size + chunk + "\r\n";
  ASSERT_TRUE(c.WriteRaw(req).ok());
  auto r = c.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
}

TEST_F(LimitsTest, BodyAtTheLimitIsAccepted) {
  StartServer();
  HttpClient c = Client();
  std::string body = R"({"a":")";
  body += std::string(64 * 1024 - body.size() - 2, 'x') + R"("})";
  ASSERT_EQ(body.size(), 64u * 1024);
  auto r = c.PostJson("/v1/echo/d-1/accept", body, token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(LimitsTest, HugeHeadersAre431AndClose) {
  StartServer();
  HttpClient c = Client();
  auto r = c.Request("GET", "/healthz", {{"X-Padding", std::string(20 * 1024, 'p')}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(Code(*r), "invalid_request");
  EXPECT_TRUE(c.ClosedWithin(3s));
  ExpectServerStillAnswers();
}

TEST_F(LimitsTest, GarbageIs400AndTheServerStillAnswers) {
  StartServer();
  const std::string garbage[] = {
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello to a plain port\r\n\r\n",
      "GET\r\n\r\n",
      "NOT HTTP AT ALL\r\n\r\n",
      "GET /healthz HTTP/9.9\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
      std::string("GET /\0x HTTP/1.1\r\n\r\n", 20),
  };
  for (const std::string& g : garbage) {
    HttpClient c = Client();
    ASSERT_TRUE(c.WriteRaw(g).ok());
    auto r = c.Receive();
    ASSERT_TRUE(r.ok()) << r.status().ToString() << " for " << g;
    EXPECT_EQ(r->status, 400) << g;
    EXPECT_EQ(Code(*r), "invalid_request");
    EXPECT_TRUE(c.ClosedWithin(3s));
  }
  ExpectServerStillAnswers();
}

TEST_F(LimitsTest, ClientThatHangsUpMidRequestIsHarmless) {
  StartServer();
  {
    HttpClient c = Client();
    ASSERT_TRUE(c.WriteRaw(PostHead(100) + R"({"a":)").ok());
  }
  ExpectServerStillAnswers();
}

TEST_F(LimitsTest, SlowClientIsDisconnected) {
  auto o = TestOptions();
  o.read_timeout = 300ms;
  StartServer(o);
  HttpClient c = Client();
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  ASSERT_TRUE(c.WriteRaw(head).ok());
  // Trickle a byte every 50 ms, so the connection is never idle but the
  // request never completes.
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  while (std::chrono::steady_clock::now() - start < 3s) {
    if (!c.WriteRaw("a").ok() || c.ClosedWithin(50ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ExpectServerStillAnswers();
}

TEST_F(LimitsTest, IdleKeepAliveConnectionIsClosed) {
  auto o = TestOptions();
  o.idle_timeout = 200ms;
  StartServer(o);
  HttpClient c = Client();
  ASSERT_TRUE(c.Get("/healthz").ok());
  EXPECT_TRUE(c.ClosedWithin(2s));
}

TEST_F(LimitsTest, PendingAnswerIsNotCutByTheIdleTimeout) {
  auto o = TestOptions();
  o.idle_timeout = 100ms;
  StartServer(o);
  HttpClient c = Client();
  auto r = c.Get("/v1/async?delay_ms=400&tag=slow");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, R"({"tag":"slow"})");
}

TEST_F(LimitsTest, ConnectionsPastTheMaximumGet503) {
  auto o = TestOptions();
  o.max_connections = 2;
  StartServer(o);
  HttpClient a = Client(), b = Client();
  ASSERT_TRUE(a.Get("/healthz").ok());  // both accepted and counted
  ASSERT_TRUE(b.Get("/healthz").ok());
  HttpClient c = Client();
  auto r = c.Get("/healthz");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Code(*r), "unavailable");
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_TRUE(c.ClosedWithin(3s));
  EXPECT_GE(server_->stats().connections_rejected, 1u);

  // Once one closes, a new connection is served again.
  { HttpClient gone = std::move(a); }
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    HttpClient d = Client();
    auto again = d.Get("/healthz");
    served = again.ok() && again->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(LimitsTest, PipeliningBeyondTheBoundStillAnswersEverything) {
  auto o = TestOptions();
  o.max_pipelined = 2;
  StartServer(o);
  HttpClient c = Client();
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(c.Send("GET", "/v1/async?delay_ms=10&tag=" + std::to_string(i)).ok());
  }
  for (int i = 0; i < 8; ++i) {
    auto r = c.Receive();
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->body, R"({"tag":")" + std::to_string(i) + R"("})");
  }
}

TEST_F(LimitsTest, RateLimitPerPrincipalIs429) {
  auto o = TestOptions();
  o.rate_limit_per_second = 0.01;  // no refill within the test
  o.rate_limit_burst = 2;
  StartServer(o);
  std::string other = principals_.Register(store_.get(), "p-other", "supervisor");
  HttpClient c = Client();
  EXPECT_EQ(c.Get("/v1/echo/d-1/accept", token_)->status, 200);
  EXPECT_EQ(c.Get("/v1/echo/d-1/accept", token_)->status, 200);
  auto r = c.Get("/v1/echo/d-1/accept", token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(Code(*r), "rate_limited");
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_EQ(c.Get("/v1/echo/d-1/accept", other)->status, 200);  // others are not affected
  EXPECT_EQ(c.Get("/healthz")->status, 200);                    // nor are public routes
}

TEST_F(LimitsTest, BindFailureIsReported) {
  StartServer();
  auto o = TestOptions();
  o.port = server_->port();
  http::Server second(o, auth_.get());
  Status s = second.Start();
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
}

TEST(ListenAddressTest, Parses) {
  http::ServerOptions o;
  ASSERT_TRUE(http::ParseListenAddress("0.0.0.0:9090", &o).ok());
  EXPECT_EQ(o.address, "0.0.0.0");
  EXPECT_EQ(o.port, 9090);
  ASSERT_TRUE(http::ParseListenAddress("[::1]:80", &o).ok());
  EXPECT_EQ(o.address, "::1");
  for (std::string_view bad : {"", "localhost:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:99999", ":80", "[::1:80"}) {
    EXPECT_FALSE(http::ParseListenAddress(bad, &o).ok()) << bad;
  }
}

}  // namespace
}  // namespace redledger::testing

namespace redledger::testing {
namespace {

class ExpectContinueTest : public HttpServerTest {};

TEST_F(ExpectContinueTest, BodyIsInvitedWith100Continue) {
  StartServer();
  HttpClient c = Client();
  const std::string body = R"({"note":")" + std::string(2000, 'n') + R"("})";
  ASSERT_TRUE(c.WriteRaw("POST /v1/echo/d-1/accept HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
                         "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n")
                  .ok());
  auto interim = c.Receive();
  ASSERT_TRUE(interim.ok()) << interim.status().ToString();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.WriteRaw(body).ok());
  auto r = c.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ExpectContinueTest, OversizedBodyIsRefusedBeforeItIsSent) {
  StartServer();
  HttpClient c = Client();
  ASSERT_TRUE(c.WriteRaw("POST /v1/echo/d-1/accept HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
                  .ok());
  auto r = c.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
}

}  // namespace
}  // namespace redledger::testing
