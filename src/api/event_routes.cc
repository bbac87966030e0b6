// The event feed (DESIGN §3, §4): GET /v1/events, /v1/streams/{stream} and
// /v1/audit. Visible in full to admins and inspectors; to supervisors,
// community and handlers for the sites in their scope; `access`-stream
// events to admins only. `personal` goes out only as ciphertext.
#include <boost/json.hpp>

#include <map>

#include "api/routes.h"
#include "redledger/codec.h"
#include "redledger/domain.h"
#include "redledger/event_store.h"
#include "redledger/projection.h"
#include "redledger/views.h"

namespace redledger::api {
namespace {

// Most events read to fill one page for a scoped reader.
constexpr size_t kMaxScanned = 10'000;

Status CanReadEvents(const Principal& p) {
  return RequireRole(p, {Role::kAdmin, Role::kInspector, Role::kSupervisor, Role::kCommunity, Role::kHandler});
}

// Decides per stream, remembering each demand's site for the request.
class Visibility {
 public:
  Visibility(const Principal& p, const EventStore& store) : p_(p), store_(store) {}

  Result<bool> Visible(const std::string& stream) {
    if (p_.role == Role::kAdmin) return true;
    if (stream == kAccessStream) return false;
    if (p_.role == Role::kInspector || p_.all_sites) return true;
    if (stream == kPolicyStream || stream == "notices" || stream.starts_with("unit-")) return true;
    if (stream.starts_with("site-")) return p_.InScope(std::string_view(stream).substr(5));
    std::string_view demand = DemandIdOfStream(stream);
    if (demand.empty()) return false;  // subject streams and anything new: privileged only
    auto site = DemandSite(stream);
    if (!site.ok()) return site.status();
    return p_.InScope(*site);
  }

 private:
  Result<std::string> DemandSite(const std::string& stream) {
    if (auto it = sites_.find(stream); it != sites_.end()) return it->second;
    auto first = store_.ReadStream(stream, 1, EventStore::Direction::kForward, 1);
    if (!first.ok()) return first.status();
    std::string site;
    if (!first->empty()) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(first->front().data, ec);
      if (!ec && v.is_object()) {
        if (const auto* s = v.as_object().if_contains("site_id"); s && s->is_string()) site = s->as_string();
      }
    }
    sites_[stream] = site;
    return site;
  }

  const Principal& p_;
  const EventStore& store_;
  std::map<std::string, std::string> sites_;
};

std::string EventsPage(const std::vector<Envelope>& events, uint64_t head) {
  std::string out = "{\"events\":[";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i) out += ',';
    out += EnvelopeJson(events[i], /*include_personal=*/true);
  }
  out += "],\"head\":" + std::to_string(head) + "}";
  return out;
}

}  // namespace

void AddEventRoutes(Routes* routes, const EventStore* store, const ProjectionRunner* projections,
                    std::chrono::milliseconds read_wait) {
  routes->Add("GET", "/v1/events", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    auto after = QueryUint(req, "after");
    if (!after.ok()) return res.Fail(after.status());
    auto limit = QueryLimit(req);
    if (!limit.ok()) return res.Fail(limit.status());
    if (Status s = CanReadEvents(*req.principal); !s.ok()) return res.Fail(s);
    uint64_t from = after->value_or(0);
    if (from > head) return res.Fail(Status::ValidationFailed("after", "position is beyond the head"));
    Visibility visibility(*req.principal, *store);
    std::vector<Envelope> out;
    size_t scanned = 0;
    while (out.size() < *limit && from < head && scanned < kMaxScanned) {
      auto batch = store->ReadAll(from, std::min<size_t>(*limit, head - from));
      if (!batch.ok()) return res.Fail(batch.status());
      if (batch->empty()) break;
      for (Envelope& e : *batch) {
        from = e.position;
        ++scanned;
        auto visible = visibility.Visible(e.stream);
        if (!visible.ok()) return res.Fail(visible.status());
        if (*visible) out.push_back(std::move(e));
        if (out.size() == *limit) break;
      }
    }
    res.Send(Json(200, EventsPage(out, head)));
  });
  routes->Add("GET", "/v1/streams/{stream}", {}, [=](http::Request req, http::Responder res) {
    const std::string& stream = req.params.at("stream");
    auto after = QueryUint(req, "after_version");
    if (!after.ok()) return res.Fail(after.status());
    auto limit = QueryLimit(req);
    if (!limit.ok()) return res.Fail(limit.status());
    if (Status s = CanReadEvents(*req.principal); !s.ok()) return res.Fail(s);
    const uint64_t head = store->Head();
    auto version = store->StreamVersion(stream);
    if (!version.ok() && version.status().code() == Status::Code::kInvalidArgument) {
      return res.Fail(Status::NotFound("stream " + stream + " not found"));
    }
    if (!version.ok()) return res.Fail(version.status());
    if (*version == 0) return res.Fail(Status::NotFound("stream " + stream + " not found"));
    Visibility visibility(*req.principal, *store);
    auto visible = visibility.Visible(stream);
    if (!visible.ok()) return res.Fail(visible.status());
    if (!*visible) return res.Fail(Status::Forbidden("stream " + stream + " is outside the caller's scope"));
    std::vector<Envelope> events;
    uint64_t from = after->value_or(0);
    if (from < *version) {
      auto read = store->ReadStream(stream, from + 1, EventStore::Direction::kForward, *limit);
      if (!read.ok()) return res.Fail(read.status());
      events = std::move(*read);
    }
    res.Send(Json(200, EventsPage(events, head)));
  });
  http::Server* server = routes->server();
  const ReadModels* views = &projections->views();
  routes->Add("GET", "/v1/audit", {}, [=](http::Request req, http::Responder res) {
    const uint64_t head = store->Head();
    AuditQuery q;
    auto actor = QueryText(req, "actor");
    auto site = QueryText(req, "site_id");
    auto type = QueryText(req, "type");
    auto from = QueryTime(req, "from");
    auto to = QueryTime(req, "to");
    auto cursor = QueryText(req, "cursor");
    auto limit = QueryLimit(req);
    for (const Status& s : {actor.status(), site.status(), type.status(), from.status(), to.status(),
                            cursor.status(), limit.status()}) {
      if (!s.ok()) return res.Fail(s);
    }
    q.actor = *actor;
    q.site_id = *site;
    q.type = *type;
    q.from = *from;
    q.to = *to;
    q.cursor = *cursor;
    q.limit = *limit;
    const Principal& p = *req.principal;
    if (Status s = RequireRole(p, {Role::kAdmin, Role::kInspector, Role::kSupervisor}); !s.ok()) return res.Fail(s);
    if (!SeesAllSites(p)) {
      if (!q.site_id) return res.Fail(Status::Forbidden("name a site_id in the caller's scope"));
      if (Status s = RequireSite(p, *q.site_id); !s.ok()) return res.Fail(s);
    }
    q.include_access = p.role == Role::kAdmin;
    AfterProjections(server, projections, head, read_wait, res, [=, q = std::move(q)] {
      auto page = views->Audit(q);
      if (!page.ok()) return res.Fail(page.status());
      res.Send(Json(200, AuditPageJson(*page)));
    });
  });
}

}  // namespace redledger::api
