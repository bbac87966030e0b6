// GET /v1/demands/{id} (with ETag), /v1/demands/{id}/history and the demand
// list. Who may read a demand (DESIGN §3): admin and inspector any; supervisor,
// community and grid leader in their sites; a handler those assigned to its
// unit; a resident its own. The reporter is decrypted for community,
// supervisor and admin in scope and masked for everyone else.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/vault.h"
#include "redledger/views.h"

namespace redledger::api {
namespace {

Status CanReadDemand(const Principal& p, const DemandState& s) {
  switch (p.role) {
    case Role::kAdmin:
    case Role::kInspector: return Status::OK();
    case Role::kSupervisor:
    case Role::kCommunity:
    case Role::kGridLeader: return RequireSite(p, s.site_id);
    case Role::kHandler:
      if (p.unit_id && s.assigned_unit == p.unit_id) return Status::OK();
      return Status::Forbidden("the demand is not assigned to the caller's unit");
    case Role::kResident:
      if (s.reporter_subject_id == p.id) return Status::OK();
      return Status::Forbidden("residents read only their own demands");
    case Role::kSystem: break;
  }
  return Status::Forbidden("no access");
}

bool SeesReporter(const Principal& p, const DemandState& s) {
  return (p.role == Role::kCommunity || p.role == Role::kSupervisor || p.role == Role::kAdmin) &&
         RequireSite(p, s.site_id).ok();
}

bool SeesInternalNotes(const Principal& p, const DemandState& s) {
  if (p.role == Role::kHandler) return p.unit_id && s.assigned_unit == p.unit_id;
  return p.role == Role::kCommunity || p.role == Role::kSupervisor || p.role == Role::kAdmin;
}

// "138****1234": the first three and last four characters of a phone.
std::string MaskPhone(std::string_view phone) {
  if (phone.size() <= 7) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + "****" + std::string(phone.substr(phone.size() - 4));
}

// "张**": the first character of a name, then one star per further one.
std::string MaskName(std::string_view name) {
  size_t first = 1;
  while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
  if (first >= name.size()) return std::string(name.substr(0, first));
  return std::string(name.substr(0, first)) + std::string(Utf8Length(name.substr(first)), '*');
}

Result<DemandViewRender> Render(const Principal& p, const DemandView& v, const Vault& vault) {
  DemandViewRender r;
  r.internal_notes = SeesInternalNotes(p, v.state);
  if (v.reporter_personal.empty()) return r;
  auto plain = vault.Decrypt(v.state.reporter_subject_id, v.reporter_personal);
  if (plain.status().IsNotFound()) return r;  // erased: null name and phone
  if (!plain.ok()) return plain.status();
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*plain, ec);
  if (ec || !parsed.is_object()) return Status::Corruption("reporter personal data is not a JSON object");
  const bool full = SeesReporter(p, v.state);
  const auto& o = parsed.as_object();
  if (const auto* name = o.if_contains("name"); name && name->is_string()) {
    std::string_view n = name->as_string();
    r.reporter_name = full ? std::string(n) : MaskName(n);
  }
  if (const auto* phone = o.if_contains("phone"); phone && phone->is_string()) {
    std::string_view n = phone->as_string();
    r.reporter_phone = full ? std::string(n) : MaskPhone(n);
  }
  return r;
}

// Checks 404 and 403 on the demand as it stands, then resolves `as_of`.
Result<std::optional<uint64_t>> CheckDemandRead(const http::Request& req, const EventStore& store,
                                                const CommandService& commands, const ReadModels& views,
                                                const Clock& clock) {
  auto as_of = ParseAsOf(req);
  if (!as_of.ok()) return as_of.status();
  auto state = commands.LoadDemand(req.params.at("id"));
  if (!state.ok()) return state.status();
  REDLEDGER_RETURN_IF_ERROR(CanReadDemand(*req.principal, *state));
  return ResolveAsOf(*as_of, store.Head(), clock.NowMicros(), views);
}

Result<DemandQuery> ListQuery(const http::Request& req) {
  DemandQuery q;
  auto site = QueryText(req, "site_id");
  if (!site.ok()) return site.status();
  q.site_id = *site;
  auto status = QueryText(req, "status");
  if (!status.ok()) return status.status();
  if (*status) {
    static constexpr std::string_view kStatuses[] = {"open",     "raised", "accepted", "assigned",
                                                     "resolved", "closed", "declined"};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), **status) == std::end(kStatuses)) {
      return Status::InvalidArgument("status must be a demand status or open", "status");
    }
    q.status = *status;
  }
  auto unit = QueryText(req, "unit_id");
  if (!unit.ok()) return unit.status();
  q.unit_id = *unit;
  if (auto overdue = req.Query("overdue")) {
    if (*overdue != "true" && *overdue != "false") return Status::InvalidArgument("overdue must be true or false", "overdue");
    q.overdue = *overdue == "true";
  }
  auto cursor = QueryText(req, "cursor");
  if (!cursor.ok()) return cursor.status();
  q.cursor = *cursor;
  auto limit = QueryLimit(req);
  if (!limit.ok()) return limit.status();
  q.limit = *limit;
  return q;
}

