#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>

#include "http/http_session.h"
#include "http/listener.h"
#include "http/server_core.h"

namespace redledger::http {

namespace net = boost::asio;

namespace {

bool SaneClientId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

int ThreadCount(int configured) {
  if (configured > 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Server::Core::Core(ServerOptions opts, const Authenticator* auth)
    : options(std::move(opts)),
      authenticator(auth),
      ioc(ThreadCount(options.threads)),
      id_prefix_(HexEncode(RandomBytes(4)) + "-") {
  if (options.rate_limit_per_second > 0) {
    limiter = std::make_unique<RateLimiter>(options.rate_limit_per_second,
                                            std::max(1.0, options.rate_limit_burst > 0 ? options.rate_limit_burst
                                                                                       : options.rate_limit_per_second),
                                            SystemClock::Default());
  }
}

std::string Server::Core::RequestId(std::string_view client_id) {
  if (SaneClientId(client_id)) return std::string(client_id);
  return id_prefix_ + std::to_string(next_request_.fetch_add(1, std::memory_order_relaxed) + 1);
}

uint64_t Server::Core::AddSession(std::weak_ptr<HttpSession> s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  uint64_t id = ++next_session_;
  sessions_.emplace(id, std::move(s));
  return id;
}

void Server::Core::RemoveSession(uint64_t id) {
  if (id == 0) return;  // never registered (a rejected connection)
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.erase(id);
}

std::vector<std::shared_ptr<HttpSession>> Server::Core::LiveSessions() {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  std::vector<std::shared_ptr<HttpSession>> out;
  for (auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

Status ParseListenAddress(std::string_view text, ServerOptions* options) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("listen address must be host:port", "listen");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Status::InvalidArgument("bad IPv6 listen address", "listen");
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
    return Status::InvalidArgument("bad listen port", "listen");
  }
  boost::system::error_code bad;
  net::ip::make_address(std::string(host), bad);
  if (bad) return Status::InvalidArgument("listen host must be an IP address", "listen");
  options->address = std::string(host);
  options->port = static_cast<uint16_t>(port);
  return Status::OK();
}

Server::Server(ServerOptions options, const Authenticator* authenticator)
    : core_(std::make_shared<Core>(std::move(options), authenticator)) {
  Route("GET", "/healthz", {.authenticate = false},
        [](Request, Responder r) { r.Send(Response::Json(200, R"({"status":"ok"})")); });
}

Server::~Server() {
  Stop();
  Wait();
}

void Server::Route(std::string method, std::string pattern, RouteOptions options, Handler handler) {
  core_->router.Add(std::move(method), pattern, options, std::move(handler));
}

void Server::RouteUpgrade(std::string path, UpgradeHandler handler) {
  core_->upgrades.emplace(std::move(path), std::move(handler));
}

void Server::OnStop(std::function<void()> hook) { core_->stop_hooks.push_back(std::move(hook)); }

Status Server::Start() {
  auto listener = std::make_shared<Listener>(core_);
  REDLEDGER_RETURN_IF_ERROR(listener->Open());
  core_->bound_port = listener->port();
  core_->listener = listener;
  listener->Run();
  if (core_->options.worker_threads > 0) {
    core_->workers = std::make_unique<net::thread_pool>(core_->options.worker_threads);
  }
  const int n = ThreadCount(core_->options.threads);
  for (int i = 0; i < n; ++i) core_->threads.emplace_back([core = core_] { core->ioc.run(); });
  return Status::OK();
}

uint16_t Server::port() const { return core_->bound_port; }

void Server::Stop() {
  if (core_->draining.exchange(true)) return;
  if (core_->listener) core_->listener->Stop();
  for (auto& s : core_->LiveSessions()) s->Drain();
  for (auto& hook : core_->stop_hooks) hook();
}

void Server::Wait() {
  for (auto& t : core_->threads) {
    if (t.joinable()) t.join();
  }
  core_->threads.clear();
  // Every blocking handler has answered by now (its Responder kept the I/O threads alive).
  if (core_->workers) core_->workers->join();
}

void Server::Offload(std::function<void()> fn) { net::post(*core_->workers, std::move(fn)); }

std::vector<RouteInfo> Server::routes() const {
  std::vector<RouteInfo> out;
  for (const Router::Route& r : core_->router.routes()) {
    std::string pattern;
    for (const std::string& seg : r.segments) pattern += "/" + seg;
    if (pattern.empty()) pattern = "/";
    out.push_back(RouteInfo{r.method, pattern, r.options.authenticate});
  }
  for (const auto& [path, handler] : core_->upgrades) out.push_back(RouteInfo{"GET", path, false});
  return out;
}

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_open = core_->connections_open.load();
  s.connections_accepted = core_->connections_accepted.load();
  s.connections_rejected = core_->connections_rejected.load();
  s.requests = core_->requests.load();
  s.responses_4xx = core_->responses_4xx.load();
  s.responses_5xx = core_->responses_5xx.load();
  return s;
}

}  // namespace redledger::http
