// The HTTP server of DESIGN §4: routes, limits, authentication, errors and
// request ids, on Boost.Beast (kept out of this header).
//
//   http::Server server(options, &authenticator);
//   server.Route("POST", "/v1/demands/{id}/{command}", {.json_body = true},
//                [](http::Request req, http::Responder res) {
//                  // ... may answer later, from any thread:
//                  res.Send(http::Response::Json(200, R"({"demand_id":"d-1"})"));
//                });
//   REDLEDGER_RETURN_IF_ERROR(server.Start());
//   ...
//   server.Stop();   // stop accepting; in-flight requests finish
//   server.Wait();   // all threads joined
//
// Before a handler runs, the server has answered by itself, in this order:
// 404 (no route for the path), 405 (no route for the method; `Allow` set),
// 401 (route needs a token and none valid), 429 (per-principal rate limit),
// 400 invalid_request (bad query string, repeated query key), 415 (JSON route,
// body without `Content-Type: application/json`), 400 invalid_json (not
// UTF-8, unparseable, too deep, duplicate key, not an object). 413 and 431
// (body or headers over the limit) and 400 (not HTTP) are answered while
// reading and close the connection. Every response carries X-Request-Id.
//
// Thread safety: Route(), RouteUpgrade() and OnStop() only before Start(). Start(),
// Stop(), Wait() and stats() may be called from any thread. Handlers run on
// the connection's strand (never two at once for one connection, concurrently
// across connections) unless the route is blocking; a Responder may be used
// from any thread.
#pragma once

#include <boost/json/fwd.hpp>  // forward declarations only; handlers include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redledger/principal.h"
#include "redledger/status.h"

namespace redledger {
class Authenticator;
}

