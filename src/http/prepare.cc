#include "http/prepare.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <strings.h>

#include <algorithm>
#include <cctype>

#include "http/error_map.h"

namespace redledger::http {
namespace {

namespace beast_http = boost::beast::http;

// "application/json", any case, optionally with parameters; a charset, if
// given, must be UTF-8 (RFC 8259 §8.1).
bool IsJsonContentType(std::string_view ct) {
  constexpr std::string_view kJson = "application/json";
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  size_t semi = ct.find(';');
  std::string_view type = trim(ct.substr(0, semi));
  if (type.size() != kJson.size() || strncasecmp(type.data(), kJson.data(), kJson.size()) != 0) return false;
  while (semi != std::string_view::npos) {
    std::string_view rest = ct.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = trim(rest.substr(0, semi));
    ct = rest;
    constexpr std::string_view kCharset = "charset=";
    if (param.size() >= kCharset.size() && strncasecmp(param.data(), kCharset.data(), kCharset.size()) == 0) {
      std::string_view cs = param.substr(kCharset.size());
      if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
      if (strncasecmp(cs.data(), "utf-8", 5) != 0 || cs.size() != 5) return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Prepared PrepareRequest(Server::Core& core, HttpSession::StringRequest&& req, std::string request_id) {
  Prepared p;
  Request& r = p.request;
  r.request_id = std::move(request_id);
  auto fail = [&p](Response e) {
    p.route = nullptr;
    p.error = std::move(e);
    return std::move(p);
  };

  boost::urls::result<boost::urls::url_view> url = boost::urls::parse_origin_form(req.target());
  if (!url) return fail(ErrorResponse(Status::InvalidArgument("malformed request target"), r.request_id));
  std::vector<std::string> segments;
  for (auto s : url->segments()) segments.emplace_back(std::string(s));

  r.method = std::string(req.method_string());
  Router::Match m = core.router.Find(r.method, segments);
  if (m.outcome == Router::Outcome::kNotFound) {
    const std::string path(url->encoded_path());
    if (core.upgrades.count(path)) {
      // A WebSocket path asked without the upgrade: say what it takes, not 404.
      Response e = ErrorResponse(Status::InvalidArgument(path + " takes a WebSocket upgrade"), r.request_id);
      e.status = 426;
      e.headers.emplace_back("Upgrade", "websocket");
      return fail(std::move(e));
    }
    return fail(ErrorResponse(Status::NotFound("no such resource: " + path), r.request_id));
  }
  if (m.outcome == Router::Outcome::kMethodNotAllowed) return fail(MethodNotAllowed(m.allow, r.request_id));
  const Router::Route& route = *m.route;
  r.params = std::move(m.params);

  if (route.options.authenticate) {
    if (core.authenticator == nullptr) {
      return fail(ErrorResponse(Status::Internal("route needs authentication; server has no authenticator"),
                                r.request_id));
    }
    Result<Principal> who = core.authenticator->Authenticate(req[beast_http::field::authorization]);
    if (!who.ok()) return fail(ErrorResponse(who.status(), r.request_id));
    if (core.limiter && !core.limiter->Allow(who->id)) {
      return fail(ErrorResponse(Status::RateLimited("too many requests for principal " + who->id), r.request_id));
    }
    r.principal = std::move(*who);
  }

  // '+' stays '+' (no form decoding): RFC 3339 offsets in as_of survive unescaped.
  for (auto param : url->params(boost::urls::encoding_opts(false, false, false))) {
    if (!r.query.emplace(param.key, param.value).second) {
      return fail(ErrorResponse(
          Status::InvalidArgument("query parameter \"" + param.key + "\" given more than once", param.key),
          r.request_id));
    }
  }

  if (route.options.json_body) {
    auto ct = req.find(beast_http::field::content_type);
    std::string_view text = req.body();
    if (ct == req.end() && text.empty()) {
      text = "{}";  // a command whose fields are all optional may be sent without a body
    } else if (ct == req.end() || !IsJsonContentType(ct->value())) {
      return fail(ErrorResponse(Status::UnsupportedMediaType("the body must be sent as application/json"),
                                r.request_id));
    }
    Result<std::shared_ptr<const boost::json::object>> json = ParseJsonObject(text, core.options.json_max_depth);
    if (!json.ok()) return fail(ErrorResponse(json.status(), r.request_id));
    r.json = std::move(*json);
  }

  r.path = std::string(url->encoded_path());
  r.headers.reserve(std::distance(req.begin(), req.end()));
  for (const auto& f : req) r.headers.emplace_back(Lower(f.name_string()), std::string(f.value()));
  r.body = std::move(req.body());
  p.route = &route;
  return p;
}

}  // namespace redledger::http
