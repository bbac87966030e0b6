// Resume and slow clients over real sockets: reconnecting with the last
// position received misses nothing and repeats nothing, and a client that
// stops reading never holds up the others.
#include <map>
#include <random>
#include <thread>

#include "ws/live_fixture.h"

namespace redledger::testing {
namespace {

using namespace std::chrono_literals;

// Reads as `token` with `filter` (extra subscribe fields) until the end
// marker, reconnecting at random with after=<last position received>.
std::vector<uint64_t> ReadWithReconnects(uint16_t port, const std::string& token, const std::string& filter,
                                         uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> got;
  for (int connection = 0; connection < 1000; ++connection) {
    WebSocketClient c(5s);
    if (!c.Connect(port, "/v1/live", {{"Authorization", "Bearer " + token}}).ok()) break;
    const std::string after = got.empty() ? "0" : std::to_string(got.back());
    if (!c.Send(R"({"subscribe":{"after":)" + after + filter + "}}").ok()) break;
    const int take = 1 + static_cast<int>(rng() % 150);
    for (int i = 0; i < take; ++i) {
      LiveMessage m = LiveTest::Next(c);
      if (m.kind.empty()) return got;  // a timeout: the test fails on the count
      got.push_back(m.position);
      if (m.type == "test.done") return got;
    }
    if (rng() % 2) c.Close().IgnoreError();  // else dropped without a close frame
  }
  return got;
}

TEST_F(LiveTest, RandomReconnectsWithResumeMissNothingAndRepeatNothing) {
  StartServer();
  constexpr int kEvents = 1500;
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] { got[r] = ReadWithReconnects(server_->port(), kLiveAdminToken, "", 100 + r); });
  }
  // In scope: s1's demands and the policy stream; filtered to two types.
  readers.emplace_back([&] {
    got[3] = ReadWithReconnects(server_->port(), supervisor_s1_, R"(,"types":["demand.raised","test.done"])", 7);
  });
  std::this_thread::sleep_for(20ms);
  // New demands over three sites and events of earlier ones, then the end marker.
  std::mt19937_64 rng(42);
  int demands = 0;
  for (int i = 0; i < kEvents; ++i) {
    if (demands == 0 || rng() % 3 == 0) {
      ++demands;
      Raise("d" + std::to_string(demands), "s" + std::to_string(1 + rng() % 3));
    } else {
      Append("demand-d" + std::to_string(1 + rng() % demands), "demand.progressed");
    }
    if (rng() % 50 == 0) std::this_thread::sleep_for(1ms);
  }
  const uint64_t done = Append("policy", "test.done");
  for (auto& t : readers) t.join();

  std::vector<uint64_t> all, s1;  // what an admin sees; what the supervisor asked for
  auto events = store_->ReadAll(0, done);
  ASSERT_TRUE(events.ok());
  std::map<std::string, std::string> site_of;
  for (const Envelope& e : *events) {
    all.push_back(e.position);
    if (e.type == "demand.raised") site_of[e.stream] = e.data.substr(e.data.find("\"site_id\":\"") + 11, 2);
    if (e.type == "test.done" || (e.type == "demand.raised" && site_of[e.stream] == "s1")) s1.push_back(e.position);
  }
  for (int r = 0; r < 3; ++r) EXPECT_EQ(got[r], all) << "reader " << r;
  EXPECT_EQ(got[3], s1);
}

// A staller subscribes but does not read while `n` large events are written
// and the other clients read them all.
class StallTest : public LiveTest {
 protected:
  static constexpr int kEvents = 2000;
  static LiveHubOptions StallOptions() {
    LiveHubOptions o = TestOptions();
    o.queue_bytes = 16 * 1024;
    o.catchup_page = 64;
    return o;
  }

