// DESIGN §4 error bodies: {"error":{"code","message","field"?,"details"?,"request_id"}}.
#include "http/error_map.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace redledger::http {
namespace {

using Code = Status::Code;

// Shown instead of the message of a 5xx: storage and internal errors stay in the log.
constexpr std::string_view kInternalMessage = "internal error; see the server log";

Response ErrorBody(int http_status, std::string_view code, std::string_view message, std::string_view field,
                   boost::json::object details, std::string_view request_id) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  if (!field.empty()) error["field"] = field;
  if (!details.empty()) error["details"] = std::move(details);
  error["request_id"] = request_id;
  boost::json::object body;
  body["error"] = std::move(error);
  return Response::Json(http_status, boost::json::serialize(body));
}

}  // namespace

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kInvalidJson: return 400;
    case Code::kUnauthorized: return 401;
    case Code::kForbidden: return 403;
    case Code::kNotFound: return 404;
    case Code::kVersionConflict:
    case Code::kInvalidTransition: return 409;
    case Code::kPayloadTooLarge: return 413;
    case Code::kUnsupportedMediaType: return 415;
    case Code::kValidationFailed:
    case Code::kIdempotencyKeyReused: return 422;
    case Code::kRateLimited: return 429;
    case Code::kUnavailable: return 503;
    case Code::kOk:
    case Code::kCorruption:
    case Code::kIOError:
    case Code::kInternal: return 500;
  }
  return 500;
}

// The DESIGN §4 code is the Status code's name, except that every
// server-side failure reads "internal" (its detail goes to the log only).
const char* ErrorCodeFor(Code code) { return HttpStatusFor(code) == 500 ? "internal" : Status::CodeName(code); }

Response ErrorResponse(const Status& status, std::string_view request_id) {
  const int http_status = HttpStatusFor(status.code());
  boost::json::object details;
  switch (status.code()) {
    case Code::kVersionConflict: details["current_version"] = status.current_version(); break;
    case Code::kInvalidTransition: details["current_status"] = status.current_status(); break;
    case Code::kValidationFailed: {
      boost::json::array errors;
      for (const FieldError& e : status.errors()) errors.push_back({{"field", e.field}, {"message", e.message}});
      details["errors"] = std::move(errors);
      break;
    }
    default: break;
  }
  std::string_view message = status.message();
  if (http_status == 500) {
    spdlog::error("request {}: {}", request_id, status.ToString());
    message = kInternalMessage;
  }
  Response r = ErrorBody(http_status, ErrorCodeFor(status.code()), message, status.field(), std::move(details),
                         request_id);
  if (status.code() == Code::kUnauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  // Clients back off for a second; the server cannot promise a better figure.
  if (http_status == 429 || http_status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response MethodNotAllowed(std::string_view allow, std::string_view request_id) {
  Response r = ErrorBody(405, "method_not_allowed", "method not allowed; allowed: " + std::string(allow), {}, {},
                         request_id);
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

Response HeadersTooLarge(size_t limit, std::string_view request_id) {
  return ErrorBody(431, "invalid_request", "request headers exceed " + std::to_string(limit) + " bytes", {}, {},
                   request_id);
}

}  // namespace redledger::http
