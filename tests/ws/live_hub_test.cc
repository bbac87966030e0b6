// The live feed over real sockets: authentication, who sees what, filters,
// heartbeats, pings and shutdown.
#include <thread>

#include "ws/live_fixture.h"

namespace redledger::testing {
namespace {

using namespace std::chrono_literals;

// The error code of an error message, then the connection must end.
std::string ErrorThenClose(WebSocketClient& c) {
  LiveMessage m = LiveTest::Next(c, {"error", "event"});
  EXPECT_EQ(m.kind, "error");
  std::string code = m.kind == "error" ? std::string(m.body.at("error").at("code").as_string()) : "";
  EXPECT_FALSE(c.Receive().ok()) << "the connection stays open";
  return code;
}

TEST_F(LiveTest, TokenInTheHeaderThenEventsFromAfter) {
  StartServer();
  Raise("d1", "s1");
  Raise("d2", "s2");
  Append("demand-d1", "demand.accepted");
  WebSocketClient c = Subscribe(kLiveAdminToken, R"({"after":1})");
  EXPECT_EQ(EventsThrough(c, 3), (std::vector<uint64_t>{2, 3}));
  Raise("d3", "s1");  // live now
  EXPECT_EQ(EventsThrough(c, 4), (std::vector<uint64_t>{4}));
}

TEST_F(LiveTest, TokenInAFirstMessage) {
  StartServer();
  Raise("d1", "s1");
  WebSocketClient c;
  ASSERT_TRUE(c.Connect(server_->port(), "/v1/live").ok());
  ASSERT_TRUE(c.Send(std::string(R"({"auth":")") + supervisor_s1_ + R"("})").ok());
  ASSERT_TRUE(c.Send(R"({"subscribe":{"after":0}})").ok());
  LiveMessage m = Next(c);
  EXPECT_EQ(m.position, 1u);
  EXPECT_EQ(m.stream, "demand-d1");
  EXPECT_FALSE(m.body.at("event").as_object().contains("personal"));
}

TEST_F(LiveTest, BadOrMissingTokenIsAnErrorAndTheConnectionCloses) {
  StartServer();
  WebSocketClient bad_header;
  ASSERT_TRUE(bad_header.Connect(server_->port(), "/v1/live", {{"Authorization", "Bearer rl_not-a-token"}}).ok());
  EXPECT_EQ(ErrorThenClose(bad_header), "unauthorized");

  WebSocketClient bad_message;
  ASSERT_TRUE(bad_message.Connect(server_->port(), "/v1/live").ok());
  ASSERT_TRUE(bad_message.Send(R"({"auth":"rl_not-a-token"})").ok());
  EXPECT_EQ(ErrorThenClose(bad_message), "unauthorized");

  WebSocketClient none = Subscribe("", R"({"after":0})");  // subscribes without authenticating
  EXPECT_EQ(ErrorThenClose(none), "unauthorized");

  WebSocketClient garbage;
  ASSERT_TRUE(garbage.Connect(server_->port(), "/v1/live", {{"Authorization", std::string("Bearer ") + kLiveAdminToken}}).ok());
  ASSERT_TRUE(garbage.Send("not json").ok());
  EXPECT_EQ(ErrorThenClose(garbage), "invalid_json");
}

TEST_F(LiveTest, ResidentsHaveNoFeedAndASiteOutOfScopeIsForbidden) {
  StartServer();
  WebSocketClient resident;
  ASSERT_TRUE(resident.Connect(server_->port(), "/v1/live", {{"Authorization", "Bearer " + resident_}}).ok());
  EXPECT_EQ(ErrorThenClose(resident), "forbidden");
  WebSocketClient elsewhere = Subscribe(supervisor_s1_, R"({"after":0,"site_id":"s2"})");
  EXPECT_EQ(ErrorThenClose(elsewhere), "forbidden");
}

TEST_F(LiveTest, NoSubscriptionInTimeCloses) {
  LiveHubOptions o = TestOptions();
  o.subscribe_timeout = 200ms;
  StartServer(o);
  WebSocketClient c;
  ASSERT_TRUE(c.Connect(server_->port(), "/v1/live").ok());
  EXPECT_EQ(ErrorThenClose(c), "unauthorized");
}

TEST_F(LiveTest, AccessStreamEventsReachOnlyAdmins) {
  StartServer();
  WebSocketClient admin = Subscribe(kLiveAdminToken, R"({"after":0})");
  WebSocketClient inspector = Subscribe(inspector_, R"({"after":0})");
  WebSocketClient supervisor = Subscribe(supervisor_s1_, R"({"after":0})");
  Append("access", "principal.registered", R"({"principal_id":"p-x"})");  // 1
  Raise("d1", "s1");                                                       // 2
  Append("access", "principal.revoked", R"({"principal_id":"p-x"})");     // 3
  Append("policy", "policy.set");                                          // 4
  EXPECT_EQ(EventsThrough(admin, 4), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(EventsThrough(inspector, 4), (std::vector<uint64_t>{2, 4}));
  EXPECT_EQ(EventsThrough(supervisor, 4), (std::vector<uint64_t>{2, 4}));
}

TEST_F(LiveTest, ScopeSiteAndTypeFilters) {
  StartServer();
  Raise("d1", "s1");                             // 1
  Raise("d2", "s2");                             // 2
  Append("demand-d2", "demand.accepted");        // 3: s2 through its demand.raised
  Append("site-s2", "site.updated");             // 4
  Append("subject-x", "subject.erased");         // 5: privileged readers only
  Append("demand-d1", "demand.accepted");        // 6
  Append("unit-u1", "unit.registered");          // 7
  WebSocketClient community = Subscribe(community_s2_, R"({"after":0})");
  WebSocketClient site = Subscribe(kLiveAdminToken, R"({"after":0,"site_id":"s2"})");
  WebSocketClient types = Subscribe(inspector_, R"({"after":0,"types":["demand.accepted","subject.erased"]})");
  WebSocketClient both = Subscribe(supervisor_s1_, R"({"after":0,"site_id":"s1","types":["demand.accepted"]})");
  Raise("d3", "s2");                             // 8: live
  Append("demand-d1", "demand.resolved");        // 9
  EXPECT_EQ(EventsThrough(community, 8), (std::vector<uint64_t>{2, 3, 4, 7, 8}));
  EXPECT_EQ(EventsThrough(site, 8), (std::vector<uint64_t>{2, 3, 4, 8}));
  EXPECT_EQ(EventsThrough(types, 6), (std::vector<uint64_t>{3, 5, 6}));
  EXPECT_EQ(EventsThrough(both, 6), (std::vector<uint64_t>{6}));
  Append("demand-d1", "demand.accepted");        // 10
  EXPECT_EQ(EventsThrough(both, 10), (std::vector<uint64_t>{10}));
}

TEST_F(LiveTest, HeartbeatCarriesTheHead) {
  StartServer();
  Raise("d1", "s1");
  Raise("d2", "s1");
  WebSocketClient c = Subscribe(supervisor_s1_, R"({"after":"now","site_id":"s1"})");
  LiveMessage h = Next(c, {"heartbeat", "event"});
  EXPECT_EQ(h.kind, "heartbeat");
  EXPECT_EQ(h.body.at("head").to_number<uint64_t>(), 2u);
  LiveMessage again = Next(c, {"heartbeat", "event"});
  EXPECT_EQ(again.kind, "heartbeat");
}

TEST_F(LiveTest, AClientThatStopsAnsweringPingsIsClosed) {
  LiveHubOptions o = TestOptions();
  o.idle_timeout = 300ms;
  StartServer(o);
  WebSocketClient quiet = Subscribe(kLiveAdminToken, R"({"after":"now"})");
  WebSocketClient answering = Subscribe(kLiveAdminToken, R"({"after":"now"})");
  // Receiving answers pings; not receiving does not.
  const auto until = std::chrono::steady_clock::now() + 1s;
  while (std::chrono::steady_clock::now() < until) ASSERT_EQ(Next(answering, {"heartbeat"}).kind, "heartbeat");
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) closed = Next(quiet, {"heartbeat"}).kind.empty();
  EXPECT_TRUE(closed) << "heartbeats kept coming to a client that never answered a ping";
}

TEST_F(LiveTest, ShutdownSendsClosingWithTheResumePosition) {
  StartServer();
  Raise("d1", "s1");
  Raise("d2", "s1");
  WebSocketClient c = Subscribe(kLiveAdminToken, R"({"after":0})");
  EXPECT_EQ(EventsThrough(c, 2), (std::vector<uint64_t>{1, 2}));
  server_->Stop();
  LiveMessage m = Next(c, {"closing", "event"});
  EXPECT_EQ(m.kind, "closing");
  EXPECT_EQ(m.body.at("reason").as_string(), "server stopping");
  EXPECT_EQ(m.body.at("resume_after").to_number<uint64_t>(), 2u);
  EXPECT_FALSE(c.Receive().ok());  // the close handshake
  server_->Wait();  // returns: the session closed
}

}  // namespace
}  // namespace redledger::testing
