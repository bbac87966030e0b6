// A synchronous WebSocket client over a real socket, for tests of what the
// server serves after an upgrade. Every call is bounded by the timeout; a
// call that runs out of time closes the connection.
//
// Thread safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "redledger/status.h"
#include "support/test_client.h"

namespace redledger::testing {

class WebSocketClient {
 public:
  explicit WebSocketClient(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~WebSocketClient();
  WebSocketClient(WebSocketClient&&) noexcept;
  WebSocketClient& operator=(WebSocketClient&&) noexcept;

  // Connects to ws://127.0.0.1:port<target> with extra handshake headers
  // (e.g. Authorization). IOError when the connection or handshake fails;
  // handshake_status() then tells what the server answered (0 if nothing).
  Status Connect(uint16_t port, std::string_view target, const Headers& headers = {});
  int handshake_status() const;

  // One text message.
  Status Send(std::string_view text);
  // The next message. IOError on timeout or when the server closed the
  // connection (close_reason() then holds its reason).
  Result<std::string> Receive();
  const std::string& close_reason() const;
  // A clean close from our side.
  Status Close();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace redledger::testing