  // Writes in rounds of 100, each once every reader has received the last,
  // so the readers never lag far whatever the machine's load; the staller,
  // reading nothing, falls ever further behind.
  void WriteWhileOthersRead(int readers) {
    const std::string filler(8000, 'x');  // 16 MB in all: more than the socket buffers hold
    std::vector<std::vector<uint64_t>> got(readers);
    std::vector<std::atomic<uint64_t>> progress(readers);
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
      threads.emplace_back([&, r] {
        WebSocketClient c = Subscribe(kLiveAdminToken, R"({"after":0})", 10s);
        while (got[r].empty() || got[r].back() < kEvents) {
          LiveMessage m = Next(c);
          if (m.kind.empty()) break;
          got[r].push_back(m.position);
          progress[r].store(m.position);
        }
        progress[r].store(kEvents);  // done, or failed: the check below tells
      });
    }
    for (int i = 0; i < kEvents; ++i) {
      const uint64_t position = Raise("d" + std::to_string(i), "s1", filler);
      if (position % 100 != 0) continue;
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      for (int r = 0; r < readers; ++r) {
        while (progress[r].load() < position && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(1ms);
        }
      }
    }
    for (auto& t : threads) t.join();
    std::vector<uint64_t> all(kEvents);
    for (int i = 0; i < kEvents; ++i) all[i] = i + 1;
    for (int r = 0; r < readers; ++r) EXPECT_EQ(got[r], all) << "reader " << r << " was held up";
  }
};

TEST_F(StallTest, AStalledClientCatchesUpFromTheLogWithoutSlowingOthers) {
  StartServer(StallOptions());
  WebSocketClient staller = Subscribe(kLiveAdminToken, R"({"after":0})", 10s);
  std::this_thread::sleep_for(50ms);
  WriteWhileOthersRead(3);
  std::vector<uint64_t> expected(kEvents);
  for (int i = 0; i < kEvents; ++i) expected[i] = i + 1;
  EXPECT_EQ(EventsThrough(staller, kEvents), expected);
  EXPECT_GE(hub_->stats().catchups_started, 1u) << "the staller never fell back to the log";
  EXPECT_EQ(hub_->stats().closed_too_slow, 0u);
}

TEST_F(StallTest, PastTheHardLimitTheClientIsClosedAndResumesFromItsPosition) {
  LiveHubOptions o = StallOptions();
  o.max_lag_events = 200;
  o.max_lag_time = 200ms;
  o.close_timeout = 20s;
  StartServer(o);
  WebSocketClient staller = Subscribe(kLiveAdminToken, R"({"after":0})", 10s);
  std::this_thread::sleep_for(50ms);
  WriteWhileOthersRead(2);
  for (int i = 0; i < 100 && hub_->stats().closed_too_slow == 0; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(hub_->stats().closed_too_slow, 1u);

  std::vector<uint64_t> got;
  uint64_t resume = 0;
  for (;;) {
    LiveMessage m = Next(staller, {"event", "closing"});
    if (m.kind == "event") got.push_back(m.position);
    if (m.kind == "closing") {
      EXPECT_EQ(m.body.at("reason").as_string(), "too slow");
      resume = m.body.at("resume_after").to_number<uint64_t>();
      break;
    }
    ASSERT_FALSE(m.kind.empty()) << "closed without a closing message";
  }
  ASSERT_LT(got.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(resume, got.empty() ? 0 : got.back());
  WebSocketClient again = Subscribe(kLiveAdminToken, R"({"after":)" + std::to_string(resume) + "}", 10s);
  std::vector<uint64_t> rest = EventsThrough(again, kEvents);
  const size_t before = got.size();
  got.insert(got.end(), rest.begin(), rest.end());
  size_t bad = 0;
  while (bad < got.size() && got[bad] == bad + 1) ++bad;
  SCOPED_TRACE("received " + std::to_string(before) + " before closing, resume_after " + std::to_string(resume) +
               ", " + std::to_string(rest.size()) + " after; first out of sequence at index " + std::to_string(bad) +
               (bad < got.size() ? ": " + std::to_string(got[bad]) : std::string()));
  std::vector<uint64_t> expected(kEvents);
  for (int i = 0; i < kEvents; ++i) expected[i] = i + 1;
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace redledger::testing