// Lists show what the caller may read: a scoped reader names a site in its
// scope, a handler its own unit; residents read their demands one by one.
Status CanList(const Principal& p, const DemandQuery& q) {
  switch (p.role) {
    case Role::kAdmin:
    case Role::kInspector: return Status::OK();
    case Role::kSupervisor:
    case Role::kCommunity:
    case Role::kGridLeader:
      if (p.all_sites) return Status::OK();
      if (!q.site_id) return Status::Forbidden("name a site_id in the caller's scope");
      return RequireSite(p, *q.site_id);
    case Role::kHandler:
      if (p.unit_id && q.unit_id == p.unit_id) return Status::OK();
      return Status::Forbidden("handlers list their own unit's demands (unit_id)");
    default: return Status::Forbidden("residents read their own demands by id");
  }
}

}  // namespace

void AddDemandQueryRoutes(Routes* routes, const EventStore* store, const CommandService* commands,
                          const ProjectionRunner* projections, const Vault* vault, const Clock* clock,
                          std::chrono::milliseconds read_wait) {
  const ReadModels* views = &projections->views();
  http::Server* server = routes->server();
  routes->Add("GET", "/v1/demands/{id}", {}, [=](http::Request req, http::Responder res) {
    auto as_of = CheckDemandRead(req, *store, *commands, *views, *clock);
    if (!as_of.ok()) return res.Fail(as_of.status());
    auto view = views->Demand(req.params.at("id"), *as_of);
    if (!view.ok()) return res.Fail(view.status());
    auto render = Render(*req.principal, *view, *vault);
    if (!render.ok()) return res.Fail(render.status());
    http::Response r = Json(200, DemandViewJson(*view, *render));
    r.headers.emplace_back("ETag", "\"" + std::to_string(view->state.version) + "\"");
    res.Send(std::move(r));
  });
  routes->Add("GET", "/v1/demands/{id}/history", {}, [=](http::Request req, http::Responder res) {
    auto as_of = CheckDemandRead(req, *store, *commands, *views, *clock);
    if (!as_of.ok()) return res.Fail(as_of.status());
    auto history = views->History(req.params.at("id"), *as_of);
    if (!history.ok()) return res.Fail(history.status());
    res.Send(Json(200, DemandHistoryJson(*history)));
  });
  routes->Add("GET", "/v1/demands", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto q = ListQuery(req);
    if (!q.ok()) return res.Fail(q.status());
    auto as_of_text = ParseAsOf(req);
    if (!as_of_text.ok()) return res.Fail(as_of_text.status());
    if (Status s = CanList(*req.principal, *q); !s.ok()) return res.Fail(s);
    auto as_of = ResolveAsOf(*as_of_text, head, clock->NowMicros(), *views);
    if (!as_of.ok()) return res.Fail(as_of.status());
    q->as_of = *as_of;
    AfterProjections(server, projections, head, read_wait, res, [=, q = std::move(*q)] {
      auto page = views->Demands(q);
      if (!page.ok()) return res.Fail(page.status());
      res.Send(Json(200, DemandPageJson(*page)));
    });
  });
}

}  // namespace redledger::api
