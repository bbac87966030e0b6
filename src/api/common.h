// Helpers every route group shares: route recording, query parameters,
// `as_of`, command metadata, read-your-writes waits and idempotent commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/api.h"
#include "redledger/domain.h"
#include "redledger/http_server.h"
#include "redledger/principal.h"

namespace redledger {
class ReadModels;
}

namespace redledger::api {

// Registers on the server and remembers what it registered.
class Routes {
 public:
  explicit Routes(http::Server* server) : server_(server) {}
  void Add(std::string method, std::string pattern, http::RouteOptions options, http::Handler handler);
  http::Server* server() const { return server_; }
  std::vector<RouteInfo> TakeList() { return std::move(list_); }

 private:
  http::Server* server_;
  std::vector<RouteInfo> list_;
};

// A JSON object text from a boost::json-free builder would be longer than
// these few answers; src/api uses boost::json and serialises here.
http::Response Json(int status, std::string body);

// Query parameters. Absent → nullopt; not a decimal integer → InvalidArgument (field = name).
Result<std::optional<uint64_t>> QueryUint(const http::Request& req, std::string_view name);
// `limit`: default 100, 1..1000, else InvalidArgument.
Result<size_t> QueryLimit(const http::Request& req);
// A query parameter that must not be empty when given.
Result<std::optional<std::string>> QueryText(const http::Request& req, std::string_view name);
// An RFC 3339 query parameter (InvalidArgument when malformed).
Result<std::optional<Micros>> QueryTime(const http::Request& req, std::string_view name);
// `period` (YYYY-MM); required.
Result<CivilMonth> QueryPeriod(const http::Request& req);

// The syntax of `as_of` (a position or an RFC 3339 time); InvalidArgument when neither.
struct AsOfText {
  std::optional<uint64_t> position;
  std::optional<Micros> time;
  bool given() const { return position || time; }
};
Result<AsOfText> ParseAsOf(const http::Request& req);
// The position `as_of` names: ValidationFailed (field "as_of") beyond `head`
// or in the future. nullopt when not given.
Result<std::optional<uint64_t>> ResolveAsOf(const AsOfText& as_of, uint64_t head, Micros now, const ReadModels& views);

// The body a command parses: an empty body (allowed without a Content-Type) is {}.
inline std::string_view BodyText(const http::Request& req) {
  return req.body.empty() ? std::string_view("{}") : std::string_view(req.body);
}

// If-Match (`5` or `"5"`) and Idempotency-Key; InvalidArgument when malformed.
Result<CommandMeta> CommandMetaOf(const http::Request& req);

// Runs `fn` once the projections have applied `head` (the store head the
// request saw on arrival): at once when they have, else on the worker pool
// after a wait of at most `max` (503 unavailable past it).
void AfterProjections(http::Server* server, const ProjectionRunner* projections, uint64_t head,
                      std::chrono::milliseconds max, const http::Responder& res, std::function<void()> fn);

// A command's answer before it is sent.
struct Answer {
  int status = 200;
  std::string body;
  // What the idempotency record keeps instead of `body` (a secret shown once stays out of it).
  std::optional<std::string> kept = std::nullopt;
};
// Runs a command under the Idempotency-Key rules (see redledger/api.h):
// without a key, runs it; with one, answers a stored first answer for the
// same request (through `replay` when given, e.g. to issue a new token),
// 422 idempotency_key_reused for another request, else runs it and keeps a
// successful answer. REQUIRES: req.principal.
void RunCommand(IdempotencyStore* store, const http::Request& req, const CommandMeta& meta,
                const http::Responder& res, const std::function<Result<Answer>()>& run,
                const std::function<Result<Answer>(const Answer& first)>& replay = {});

// Roles allowed (403 otherwise).
Status RequireRole(const Principal& p, std::initializer_list<Role> roles);
// Role in `roles` and `site_id` in its scope (403 otherwise).
Status RequireSite(const Principal& p, std::string_view site_id);
// Admin and inspector see every site.
bool SeesAllSites(const Principal& p);

}  // namespace redledger::api
