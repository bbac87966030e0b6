#include "http/router.h"

#include <cassert>

namespace redledger::http {
namespace {

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> SplitPattern(std::string_view pattern) {
  assert(!pattern.empty() && pattern.front() == '/');
  std::vector<std::string> out;
  if (pattern == "/") return out;  // the root has no segments, as Boost.URL sees it
  size_t start = 1;
  while (true) {
    size_t slash = pattern.find('/', start);
    out.emplace_back(pattern.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool Matches(const Router::Route& r, const std::vector<std::string>& segments) {
  if (r.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (IsParam(r.segments[i]) ? segments[i].empty() : r.segments[i] != segments[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: a literal where `b` has a parameter, first.
bool MoreSpecific(const Router::Route& a, const Router::Route& b) {
  for (size_t i = 0; i < a.segments.size(); ++i) {
    bool pa = IsParam(a.segments[i]);
    bool pb = IsParam(b.segments[i]);
    if (pa != pb) return pb;
  }
  return false;
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, RouteOptions options, Handler handler) {
  routes_.push_back(Route{std::move(method), SplitPattern(pattern), options, std::move(handler)});
}

Router::Match Router::Find(std::string_view method, const std::vector<std::string>& segments) const {
  Match m;
  for (const Route& r : routes_) {
    if (!Matches(r, segments)) continue;
    if (r.method != method) {
      if (m.outcome != Outcome::kFound) {
        m.outcome = Outcome::kMethodNotAllowed;
        if (m.allow.find(r.method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
      }
      continue;
    }
    if (m.route == nullptr || MoreSpecific(r, *m.route)) m.route = &r;
    m.outcome = Outcome::kFound;
  }
  if (m.outcome == Outcome::kFound) {
    m.allow.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& s = m.route->segments[i];
      if (IsParam(s)) m.params.emplace(s.substr(1, s.size() - 2), segments[i]);
    }
  }
  return m;
}

}  // namespace redledger::http
