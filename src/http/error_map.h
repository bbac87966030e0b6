// Status → DESIGN §4 error (HTTP status, code, body): the one place it is decided.
#pragma once

#include <string_view>

#include "redledger/http_server.h"
#include "redledger/status.h"

namespace redledger::http {

// HTTP status for a Status code (500 for storage and internal errors).
int HttpStatusFor(Status::Code code);
// DESIGN §4 error code ("invalid_json", ...; "internal" for 500s).
const char* ErrorCodeFor(Status::Code code);

// Errors the server raises that no Status code names.
Response MethodNotAllowed(std::string_view allow, std::string_view request_id);
Response HeadersTooLarge(size_t limit, std::string_view request_id);

}  // namespace redledger::http
