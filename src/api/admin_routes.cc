// Principals and policy (DESIGN §4 "Admin"). A token is shown once: the
// idempotency record keeps only the principal id, so a retry of a
// registration (same key, same body) appends nothing and answers with a
// freshly issued token that replaces the earlier ones — the token is never
// stored in plaintext anywhere.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/auth.h"
#include "redledger/backup.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/score_projection.h"

namespace redledger::api {
namespace {

Result<Answer> IssueToken(CredentialStore* credentials, const std::string& principal_id) {
  REDLEDGER_RETURN_IF_ERROR(credentials->RemoveTokens(principal_id));
  std::string token = NewToken();
  REDLEDGER_RETURN_IF_ERROR(credentials->AddToken(principal_id, token));
  return Answer{201, boost::json::serialize(boost::json::object{{"principal_id", principal_id}, {"token", token}})};
}

}  // namespace

void AddAdminRoutes(Routes* routes, const EventStore* store, CommandService* commands, CredentialStore* credentials,
                    IdempotencyStore* idempotency, ScoreProjection* scores, const Clock* clock) {
  const http::RouteOptions cmd{.authenticate = true, .json_body = true, .blocking = true};
  routes->Add("POST", "/v1/principals", cmd, [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    auto run = [&]() -> Result<Answer> {
      auto r = commands->RegisterPrincipal(*req.principal, BodyText(req), *meta);
      if (!r.ok()) return r.status();
      auto a = IssueToken(credentials, r->id);
      if (a.ok()) a->kept = boost::json::serialize(boost::json::object{{"principal_id", r->id}});
      return a;
    };
    auto replay = [&](const Answer& first) -> Result<Answer> {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(first.body, ec);
      const boost::json::value* id = v.is_object() ? v.as_object().if_contains("principal_id") : nullptr;
      if (ec || id == nullptr || !id->is_string()) return Status::Corruption("idempotency record lacks the principal id");
      return IssueToken(credentials, std::string(id->as_string()));
    };
    RunCommand(idempotency, req, *meta, res, run, replay);
  });
  routes->Add("DELETE", "/v1/principals/{id}", {.blocking = true}, [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    const std::string& id = req.params.at("id");
    auto r = commands->RevokePrincipal(*req.principal, id, *meta);
    if (!r.ok()) return res.Fail(r.status());
    if (Status s = credentials->RemoveTokens(id); !s.ok()) return res.Fail(s);
    res.Send(Json(200, boost::json::serialize(boost::json::object{{"principal_id", id}, {"revoked", true}})));
  });
  routes->Add("POST", "/v1/policy", cmd, [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    RunCommand(idempotency, req, *meta, res, [&]() -> Result<Answer> {
      auto r = commands->SetPolicy(*req.principal, BodyText(req), *meta);
      if (!r.ok()) return r.status();
      boost::json::object o{{"effective_from", req.json->at("effective_from")}, {"position", r->position}};
      return Answer{201, boost::json::serialize(o)};
    });
  });
  routes->Add("GET", "/v1/policy", {}, [=](http::Request req, http::Responder res) {
    auto as_of = QueryUint(req, "as_of");
    if (!as_of.ok()) return res.Fail(as_of.status());
    if (*as_of && **as_of > store->Head()) {
      return res.Fail(Status::ValidationFailed("as_of", "position is beyond the head"));
    }
    auto doc = scores->Policies(*as_of, clock->NowMicros());
    if (!doc.ok()) return res.Fail(doc.status());
    res.Send(Json(200, std::move(*doc)));
  });
}

void AddBackupRoute(Routes* routes, std::string data_dir, std::string backup_dir) {
  routes->Add("POST", "/v1/admin/backups", {.blocking = true}, [=](http::Request req, http::Responder res) {
    if (Status s = RequireRole(*req.principal, {Role::kAdmin}); !s.ok()) return res.Fail(s);
    if (backup_dir.empty()) return res.Fail(Status::Unavailable("backups are off: start redledgerd with --backup-dir"));
    auto backup = BackupDataDir(data_dir, backup_dir);
    if (!backup.ok()) return res.Fail(backup.status());
    res.Send(Json(201, boost::json::serialize(
                           boost::json::object{{"backup_id", backup->backup_id}, {"position", backup->position}})));
  });
}

}  // namespace redledger::api
