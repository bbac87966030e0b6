// What a Responder shares between its copies: the request's id, whether it
// has been answered, and how an answer reaches the connection.
#pragma once

#include <atomic>
#include <string>

#include "redledger/http_server.h"

namespace redledger::http {

struct Responder::State {
  virtual ~State() = default;
  // Hands the answer to the connection. Called at most once.
  virtual void Deliver(Response response) = 0;

  std::string request_id;
  std::atomic<bool> answered{false};
};

}  // namespace redledger::http
