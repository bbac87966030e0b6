// The live feed under DESIGN §6's load: 1,000 WebSocket subscribers each
// filtered to one of 100 sites plus 10 unfiltered ones, 2,000 events/s
// appended to an in-memory store (so the figure is the feed's, not the
// disk's). Reports event-to-client latency (from just before the append to
// the client's read of the message, one steady clock) and memory per
// subscriber (RSS growth while the subscribers connect; the clients live in
// this process too, so it is an upper bound for a server session).
// REDLEDGER_BENCH_SMOKE=1: 30 subscribers, 200 events.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "redledger/auth.h"
#include "redledger/event_store.h"
#include "redledger/http_server.h"
#include "redledger/live_hub.h"

namespace redledger {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr char kToken[] = "bench-admin-token-0123456789abcdef";

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * 4096;
}

// Latencies (ns) of every event message received; one client thread writes them.
struct Sink {
  std::vector<int64_t> latencies;
  std::atomic<uint64_t> received{0};
  std::atomic<int> subscribed{0};
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& ioc, std::string subscribe, Sink* sink)
      : ws_(ioc), subscribe_(std::move(subscribe)), sink_(sink) {}

  void Start(tcp::endpoint ep) {
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return std::fprintf(stderr, "connect: %s\n", ec.message().c_str()), void();
      self->ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::authorization, std::string("Bearer ") + kToken);
      }));
      self->ws_.async_handshake("127.0.0.1", "/v1/live", [self](beast::error_code ec) {
        if (ec) return std::fprintf(stderr, "handshake: %s\n", ec.message().c_str()), void();
        self->ws_.async_write(net::buffer(self->subscribe_), [self](beast::error_code ec, size_t) {
          if (ec) return;
          self->sink_->subscribed.fetch_add(1);
          self->Read();
        });
      });
    });
  }

 private:
  void Read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      const int64_t now = NowNanos();
      std::string_view text(static_cast<const char*>(self->buf_.data().data()), self->buf_.size());
      if (text.starts_with(R"({"kind":"event")")) {
        const size_t at = text.find("\"t_ns\":");
        if (at != std::string_view::npos) {
          self->sink_->latencies.push_back(now - std::strtoll(text.data() + at + 7, nullptr, 10));
          self->sink_->received.fetch_add(1, std::memory_order_relaxed);
        }
      }
      self->buf_.consume(self->buf_.size());
      self->Read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  std::string subscribe_;
  Sink* sink_;
};

int Run() {
  const bool smoke = std::getenv("REDLEDGER_BENCH_SMOKE") != nullptr;
  const int sites = smoke ? 10 : 100;
  const int filtered = smoke ? 20 : 1000;
  const int unfiltered = 10;
  const int rate = smoke ? 200 : 2000;          // events per second
  const int seconds = smoke ? 1 : 15;
  const int events = rate * seconds;

  auto dir = std::filesystem::temp_directory_path() / ("ws_bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int status = 1;
  {
    auto credentials = CredentialStore::Open((dir / "credentials").string());
    if (!credentials.ok()) return std::fprintf(stderr, "%s\n", credentials.status().ToString().c_str()), 1;
    Authenticator auth(credentials->get(), [](std::string_view) { return std::nullopt; }, kToken);
    std::unique_ptr<EventStore> store = NewMemoryEventStore(StoreOptions{});
    LiveHub hub(store.get(), &auth, LiveHubOptions{});
    http::ServerOptions so;
    so.port = 0;
    so.threads = 2;
    so.worker_threads = 1;
    so.max_connections = 5000;
    http::Server server(so, &auth);
    if (!AttachLiveHub(server, hub).ok() || !server.Start().ok()) return std::fprintf(stderr, "server\n"), 1;

    Sink sink;
    sink.latencies.reserve(static_cast<size_t>(events) * (unfiltered + filtered / sites) + 1024);
    net::io_context ioc;
    auto work = net::make_work_guard(ioc);
    std::thread client_thread([&] { ioc.run(); });
    const size_t rss_before = RssBytes();
    const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server.port());
    for (int i = 0; i < filtered + unfiltered; ++i) {
      std::string sub = i < filtered ? R"({"subscribe":{"after":"now","site_id":"s)" + std::to_string(i % sites) + "\"}}"
                                     : R"({"subscribe":{"after":"now"}})";
      net::post(ioc, [&ioc, &sink, ep, sub] { std::make_shared<Client>(ioc, sub, &sink)->Start(ep); });
    }
    const int total = filtered + unfiltered;
    for (int i = 0; i < 600 && sink.subscribed.load() < total; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the subscribes are read and registered
    const size_t rss_after = RssBytes();

    // Paced appends: event i is due at start + i / rate.
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < events; ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(1'000'000LL * i / rate));
      NewEvent e;
      char id[40];
      std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i + 1);
      e.event_id = id;
      e.type = "demand.raised";
      e.actor = Actor{"bench", "admin", std::nullopt};
      e.data = R"({"demand_id":"d)" + std::to_string(i) + R"(","site_id":"s)" + std::to_string(i % sites) +
               R"(","t_ns":)" + std::to_string(NowNanos()) + "}";
      auto r = store->Append({AppendPart{"demand-d" + std::to_string(i), ExpectedVersion::NoStream(), {e}}});
      if (!r.ok()) return std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str()), 1;
    }
    const double write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const uint64_t expected = static_cast<uint64_t>(events) * unfiltered + static_cast<uint64_t>(events) * filtered / sites;
    for (int i = 0; i < 400 && sink.received.load() < expected; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));

    server.Stop();
    server.Wait();
    work.reset();
    ioc.stop();
    client_thread.join();

    std::vector<int64_t>& l = sink.latencies;
    std::sort(l.begin(), l.end());
    auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))] / 1e6; };
    const LiveHubStats st = hub.stats();
    std::printf("live feed: %d subscribers (%d filtered to one of %d sites, %d unfiltered), %d events at %d/s "
                "(written in %.2f s)\n",
                total, filtered, sites, unfiltered, events, rate, write_seconds);
    std::printf("  delivered %llu of %llu expected messages; catch-ups %llu, closed too slow %llu\n",
                static_cast<unsigned long long>(sink.received.load()), static_cast<unsigned long long>(expected),
                static_cast<unsigned long long>(st.catchups_started), static_cast<unsigned long long>(st.closed_too_slow));
    std::printf("  event-to-client latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.50), pct(0.99), pct(1.0));
    std::printf("  memory: RSS +%.1f KiB per subscriber (server session and client connection together)\n",
                (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / total / 1024.0);
    status = sink.received.load() == expected ? 0 : 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return status;
}

}  // namespace
}  // namespace redledger

int main() { return redledger::Run(); }
