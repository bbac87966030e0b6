// Checkpoints and proofs (DESIGN §2): any principal may fetch the signed
// checkpoint, the verifier key and proofs (they reveal hashes only);
// the server-side full check is for inspectors and admins, on the worker
// pool since it reads the whole log.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/checkpoint.h"
#include "redledger/event_store.h"
#include "redledger/log_proofs.h"
#include "redledger/log_verifier.h"

namespace redledger::api {
namespace {

// A size or position out of range is well-formed but invalid: 422.
Status AsValidation(const Status& s) {
  if (s.code() != Status::Code::kInvalidArgument) return s;
  return Status::ValidationFailed(s.field().empty() ? "position" : s.field(), s.message());
}

Result<uint64_t> Required(const http::Request& req, std::string_view name) {
  auto v = QueryUint(req, name);
  if (!v.ok()) return v.status();
  if (!*v) return Status::InvalidArgument(std::string(name) + " is required", std::string(name));
  return **v;
}

}  // namespace

void AddProofRoutes(Routes* routes, const EventStore* store, const Signer* signer, const Clock* clock) {
  routes->Add("GET", "/v1/checkpoints/latest", {}, [=](http::Request req, http::Responder res) {
    auto c = HeadCheckpoint(*store, signer->name(), clock->NowMicros());
    if (!c.ok()) return res.Fail(c.status());
    auto note = signer->Sign(*c);
    if (!note.ok()) return res.Fail(note.status());
    res.Send(http::Response::Text(200, std::move(*note)));
  });
  routes->Add("GET", "/v1/checkpoints/key", {}, [=](http::Request req, http::Responder res) {
    res.Send(http::Response::Text(200, signer->VerifierKey() + "\n"));
  });
  routes->Add("GET", "/v1/proofs/inclusion", {}, [=](http::Request req, http::Responder res) {
    auto position = Required(req, "position");
    if (!position.ok()) return res.Fail(position.status());
    auto size = QueryUint(req, "tree_size");
    if (!size.ok()) return res.Fail(size.status());
    auto proof = ProveInclusion(*store, *position, size->value_or(store->Head()));
    if (!proof.ok()) return res.Fail(AsValidation(proof.status()));
    res.Send(Json(200, ProofJson(*proof)));
  });
  routes->Add("GET", "/v1/proofs/consistency", {}, [=](http::Request req, http::Responder res) {
    auto from = Required(req, "from_size");
    if (!from.ok()) return res.Fail(from.status());
    auto to = QueryUint(req, "to_size");
    if (!to.ok()) return res.Fail(to.status());
    auto proof = ProveConsistency(*store, *from, to->value_or(store->Head()));
    if (!proof.ok()) return res.Fail(AsValidation(proof.status()));
    res.Send(Json(200, ProofJson(*proof)));
  });
  routes->Add("GET", "/v1/verify", {.blocking = true}, [=](http::Request req, http::Responder res) {
    if (Status s = RequireRole(*req.principal, {Role::kInspector, Role::kAdmin}); !s.ok()) return res.Fail(s);
    VerifyReport report;
    Status s = VerifyLog(*store, {}, &report);
    if (!s.ok() && !s.IsCorruption()) return res.Fail(s);
    boost::json::object o{{"ok", s.ok()},
                          {"events", report.events},
                          {"root", HexEncode(report.root)},
                          {"checkpoints", report.checkpoints}};
    o["bad_position"] = report.bad_position ? boost::json::value(report.bad_position) : boost::json::value(nullptr);
    o["message"] = s.ok() ? boost::json::value(nullptr) : boost::json::value(s.message());
    res.Send(Json(200, boost::json::serialize(o)));
  });
}

}  // namespace redledger::api
