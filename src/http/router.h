// Method + path pattern → handler.
//
// Thread safety: Add() before serving; Find() is const and safe concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redledger/http_server.h"

namespace redledger::http {

class Router {
 public:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // literal, or "{name}"
    RouteOptions options;
    Handler handler;
  };

  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;  // when kFound
    std::map<std::string, std::string, std::less<>> params;  // when kFound
    std::string allow;  // when kMethodNotAllowed: "GET, POST"
  };

  // REQUIRES: pattern starts with '/'; (method, pattern) not added before.
  void Add(std::string method, std::string_view pattern, RouteOptions options, Handler handler);
  // `segments` are the decoded path segments ("/a/b" → {"a", "b"}).
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace redledger::http
