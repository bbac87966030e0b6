// The HTTP layer's own ceiling (DESIGN §6 asks ≥ 50,000 reads/s end to end):
// keep-alive connections on 127.0.0.1, each sending one authenticated GET at
// a time to a route that answers at once, so the figure is the server's cost
// per request (parse, route, bearer check against the credentials store,
// answer) with the load generator on the same cores.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "redledger/auth.h"
#include "redledger/http_server.h"

namespace redledger {
namespace {

// One keep-alive connection; Request() sends `req` and reads one response.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { close(fd_); }

  // True when a 200 came back.
  bool Request(const std::string& req) {
    if (!ok_ || write(fd_, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return false;
    buf_.clear();
    char chunk[4096];
    while (true) {
      size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t cl = buf_.find("Content-Length: ");
        size_t len = cl == std::string::npos ? 0 : std::strtoul(buf_.c_str() + cl + 16, nullptr, 10);
        if (buf_.size() >= end + 4 + len) return buf_.compare(0, 12, "HTTP/1.1 200") == 0;
      }
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string buf_;
};

void BM_KeepAliveAuthenticatedGets(benchmark::State& state) {
  const int connections = static_cast<int>(state.range(0));
  std::string dir = (std::filesystem::temp_directory_path() / ("redledger-http-bench-" + std::to_string(getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  auto store = CredentialStore::Open(dir);
  if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
  std::string token = NewToken();
  if (!(*store)->AddToken("p-bench", token).ok()) return state.SkipWithError("add token");
  Principal reader;
  reader.id = "p-bench";
  reader.role = Role::kSupervisor;
  reader.all_sites = true;
  Authenticator auth(store->get(), [&](std::string_view) { return std::optional<Principal>(reader); }, {});

  http::ServerOptions o;
  o.port = 0;
  http::Server server(o, &auth);
  server.Route("GET", "/v1/sites/{id}/ledger", {}, [](http::Request req, http::Responder r) {
    r.Send(http::Response::Json(200, R"({"site_id":")" + req.params["id"] + R"(","open":3})"));
  });
  if (!server.Start().ok()) return state.SkipWithError("start");
  const std::string req = "GET /v1/sites/s-1/ledger HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer " + token + "\r\n\r\n";

  // bench/smoke.sh only checks that the bench still runs.
  const int kPerConnection = std::getenv("REDLEDGER_BENCH_SMOKE") != nullptr ? 20 : 2000;
  for (auto _ : state) {
    std::atomic<int64_t> ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < connections; ++c) {
      clients.emplace_back([&] {
        RawConnection conn(server.port());
        for (int i = 0; i < kPerConnection && conn.Request(req); ++i) ok.fetch_add(1, std::memory_order_relaxed);
      });
    }
    for (auto& t : clients) t.join();
    state.SetItemsProcessed(state.items_processed() + ok.load());
    if (ok.load() != int64_t{kPerConnection} * connections) state.SkipWithError("a request failed");
  }
  server.Stop();
  server.Wait();
  store->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_KeepAliveAuthenticatedGets)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace redledger

BENCHMARK_MAIN();
