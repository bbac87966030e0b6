// The public board (no token), readiness and Prometheus metrics.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/views.h"

namespace redledger::api {
namespace {

// Readiness waits this long for the projections to reach the head it saw.
constexpr std::chrono::milliseconds kReadyWait{250};

std::string Metrics(const http::ServerStats& s, uint64_t head, uint64_t applied) {
  std::string out;
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help, uint64_t v) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    out.append(name).append(" ").append(std::to_string(v)).append("\n");
  };
  metric("redledger_log_head", "gauge", "Position of the last committed event.", head);
  metric("redledger_projections_applied", "gauge", "Lowest position applied by every read model.", applied);
  metric("redledger_http_connections_open", "gauge", "Open HTTP connections.", s.connections_open);
  metric("redledger_http_connections_accepted_total", "counter", "Connections accepted.", s.connections_accepted);
  metric("redledger_http_connections_rejected_total", "counter", "Connections refused over the limit.",
         s.connections_rejected);
  metric("redledger_http_requests_total", "counter", "Requests read.", s.requests);
  metric("redledger_http_responses_4xx_total", "counter", "Client error responses.", s.responses_4xx);
  metric("redledger_http_responses_5xx_total", "counter", "Server error responses.", s.responses_5xx);
  return out;
}

}  // namespace

void AddOpsRoutes(Routes* routes, const EventStore* store, const CommandService* commands,
                  const ProjectionRunner* projections, std::chrono::milliseconds read_wait) {
  http::Server* server = routes->server();
  const ReadModels* views = &projections->views();
  routes->Add("GET", "/public/sites/{id}/board", {.authenticate = false}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto cursor = QueryText(req, "cursor");
    if (!cursor.ok()) return res.Fail(cursor.status());
    auto limit = QueryLimit(req);
    if (!limit.ok()) return res.Fail(limit.status());
    std::string id = req.params.at("id");
    if (commands->Snapshot()->registry.FindSite(id) == nullptr) return res.Fail(Status::NotFound("site " + id + " not found"));
    AfterProjections(server, projections, head, read_wait, res, [=, cursor = *cursor, limit = *limit] {
      auto board = views->Board(id, cursor, limit);
      if (!board.ok()) return res.Fail(board.status());
      res.Send(Json(200, PublicBoardJson(*board)));
    });
  });
  routes->Add("GET", "/readyz", {.authenticate = false}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    if (Status s = projections->health(); !s.ok()) return res.Fail(Status::Unavailable("a projection failed: " + s.message()));
    AfterProjections(server, projections, head, kReadyWait, res, [=] {
      boost::json::object o{{"status", "ok"}, {"head", head}};
      res.Send(Json(200, boost::json::serialize(o)));
    });
  });
  routes->Add("GET", "/metrics", {.authenticate = false}, [=](http::Request req, http::Responder res) {
    res.Send(http::Response::Text(200, Metrics(server->stats(), store->Head(), projections->Applied()),
                                  "text/plain; version=0.0.4"));
  });
}

}  // namespace redledger::api