namespace redledger::http {

struct ServerOptions {
  // Address to listen on. Default: "127.0.0.1" (loopback only)
  std::string address = "127.0.0.1";
  // Port; 0 picks a free one (read it back with Server::port()). Default: 8080
  uint16_t port = 8080;
  // Threads running the I/O context. Default: 0, meaning one per core
  int threads = 0;
  // Threads for handlers that block (RouteOptions::blocking): synchronous
  // durable commands, read-your-writes waits. As many commands can wait on one
  // group commit at once. REQUIRES: > 0 when a route is blocking. Default: 64
  int worker_threads = 64;
  // Largest request body; larger ones get 413 and the connection closes. Default: 64 KiB
  size_t body_limit = 64 * 1024;
  // Largest request line plus headers; larger get 431 and the connection closes. Default: 16 KiB
  size_t header_limit = 16 * 1024;
  // Time from a request's first byte to its last; a slower client is
  // disconnected, so it cannot hold a connection open. Default: 10 s
  std::chrono::milliseconds read_timeout{10'000};
  // Time a keep-alive connection may wait for its next request. Default: 60 s
  std::chrono::milliseconds idle_timeout{60'000};
  // Time to write one response to a client that does not read. Default: 10 s
  std::chrono::milliseconds write_timeout{10'000};
  // Open connections; one more is answered 503 and closed. Default: 10,000
  size_t max_connections = 10'000;
  // Requests read ahead of their responses on one connection (pipelining);
  // reading pauses at this many. Default: 16
  size_t max_pipelined = 16;
  // Deepest nesting of a JSON body. Default: 32
  int json_max_depth = 32;
  // Requests per second per principal; 0 turns the limit off. Default: 0
  double rate_limit_per_second = 0;
  // Burst allowed above the rate. Default: 0, meaning max(1, rate_limit_per_second)
  double rate_limit_burst = 0;
};

// Parses "host:port" or "[v6-host]:port" into options->address and ->port.
// InvalidArgument on anything else.
Status ParseListenAddress(std::string_view text, ServerOptions* options);

// One request, as a handler sees it.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent (still percent-encoded), without the query
  std::map<std::string, std::string, std::less<>> params;  // path parameters by name, decoded
  std::map<std::string, std::string, std::less<>> query;   // decoded; each key at most once
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // The body parsed, when the route takes JSON (RouteOptions::json_body); else null.
  std::shared_ptr<const boost::json::object> json;
  // The authenticated caller, when the route requires authentication.
  std::optional<Principal> principal;
  std::string request_id;

  // The first header called `name` (lower case), or "" when absent.
  std::string_view Header(std::string_view name) const;
  // The query parameter `name`, or nullopt when absent.
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (ETag, Location, Retry-After, ...). Content-Type,
  // Content-Length, Connection and X-Request-Id are set by the server.
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// The error response for `status` (DESIGN §4 body and HTTP status), as every
// error the server or a handler sends. REQUIRES: !status.ok()
Response ErrorResponse(const Status& status, std::string_view request_id);

// Parses a JSON object (a request body, a WebSocket message): InvalidJson
// when `text` is not UTF-8, not JSON, nested deeper than `max_depth`, has a
// duplicate key in some object, or is not an object.
Result<std::shared_ptr<const boost::json::object>> ParseJsonObject(std::string_view text, int max_depth);

// Answers one request, now or later, from any thread. Copies share one
// answer: the first Send/Fail wins, later ones are ignored. When the last copy
// is destroyed unanswered, the client gets 500. An answer may arrive after
// the connection died; it is then dropped.
class Responder {
 public:
  struct State;  // defined in src/http; a Responder is made only by the server
  explicit Responder(std::shared_ptr<State> state);

  void Send(Response response) const;
  // Sends ErrorResponse(status, request_id()). REQUIRES: !status.ok()
  void Fail(const Status& status) const;
  const std::string& request_id() const;

 private:
  std::shared_ptr<State> state_;
};

// Runs on the connection's strand (or, for a blocking route, on a worker
// thread); must answer through `responder`, possibly later, from any thread.
// A non-blocking handler may read RocksDB but must not wait on a sync, a
// lock held across I/O, or another request.
using Handler = std::function<void(Request request, Responder responder)>;

struct RouteOptions {
  // Require `Authorization: Bearer <token>` (401 otherwise) and fill
  // Request::principal. Default: true
  bool authenticate = true;
  // Require a JSON object body (415 / 400 invalid_json) and fill Request::json.
  // An empty body without a Content-Type is taken as {} (all fields optional).
  // Default: false (any body is passed through unparsed)
  bool json_body = false;
  // Run the handler on the worker pool instead of the connection's strand,
  // for handlers that wait (on a WAL sync, on projections catching up): the
  // I/O threads keep serving meanwhile. Default: false
  bool blocking = false;
};

// A WebSocket upgrade handed over by the server (defined in
// redledger/http_upgrade.h, which brings in Beast).
struct UpgradeContext;
using UpgradeHandler = std::function<void(UpgradeContext&& upgrade)>;

// A registered route, for checking the served API against schemas/openapi.json.
struct RouteInfo {
  std::string method;
  std::string pattern;  // as registered: "/v1/demands/{id}/{command}"
  bool authenticate = true;
};

// Counters for /metrics.
struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // over max_connections
  uint64_t requests = 0;
  uint64_t responses_4xx = 0;
  uint64_t responses_5xx = 0;
};

class Server {
 public:
  // Serves GET /healthz (200 {"status":"ok"}, no token) from the start.
  // REQUIRES: authenticator outlives the server; it may be null only when no
  // route requires authentication.
  Server(ServerOptions options, const Authenticator* authenticator);
  // Stop() and Wait().
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // `pattern` is a path whose segments are literals or "{name}" (one
  // non-empty segment, decoded into Request::params[name]). Where two
  // patterns match, the one with a literal segment earlier wins.
  // REQUIRES: not started; method and pattern not registered yet.
  void Route(std::string method, std::string pattern, RouteOptions options, Handler handler);
  // A GET on `path` (exact, no parameters) with `Upgrade: websocket` is handed
  // to `handler` with the socket; nothing is authenticated first (the
  // WebSocket module does that). REQUIRES: not started.
  void RouteUpgrade(std::string path, UpgradeHandler handler);
  // Called by Stop(), e.g. for the WebSocket module to close its sessions:
  // upgraded connections are not the server's any more, and Wait() returns
  // only once they are closed. REQUIRES: not started.
  void OnStop(std::function<void()> hook);

  // Binds, listens and starts the threads. IOError when the address cannot be bound.
  // REQUIRES: called once.
  Status Start();
  // The bound port (useful with options.port = 0). REQUIRES: Start() succeeded.
  uint16_t port() const;
  // Stops accepting, closes idle connections, and lets requests already read
  // be answered (then their connections close). Returns at once.
  void Stop();
  // Blocks until every thread has exited: after Stop(), once every in-flight
  // request has been answered (or its Responder destroyed).
  void Wait();

  // Runs `fn` on the worker pool: for a handler that finds it must wait after
  // all (e.g. projections behind the head it saw) without making its whole
  // route blocking. REQUIRES: started, worker_threads > 0.
  void Offload(std::function<void()> fn);

  ServerStats stats() const;
  // Every route, in registration order (/healthz first); upgrades as GET.
  std::vector<RouteInfo> routes() const;

  struct Core;  // shared with the listener and sessions (src/http/server_core.h)

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace redledger::http
