// The registry (DESIGN §4 "Registry"): commands through the CommandService
// (201 with the new id; PATCH answers 200 with the site stream's version),
// reads from its in-memory snapshot (current with every acknowledged
// command), and the site ledger from the projections.
#include <boost/json.hpp>

#include "api/routes.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/ledger_csv.h"
#include "redledger/projection.h"
#include "redledger/views.h"

namespace redledger::api {
namespace {

// `id_field` names the id in the answer; `extra` adds members from the body.
http::Handler RegistryCommand(CommandService* commands, IdempotencyStore* idempotency, std::string command,
                              std::string target_param, std::string id_field, int status) {
  return [=](http::Request req, http::Responder res) {
    auto meta = CommandMetaOf(req);
    if (!meta.ok()) return res.Fail(meta.status());
    RunCommand(idempotency, req, *meta, res, [&]() -> Result<Answer> {
      std::string target = target_param.empty() ? std::string() : req.params.at(target_param);
      auto r = commands->RunRegistryCommand(*req.principal, command, target, BodyText(req), *meta);
      if (!r.ok()) return r.status();
      boost::json::object o;
      if (command == "pair_unit") {
        o["unit_id"] = target;
        o["site_id"] = req.json->at("site_id");
      } else if (command == "update_site") {
        o = {{"site_id", r->id}, {"version", r->version}, {"position", r->position}};
      } else {
        o[id_field] = r->id;
      }
      return Answer{status, boost::json::serialize(o)};
    });
  };
}

boost::json::object SiteSummary(const Site& s) {
  return {{"site_id", s.id},           {"name", s.name},         {"district", s.district},
          {"street", s.street},        {"community", s.community}, {"construction_mode", s.construction_mode}};
}

// Lists sorted by id page by the last id shown.
template <typename Map, typename Keep, typename Item>
std::string IdPage(const Map& map, const std::optional<std::string>& cursor, size_t limit, Keep keep, Item item) {
  boost::json::array items;
  std::string last;
  auto it = cursor ? map.upper_bound(*cursor) : map.begin();
  for (; it != map.end() && items.size() < limit; ++it) {
    if (!keep(it->second)) continue;
    items.push_back(item(it->second));
    last = it->first;
  }
  bool more = false;
  for (; it != map.end() && !more; ++it) more = keep(it->second);
  boost::json::object o{{"items", std::move(items)}};
  o["next_cursor"] = more ? boost::json::value(last) : boost::json::value(nullptr);
  return boost::json::serialize(o);
}

bool WantsCsv(const http::Request& req, Status* bad) {
  if (auto format = req.Query("format")) {
    if (*format == "csv") return true;
    if (*format != "json") *bad = Status::InvalidArgument("format must be json or csv", "format");
    return false;
  }
  return req.Header("accept").find("text/csv") != std::string_view::npos;
}

}  // namespace

void AddRegistryRoutes(Routes* routes, const EventStore* store, CommandService* commands,
                       IdempotencyStore* idempotency, const ProjectionRunner* projections, const Clock* clock,
                       std::chrono::milliseconds read_wait) {
  const http::RouteOptions cmd{.authenticate = true, .json_body = true, .blocking = true};
  routes->Add("POST", "/v1/sites", cmd, RegistryCommand(commands, idempotency, "register_site", "", "site_id", 201));
  routes->Add("PATCH", "/v1/sites/{id}", cmd,
              RegistryCommand(commands, idempotency, "update_site", "id", "site_id", 200));
  routes->Add("POST", "/v1/sites/{id}/compounds", cmd,
              RegistryCommand(commands, idempotency, "register_compound", "id", "compound_id", 201));
  routes->Add("POST", "/v1/sites/{id}/grids", cmd,
              RegistryCommand(commands, idempotency, "register_grid", "id", "grid_id", 201));
  routes->Add("POST", "/v1/sites/{id}/activities", cmd,
              RegistryCommand(commands, idempotency, "record_activity", "id", "activity_id", 201));
  routes->Add("POST", "/v1/units", cmd, RegistryCommand(commands, idempotency, "register_unit", "", "unit_id", 201));
  routes->Add("POST", "/v1/units/{id}/pairings", cmd,
              RegistryCommand(commands, idempotency, "pair_unit", "id", "unit_id", 201));

  routes->Add("GET", "/v1/sites", {}, [=](http::Request req, http::Responder res) {
    auto cursor = QueryText(req, "cursor");
    if (!cursor.ok()) return res.Fail(cursor.status());
    auto limit = QueryLimit(req);
    if (!limit.ok()) return res.Fail(limit.status());
    auto snap = commands->Snapshot();
    const Principal p = *req.principal;
    res.Send(Json(200, IdPage(
                           snap->registry.sites(), *cursor, *limit,
                           [&p](const Site& s) { return RequireSite(p, s.id).ok(); }, SiteSummary)));
  });
  routes->Add("GET", "/v1/sites/{id}", {}, [=](http::Request req, http::Responder res) {
    auto snap = commands->Snapshot();
    const Registry& reg = snap->registry;
    const Site* site = reg.FindSite(req.params.at("id"));
    if (site == nullptr) return res.Fail(Status::NotFound("site " + req.params.at("id") + " not found"));
    if (Status s = RequireSite(*req.principal, site->id); !s.ok()) return res.Fail(s);
    boost::json::object o = SiteSummary(*site);
    boost::json::array compounds, grids, units;
    for (const auto& id : site->compound_ids) {
      if (const Compound* c = reg.FindCompound(id)) compounds.push_back({{"compound_id", c->id}, {"name", c->name}});
    }
    for (const auto& id : site->grid_ids) {
      if (const Grid* g = reg.FindGrid(id)) {
        boost::json::object go{{"grid_id", g->id}, {"name", g->name}};
        go["leader"] = g->leader ? boost::json::value(*g->leader) : boost::json::value(nullptr);
        grids.push_back(std::move(go));
      }
    }
    for (const auto& id : site->unit_ids) {
      if (const Unit* u = reg.FindUnit(id)) units.push_back({{"unit_id", u->id}, {"name", u->name}, {"kind", u->kind}});
    }
    o["compounds"] = std::move(compounds);
    o["grids"] = std::move(grids);
    o["units"] = std::move(units);
    o["activity_count"] = site->activity_count;
    res.Send(Json(200, boost::json::serialize(o)));
  });
  routes->Add("GET", "/v1/units", {}, [=](http::Request req, http::Responder res) {
    auto site = QueryText(req, "site_id");
    if (!site.ok()) return res.Fail(site.status());
    auto kind = QueryText(req, "kind");
    if (!kind.ok()) return res.Fail(kind.status());
    if (*kind && !IsUnitKind(**kind)) return res.Fail(Status::InvalidArgument("kind is not a unit kind", "kind"));
    auto cursor = QueryText(req, "cursor");
    if (!cursor.ok()) return res.Fail(cursor.status());
    auto limit = QueryLimit(req);
    if (!limit.ok()) return res.Fail(limit.status());
    auto snap = commands->Snapshot();
    auto keep = [&](const Unit& u) {
      if (*kind && u.kind != **kind) return false;
      return !*site || std::find(u.site_ids.begin(), u.site_ids.end(), **site) != u.site_ids.end();
    };
    auto item = [](const Unit& u) {
      boost::json::array sites;
      for (const auto& s : u.site_ids) sites.push_back(boost::json::value(s));
      return boost::json::object{{"unit_id", u.id}, {"name", u.name}, {"kind", u.kind}, {"site_ids", sites}};
    };
    res.Send(Json(200, IdPage(snap->registry.units(), *cursor, *limit, keep, item)));
  });

  http::Server* server = routes->server();
  const ReadModels* views = &projections->views();
  routes->Add("GET", "/v1/sites/{id}/ledger", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    Status bad;
    const bool csv = WantsCsv(req, &bad);
    if (!bad.ok()) return res.Fail(bad);
    auto as_of_text = ParseAsOf(req);
    if (!as_of_text.ok()) return res.Fail(as_of_text.status());
    const std::string& id = req.params.at("id");
    if (commands->Snapshot()->registry.FindSite(id) == nullptr) return res.Fail(Status::NotFound("site " + id + " not found"));
    if (req.principal->role == Role::kResident) return res.Fail(Status::Forbidden("residents read the public board"));
    if (Status s = RequireSite(*req.principal, id); !s.ok()) return res.Fail(s);
    auto as_of = ResolveAsOf(*as_of_text, head, clock->NowMicros(), *views);
    if (!as_of.ok()) return res.Fail(as_of.status());
    AfterProjections(server, projections, as_of->value_or(head), read_wait, res, [=, as_of = *as_of] {
      auto ledger = views->Ledger(id, as_of);
      if (!ledger.ok()) return res.Fail(ledger.status());
      if (csv) return res.Send(http::Response::Text(200, SiteLedgerCsv(*ledger), "text/csv; charset=utf-8"));
      res.Send(Json(200, SiteLedgerJson(*ledger)));
    });
  });
}

}  // namespace redledger::api
