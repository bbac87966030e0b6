// Request, Response and Responder: the plain types handlers see.
#include "http/error_map.h"
#include "http/responder_state.h"

namespace redledger::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Responder::Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}

void Responder::Send(Response response) const {
  if (!state_->answered.exchange(true)) state_->Deliver(std::move(response));
}

void Responder::Fail(const Status& status) const {
  Send(ErrorResponse(status.ok() ? Status::Internal("Responder::Fail called with OK") : status, state_->request_id));
}

const std::string& Responder::request_id() const { return state_->request_id; }

}  // namespace redledger::http
