// From a parsed Beast request to a handler's Request: the server's checks in
// DESIGN §4's order (route 404/405, 401, 429, query 400, 415, invalid_json).
#pragma once

#include <optional>
#include <string>

#include "http/http_session.h"

namespace redledger::http {

struct Prepared {
  const Router::Route* route = nullptr;  // null when `error` is set
  Request request;
  std::optional<Response> error;
};

Prepared PrepareRequest(Server::Core& core, HttpSession::StringRequest&& req, std::string request_id);

}  // namespace redledger::http
