// The WebSocket hand-off point of the HTTP server (see Server::RouteUpgrade).
//
// Included only by the module that takes upgrades over (it brings in Beast).
// The stream's executor is the connection's strand; the handler runs on it.
//
// Thread safety: an UpgradeContext is owned by one handler; move it into the
// WebSocket session.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <string>

#include "redledger/http_server.h"

namespace redledger::http {

struct UpgradeContext {
  boost::beast::tcp_stream stream;  // no timeout set; the WebSocket session sets its own
  boost::beast::flat_buffer buffer;  // bytes read after the request (normally none)
  boost::beast::http::request<boost::beast::http::string_body> request;  // pass to websocket::stream::async_accept
  std::string request_id;
  // Keeps the connection counted against ServerOptions::max_connections while held.
  std::shared_ptr<void> connection_slot;
};

}  // namespace redledger::http
