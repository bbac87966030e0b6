// POST /v1/demands (201 {demand_id, version, position}) and
// POST /v1/demands/{id}/<command> (200 {demand_id, version, position, status}).
// Blocking routes: an answer waits for its WAL sync, on the worker pool.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/command_service.h"
#include "redledger/demand.h"

namespace redledger::api {
namespace {

Answer Created(const CommandResult& r) {
  boost::json::object o{{"demand_id", r.id}, {"version", r.version}, {"position", r.position}};
  return {201, boost::json::serialize(o)};
}

Answer Changed(const CommandResult& r) {
  boost::json::object o{{"demand_id", r.id}, {"version", r.version}, {"position", r.position}, {"status", r.status}};
  return {200, boost::json::serialize(o)};
}

}  // namespace

void AddDemandCommandRoutes(Routes* routes, CommandService* commands, IdempotencyStore* idempotency) {
  const http::RouteOptions options{.authenticate = true, .json_body = true, .blocking = true};
  routes->Add("POST", "/v1/demands", options, [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    RunCommand(idempotency, req, *meta, res, [&]() -> Result<Answer> {
      auto r = commands->Raise(*req.principal, BodyText(req), *meta);
      if (!r.ok()) return r.status();
      return Created(*r);
    });
  });
  for (std::string_view name : kDemandCommandNames) {
    if (name == "raise") continue;
    std::string command(name);
    routes->Add("POST", "/v1/demands/{id}/" + command, options,
                [=](http::Request req, http::Responder res) {
                  auto meta = CommandMetaOf(req);
                  if (!meta.ok()) return res.Fail(meta.status());
                  RunCommand(idempotency, req, *meta, res, [&]() -> Result<Answer> {
                    auto r = commands->Demand(*req.principal, req.params.at("id"), command, BodyText(req), *meta);
                    if (!r.ok()) return r.status();
                    return Changed(*r);
                  });
                });
  }
}

}  // namespace redledger::api
