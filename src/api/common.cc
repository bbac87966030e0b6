#include "api/common.h"

#include <charconv>

#include "redledger/projection.h"
#include "redledger/views.h"

namespace redledger::api {

void Routes::Add(std::string method, std::string pattern, http::RouteOptions options, http::Handler handler) {
  list_.push_back({method, pattern});
  server_->Route(std::move(method), std::move(pattern), options, std::move(handler));
}

http::Response Json(int status, std::string body) { return http::Response::Json(status, std::move(body)); }

namespace {

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  uint64_t v = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<std::optional<uint64_t>> QueryUint(const http::Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return std::optional<uint64_t>();
  auto v = ParseDecimal(*text);
  if (!v) return Status::InvalidArgument(std::string(name) + " must be a non-negative integer", std::string(name));
  return std::optional<uint64_t>(*v);
}

Result<size_t> QueryLimit(const http::Request& req) {
  auto v = QueryUint(req, "limit");
  if (!v.ok()) return v.status();
  if (!*v) return size_t{100};
  if (**v < 1 || **v > 1000) return Status::InvalidArgument("limit must be between 1 and 1000", "limit");
  return static_cast<size_t>(**v);
}

Result<std::optional<std::string>> QueryText(const http::Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return std::optional<std::string>();
  if (text->empty()) return Status::InvalidArgument(std::string(name) + " must not be empty", std::string(name));
  return std::optional<std::string>(std::string(*text));
}

Result<std::optional<Micros>> QueryTime(const http::Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return std::optional<Micros>();
  auto t = ParseRfc3339(*text);
  if (!t.ok()) return Status::InvalidArgument(std::string(name) + " must be an RFC 3339 time", std::string(name));
  return std::optional<Micros>(*t);
}

Result<CivilMonth> QueryPeriod(const http::Request& req) {
  auto text = req.Query("period");
  if (!text) return Status::InvalidArgument("period (YYYY-MM) is required", "period");
  auto m = ParseMonth(*text);
  if (!m.ok()) return Status::InvalidArgument("period must be YYYY-MM", "period");
  return *m;
}

Result<AsOfText> ParseAsOf(const http::Request& req) {
  AsOfText out;
  auto text = req.Query("as_of");
  if (!text) return out;
  if (auto v = ParseDecimal(*text)) {
    out.position = *v;
    return out;
  }
  auto t = ParseRfc3339(*text);
  if (!t.ok()) return Status::InvalidArgument("as_of must be a log position or an RFC 3339 time", "as_of");
  out.time = *t;
  return out;
}

Result<std::optional<uint64_t>> ResolveAsOf(const AsOfText& as_of, uint64_t head, Micros now,
                                             const ReadModels& views) {
  if (as_of.position) {
    if (*as_of.position > head) {
      return Status::ValidationFailed("as_of", "position " + std::to_string(*as_of.position) +
                                                   " is beyond the head " + std::to_string(head));
    }
    return std::optional<uint64_t>(*as_of.position);
  }
  if (as_of.time) {
    if (*as_of.time > now) return Status::ValidationFailed("as_of", "time is in the future");
    auto p = views.PositionAt(*as_of.time);
    if (!p.ok()) return p.status();
    return std::optional<uint64_t>(std::min(*p, head));
  }
  return std::optional<uint64_t>();
}

Result<CommandMeta> CommandMetaOf(const http::Request& req) {
  CommandMeta meta;
  std::string_view if_match = req.Header("if-match");
  if (!if_match.empty()) {
    std::string_view v = if_match;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    auto n = ParseDecimal(v);
    if (!n) return Status::InvalidArgument("If-Match must be a version: 5 or \"5\"", "If-Match");
    meta.expected_version = *n;
  }
  std::string_view key = req.Header("idempotency-key");
  if (!key.empty()) {
    bool printable = key.size() <= 200;
    for (char c : key) printable = printable && c > 0x20 && c < 0x7f;
    if (!printable) {
      return Status::InvalidArgument("Idempotency-Key must be 1 to 200 visible ASCII characters", "Idempotency-Key");
    }
    meta.idempotency_key = std::string(key);
  }
  return meta;
}

void AfterProjections(http::Server* server, const ProjectionRunner* projections, uint64_t head,
                      std::chrono::milliseconds max, const http::Responder& res, std::function<void()> fn) {
  if (projections->Applied() >= head) {
    fn();
    return;
  }
  server->Offload([projections, head, max, res, fn = std::move(fn)] {
    Status s = projections->WaitFor(head, max);
    if (!s.ok()) return res.Fail(Status::Unavailable("the read models are catching up; retry shortly"));
    fn();
  });
}

namespace {

Hash256 RequestHash(const http::Request& req) {
  std::string material = req.method;
  material += ' ';
  material += req.path;
  material += '\n';
  material += req.body;
  return Sha256(material);
}

}  // namespace

void RunCommand(IdempotencyStore* store, const http::Request& req, const CommandMeta& meta,
                const http::Responder& res, const std::function<Result<Answer>()>& run,
                const std::function<Result<Answer>(const Answer& first)>& replay) {
  auto send = [&res](const Result<Answer>& a) {
    if (!a.ok()) return res.Fail(a.status());
    res.Send(Json(a->status, a->body));
  };
  if (!meta.idempotency_key) return send(run());
  const std::string& principal = req.principal->id;
  const std::string& key = *meta.idempotency_key;
  Hash256 hash = RequestHash(req);
  auto found = store->Find(principal, key);
  if (!found.ok()) return res.Fail(found.status());
  if (*found) {
    if ((*found)->request_hash != hash) {
      return res.Fail(Status::IdempotencyKeyReused("Idempotency-Key was used with another request"));
    }
    Answer first{(*found)->status, (*found)->body};
    return send(replay ? replay(first) : Result<Answer>(first));
  }
  Result<Answer> a = run();
  if (a.ok()) {
    Status s = store->Put(principal, key, {hash, a->status, a->kept.value_or(a->body)});
    // The events are durable; without the record a retry still appends
    // nothing (same event ids), so the answer stands.
    s.IgnoreError();
  }
  send(a);
}

Status RequireRole(const Principal& p, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (p.role == r) return Status::OK();
  }
  return Status::Forbidden(std::string("role ") + RoleName(p.role) + " may not do this");
}

bool SeesAllSites(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kInspector || p.all_sites;
}

Status RequireSite(const Principal& p, std::string_view site_id) {
  if (SeesAllSites(p) || p.InScope(site_id)) return Status::OK();
  return Status::Forbidden("site " + std::string(site_id) + " is outside the caller's scope");
}

}  // namespace redledger::api
