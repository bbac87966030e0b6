// Scores and notices (DESIGN §4, §5) from the ScoreProjection, which folds
// up to the store head on each query (read-your-writes without a wait).
// Readers: supervisor, community, inspector, admin; a scoped reader reads a
// site's scores only in its scope. CSV via Accept: text/csv or ?format=csv.
#include "api/routes.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"
#include "redledger/views.h"

namespace redledger::api {
namespace {

Status CanReadScores(const Principal& p) {
  return RequireRole(p, {Role::kAdmin, Role::kInspector, Role::kSupervisor, Role::kCommunity});
}

Result<bool> WantsCsv(const http::Request& req) {
  if (auto format = req.Query("format")) {
    if (*format == "csv") return true;
    if (*format == "json") return false;
    return Status::InvalidArgument("format must be json or csv", "format");
  }
  return req.Header("accept").find("text/csv") != std::string_view::npos;
}

// Folding the log since the last query may take a while: off the I/O thread then.
void WhenFolded(http::Server* server, const ScoreProjection* scores, uint64_t head, std::function<void()> fn) {
  if (scores->Applied() >= head) return fn();
  server->Offload(std::move(fn));
}

struct PeriodQuery {
  CivilMonth period;
  std::optional<uint64_t> as_of;
};

Result<PeriodQuery> ParsePeriodQuery(const http::Request& req, uint64_t head, const Clock& clock,
                                     const ReadModels& views) {
  auto period = QueryPeriod(req);
  if (!period.ok()) return period.status();
  auto as_of_text = ParseAsOf(req);
  if (!as_of_text.ok()) return as_of_text.status();
  auto as_of = ResolveAsOf(*as_of_text, head, clock.NowMicros(), views);
  if (!as_of.ok()) return as_of.status();
  return PeriodQuery{*period, *as_of};
}

}  // namespace

void AddScoreRoutes(Routes* routes, EventStore* store, const CommandService* commands, ScoreProjection* scores,
                    const ProjectionRunner* projections, IdempotencyStore* idempotency, const Clock* clock) {
  http::Server* server = routes->server();
  const ReadModels* views = &projections->views();
  routes->Add("GET", "/v1/scores", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto q = ParsePeriodQuery(req, head, *clock, *views);
    if (!q.ok()) return res.Fail(q.status());
    if (Status s = CanReadScores(*req.principal); !s.ok()) return res.Fail(s);
    WhenFolded(server, scores, head, [=, q = *q] {
      auto doc = scores->Scores(q.period, q.as_of);
      if (!doc.ok()) return res.Fail(doc.status());
      res.Send(Json(200, std::move(*doc)));
    });
  });
  routes->Add("GET", "/v1/sites/{id}/scores", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto q = ParsePeriodQuery(req, head, *clock, *views);
    if (!q.ok()) return res.Fail(q.status());
    const std::string id = req.params.at("id");
    if (commands->Snapshot()->registry.FindSite(id) == nullptr) return res.Fail(Status::NotFound("site " + id + " not found"));
    if (Status s = CanReadScores(*req.principal); !s.ok()) return res.Fail(s);
    if (Status s = RequireSite(*req.principal, id); !s.ok()) return res.Fail(s);
    WhenFolded(server, scores, head, [=, q = *q] {
      auto doc = scores->SiteScores(id, q.period, q.as_of);
      if (!doc.ok()) return res.Fail(doc.status());
      res.Send(Json(200, std::move(*doc)));
    });
  });
  routes->Add("GET", "/v1/notices", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto csv = WantsCsv(req);
    if (!csv.ok()) return res.Fail(csv.status());
    auto q = ParsePeriodQuery(req, head, *clock, *views);
    if (!q.ok()) return res.Fail(q.status());
    if (Status s = CanReadScores(*req.principal); !s.ok()) return res.Fail(s);
    WhenFolded(server, scores, head, [=, q = *q, csv = *csv] {
      auto doc = scores->Notice(q.period, q.as_of, csv);
      if (!doc.ok()) return res.Fail(doc.status());
      if (csv) return res.Send(http::Response::Text(200, std::move(*doc), "text/csv; charset=utf-8"));
      res.Send(Json(200, std::move(*doc)));
    });
  });
  const http::RouteOptions cmd{.authenticate = true, .json_body = true, .blocking = true};
  routes->Add("POST", "/v1/notices", cmd, [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    RunCommand(idempotency, req, *meta, res, [&]() -> Result<Answer> {
      auto published = scores->Publish(store, *req.principal, BodyText(req), *meta, clock->NowMicros());
      if (!published.ok()) return published.status();
      return Answer{201, std::move(published->notice_json)};
    });
  });
}

}  // namespace redledger::api
