#include "support/ws_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace redledger::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

struct WebSocketClient::Rep {
  explicit Rep(std::chrono::milliseconds t) : timeout(t), ws(ioc) {}

  // Runs one asynchronous operation to completion, bounded by the timeout.
  template <typename Start>
  beast::error_code Run(Start start) {
    beast::error_code result = net::error::would_block;
    beast::get_lowest_layer(ws).expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  std::chrono::milliseconds timeout;
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  websocket::response_type handshake;
  std::string close_reason;
};

WebSocketClient::WebSocketClient(std::chrono::milliseconds timeout) : rep_(std::make_unique<Rep>(timeout)) {}
WebSocketClient::~WebSocketClient() = default;
WebSocketClient::WebSocketClient(WebSocketClient&&) noexcept = default;
WebSocketClient& WebSocketClient::operator=(WebSocketClient&&) noexcept = default;

Status WebSocketClient::Connect(uint16_t port, std::string_view target, const Headers& headers) {
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  beast::error_code ec = rep_->Run([&](auto done) { beast::get_lowest_layer(rep_->ws).async_connect(ep, done); });
  if (ec) return Status::IOError("connect: " + ec.message());
  // The websocket stream's own timeouts stay off (its default), so that the
  // per-call deadlines on the TCP layer apply; a missed deadline closes the connection.
  rep_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  ec = rep_->Run([&](auto done) {
    rep_->ws.async_handshake(rep_->handshake, "127.0.0.1:" + std::to_string(port), target, done);
  });
  if (ec) return Status::IOError("handshake: " + ec.message());
  return Status::OK();
}

int WebSocketClient::handshake_status() const { return static_cast<int>(rep_->handshake.result_int()); }

Status WebSocketClient::Send(std::string_view text) {
  rep_->ws.text(true);
  beast::error_code ec = rep_->Run([&](auto done) { rep_->ws.async_write(net::buffer(text.data(), text.size()), done); });
  if (ec) return Status::IOError("send: " + ec.message());
  return Status::OK();
}

Result<std::string> WebSocketClient::Receive() {
  rep_->buffer.clear();
  beast::error_code ec = rep_->Run([&](auto done) { rep_->ws.async_read(rep_->buffer, done); });
  if (ec == websocket::error::closed) {
    rep_->close_reason = std::string(rep_->ws.reason().reason.c_str());
    return Status::IOError("closed by the server: " + rep_->close_reason);
  }
  if (ec) return Status::IOError("receive: " + ec.message());
  return beast::buffers_to_string(rep_->buffer.data());
}

const std::string& WebSocketClient::close_reason() const { return rep_->close_reason; }

Status WebSocketClient::Close() {
  beast::error_code ec = rep_->Run([&](auto done) { rep_->ws.async_close(websocket::close_code::normal, done); });
  if (ec) return Status::IOError("close: " + ec.message());
  return Status::OK();
}

}  // namespace redledger::testing
