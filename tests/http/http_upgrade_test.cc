// The hand-off of upgraded connections (WebSocket) and blocking routes on the
// worker pool.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <condition_variable>

#include "http/server_fixture.h"
#include "redledger/http_upgrade.h"
#include "support/ws_client.h"

namespace redledger::testing {
namespace {

using namespace std::chrono_literals;

// Answers 101 itself, then echoes the next 5 bytes: enough to show that the
// socket, the request and the connection slot arrive in the handler.
void EchoUpgrade(http::UpgradeContext&& upgrade) {
  auto ctx = std::make_shared<http::UpgradeContext>(std::move(upgrade));
  auto reply = std::make_shared<std::string>(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-Target: " +
      std::string(ctx->request.target()) + "\r\nX-Request-Id: " + ctx->request_id + "\r\n\r\n");
  boost::asio::async_write(ctx->stream, boost::asio::buffer(*reply), [ctx, reply](auto ec, size_t) {
    if (ec) return;
    auto echo = std::make_shared<std::array<char, 5>>();
    boost::asio::async_read(ctx->stream, boost::asio::buffer(*echo), [ctx, echo](auto ec, size_t) {
      if (ec) return;
      boost::asio::async_write(ctx->stream, boost::asio::buffer(*echo), [ctx, echo](auto, size_t) {});
    });
  });
}

// What the WebSocket module will do with the hand-off: accept with Beast's
// websocket::stream on the same socket, echo one message, close.
void WebSocketEcho(http::UpgradeContext&& upgrade) {
  namespace websocket = boost::beast::websocket;
  using boost::beast::error_code;
  auto ctx = std::make_shared<http::UpgradeContext>(std::move(upgrade));
  auto ws = std::make_shared<websocket::stream<boost::beast::tcp_stream>>(std::move(ctx->stream));
  ws->async_accept(ctx->request, [ctx, ws](error_code ec) {
    if (ec) return;
    ws->async_read(ctx->buffer, [ctx, ws](error_code ec, size_t) {
      if (ec) return;
      ws->text(true);
      ws->async_write(ctx->buffer.data(), [ctx, ws](error_code ec, size_t) {
        if (ec) return;
        ws->async_close(websocket::close_reason(websocket::close_code::normal, "done"), [ctx, ws](error_code) {});
      });
    });
  });
}

class UpgradeTest : public HttpServerTest {
 protected:
  void AddRoutes(http::Server& s) override {
    s.RouteUpgrade("/v1/live", EchoUpgrade);
    s.RouteUpgrade("/v1/ws-echo", WebSocketEcho);
    // Each waits until kConcurrent of them run at once (or gives up): only
    // possible when blocking handlers do not hold the single I/O thread.
    s.Route("GET", "/v1/blocking", {.authenticate = false, .blocking = true}, [this](http::Request, http::Responder r) {
      std::unique_lock<std::mutex> lock(mu_);
      ++running_;
      cv_.notify_all();
      bool all = cv_.wait_for(lock, 5s, [this] { return running_ >= kConcurrent; });
      r.Send(http::Response::Json(all ? 200 : 504, "{}"));
    });
    // Answers on the strand when it can, else waits on a worker.
    s.Route("GET", "/v1/maybe-wait", {.authenticate = false}, [this, &s](http::Request req, http::Responder r) {
      if (!req.Query("wait")) return r.Send(http::Response::Json(200, R"({"waited":false})"));
      s.Offload([this, r] {
        std::unique_lock<std::mutex> lock(mu_);
        ++running_;
        cv_.notify_all();
        bool all = cv_.wait_for(lock, 5s, [this] { return running_ >= kConcurrent; });
        r.Send(http::Response::Json(all ? 200 : 504, R"({"waited":true})"));
      });
    });
  }
  static constexpr int kConcurrent = 4;
  std::mutex mu_;  // guards running_
  std::condition_variable cv_;
  int running_ = 0;
};

TEST_F(UpgradeTest, UpgradeHandsTheSocketToTheHandler) {
  StartServer();
  HttpClient c = Client();
  ASSERT_TRUE(c.WriteRaw("GET /v1/live?x=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                         "X-Request-Id: up-1\r\n\r\n")
                  .ok());
  auto r = c.Receive();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 101);
  EXPECT_EQ(r->Header("x-seen-target"), "/v1/live?x=1");
  EXPECT_EQ(r->Header("x-request-id"), "up-1");
  EXPECT_EQ(server_->stats().connections_open, 1u);  // the slot went with the socket
  ASSERT_TRUE(c.WriteRaw("hello").ok());
  auto echoed = c.ReadUntilClose();  // the handler's last write drops the socket
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ(*echoed, "hello");
}

TEST_F(UpgradeTest, BeastWebSocketAcceptsTheHandedOverConnection) {
  StartServer();
  WebSocketClient ws;
  Status s = ws.Connect(server_->port(), "/v1/ws-echo", {{"Authorization", "Bearer " + token_}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws.handshake_status(), 101);
  ASSERT_TRUE(ws.Send(R"({"subscribe":{"after":"now"}})").ok());
  auto echoed = ws.Receive();
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ(*echoed, R"({"subscribe":{"after":"now"}})");
  EXPECT_FALSE(ws.Receive().ok());
  EXPECT_EQ(ws.close_reason(), "done");
}

TEST_F(UpgradeTest, UpgradeToAPathWithoutHandlerIsDeclined) {
  StartServer();
  WebSocketClient ws;
  EXPECT_FALSE(ws.Connect(server_->port(), "/v1/nowhere").ok());
  EXPECT_EQ(ws.handshake_status(), 404);
}

TEST_F(UpgradeTest, PlainGetOnTheUpgradePathAsksForTheUpgrade) {
  StartServer();
  HttpClient c = Client();
  auto r = c.Get("/v1/live");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 426);
  EXPECT_NE(r->body.find("\"code\":\"invalid_request\""), std::string::npos) << r->body;
  auto other = Client().Get("/v1/dead");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 404);
}

TEST_F(UpgradeTest, BlockingHandlersRunOnWorkersNotOnTheIoThread) {
  auto o = TestOptions();
  o.threads = 1;
  o.worker_threads = kConcurrent;
  StartServer(o);
  std::vector<HttpClient> clients;
  for (int i = 0; i < kConcurrent; ++i) {
    clients.push_back(Client(10s));
    ASSERT_TRUE(clients.back().Send("GET", "/v1/blocking").ok());
  }
  // The I/O thread still serves while every worker waits.
  HttpClient probe = Client();
  auto health = probe.Get("/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  for (auto& c : clients) {
    auto r = c.Receive();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(UpgradeTest, OffloadedWaitsDoNotHoldTheIoThread) {
  auto o = TestOptions();
  o.threads = 1;
  o.worker_threads = kConcurrent;
  StartServer(o);
  std::vector<HttpClient> clients;
  for (int i = 0; i < kConcurrent; ++i) {
    clients.push_back(Client(10s));
    ASSERT_TRUE(clients.back().Send("GET", "/v1/maybe-wait?wait").ok());
  }
  HttpClient probe = Client();
  auto quick = probe.Get("/v1/maybe-wait");
  ASSERT_TRUE(quick.ok());
  EXPECT_EQ(quick->body, R"({"waited":false})");
  for (auto& c : clients) {
    auto r = c.Receive();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"waited":true})");
  }
}

}  // namespace
}  // namespace redledger::testing
