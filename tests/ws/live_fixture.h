// A real HTTP server on 127.0.0.1 (ephemeral port) with the live feed
// attached, over an in-memory event store, with principals of every kind
// and helpers to append events and read what a WebSocket client receives.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "redledger/auth.h"
#include "redledger/event_store.h"
#include "redledger/http_server.h"
#include "redledger/live_hub.h"
#include "support/principal_events.h"
#include "support/temp_dir.h"
#include "support/ws_client.h"

namespace redledger::testing {

inline constexpr char kLiveAdminToken[] = "bootstrap-admin-token-0123456789";

// One message from the server, parsed.
struct LiveMessage {
  std::string kind;
  boost::json::object body;
  uint64_t position = 0;  // of an event message
  std::string stream, type;
};

inline LiveMessage ParseLive(const std::string& text) {
  LiveMessage m;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  if (ec || !v.is_object()) return m;
  m.body = v.as_object();
  if (const auto* k = m.body.if_contains("kind"); k && k->is_string()) m.kind = k->as_string();
  if (m.kind == "event") {
    const auto& e = m.body.at("event").as_object();
    m.position = e.at("position").to_number<uint64_t>();
    m.stream = e.at("stream").as_string();
    m.type = e.at("type").as_string();
  }
  return m;
}

class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = CredentialStore::Open(dir_.path() + "/credentials");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    credentials_ = std::move(*s);
    auth_ = std::make_unique<Authenticator>(credentials_.get(), principals_.Lookup(), kLiveAdminToken);
    inspector_ = principals_.Register(credentials_.get(), "p-inspector", "inspector", R"("*")");
    supervisor_s1_ = principals_.Register(credentials_.get(), "p-sup", "supervisor", R"(["s1"])");
    community_s2_ = principals_.Register(credentials_.get(), "p-comm", "community", R"(["s2"])");
    resident_ = principals_.Register(credentials_.get(), "p-res", "resident", R"(["s1"])");
    store_ = NewMemoryEventStore(StoreOptions{});
  }

  void TearDown() override { StopServer(); }

  static LiveHubOptions TestOptions() {
    LiveHubOptions o;
    o.heartbeat_interval = std::chrono::milliseconds(100);
    o.idle_timeout = std::chrono::seconds(20);
    o.close_timeout = std::chrono::seconds(5);
    return o;
  }

  void StartServer(LiveHubOptions options = TestOptions()) {
    hub_ = std::make_unique<LiveHub>(store_.get(), auth_.get(), options, projections_, scores_, hub_clock_);
    http::ServerOptions so;
    so.port = 0;
    so.threads = 2;
    so.worker_threads = 1;
    server_ = std::make_unique<http::Server>(so, auth_.get());
    ASSERT_TRUE(AttachLiveHub(*server_, *hub_).ok());
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void StopServer() {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    server_.reset();
    hub_.reset();
  }

  // A client authenticated by header (token non-empty) and subscribed with `subscribe` (JSON).
  WebSocketClient Subscribe(const std::string& token, const std::string& subscribe,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    WebSocketClient c(timeout);
    Headers h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    Status s = c.Connect(server_->port(), "/v1/live", h);
    EXPECT_TRUE(s.ok()) << s.ToString();
    s = c.Send(R"({"subscribe":)" + subscribe + "}");
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }

  // Helpers for test bodies and the free functions of the test files.
 public:
  // The next message of one of `kinds` (others skipped); kind "" when the connection ended.
  static LiveMessage Next(WebSocketClient& c, const std::vector<std::string>& kinds = {"event"}) {
    for (;;) {
      auto r = c.Receive();
      if (!r.ok()) return LiveMessage{};
      LiveMessage m = ParseLive(*r);
      for (const auto& k : kinds) {
        if (m.kind == k) return m;
      }
    }
  }

  // Events until `last` is received (or the connection ends); their positions.
  static std::vector<uint64_t> EventsThrough(WebSocketClient& c, uint64_t last) {
    std::vector<uint64_t> out;
    while (out.empty() || out.back() < last) {
      LiveMessage m = Next(c);
      if (m.kind.empty()) break;
      out.push_back(m.position);
    }
    return out;
  }

 protected:
  std::string NextEventId() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012llu",
                  static_cast<unsigned long long>(next_id_.fetch_add(1)));
    return buf;
  }

  uint64_t Append(const std::string& stream, const std::string& type, const std::string& data = "{}") {
    NewEvent e;
    e.type = type;
    e.event_id = NextEventId();
    e.actor = Actor{"p-admin", "admin", std::nullopt};
    e.data = data;
    auto r = store_->Append({AppendPart{stream, ExpectedVersion::Any(), {e}}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->last_position : 0;
  }
  uint64_t Raise(const std::string& demand, const std::string& site, const std::string& filler = "") {
    return Append("demand-" + demand, "demand.raised",
                  R"({"demand_id":")" + demand + R"(","site_id":")" + site + R"(","title":")" + filler + R"("})");
  }

  TempDir dir_;
  std::unique_ptr<CredentialStore> credentials_;
  TestPrincipals principals_;
  std::unique_ptr<Authenticator> auth_;
  std::string inspector_, supervisor_s1_, community_s2_, resident_;
  std::unique_ptr<EventStore> store_;
  ProjectionRunner* projections_ = nullptr;  // set by tests of ledger and score messages
  ScoreProjection* scores_ = nullptr;
  const Clock* hub_clock_ = nullptr;
  std::unique_ptr<LiveHub> hub_;
  std::unique_ptr<http::Server> server_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace redledger::testing
