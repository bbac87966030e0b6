// One WebSocket subscriber of the live feed (see redledger/live_hub.h).
//
// The session owns its stream, read buffer, timers and write queue; it runs
// on the connection's strand, and other threads reach it only through the
// Post* methods. Its cursor is the last position it has decided on (queued
// or filtered out); live deliveries and catch-up pages are both taken
// relative to it, which makes the switch between them gap- and duplicate-free.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "redledger/http_upgrade.h"
#include "ws/hub_core.h"

namespace redledger::ws {

class LiveSession : public std::enable_shared_from_this<LiveSession> {
 public:
  LiveSession(std::shared_ptr<LiveHub::Core> core, http::UpgradeContext&& upgrade);
  ~LiveSession();

  // Registers with the hub and accepts the WebSocket handshake.
  void Start();

  // From any thread.
  void PostDelivery(LiveDelivery d);
  void PostDocument(std::shared_ptr<const std::string> message);
  void PostClose(std::string reason);

 private:
  enum class State : uint8_t { kHandshake, kAuth, kSubscribe, kStreaming, kClosing, kClosed };
  struct Out {
    std::shared_ptr<const std::string> message;
    uint64_t through;  // every event at or before it is queued ahead of (or with) this message
  };

  void OnAccept(boost::beast::error_code ec);
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void HandleMessage(std::string_view text);
  Status Authenticate(std::string_view authorization);
  Status HandleSubscribe(const boost::json::value& v);

  void OnDelivery(const LiveDelivery& d);
  void StartCatchUp();
  void CatchUpPage();
  void CheckLag();
  void Heartbeat();

  void Enqueue(std::shared_ptr<const std::string> message, uint64_t through);
  void DoWrite();
  void OnWrite(boost::beast::error_code ec);
  // Sends `message` (if any) after what is queued, then closes.
  void Close(std::shared_ptr<const std::string> message, boost::beast::websocket::close_code code,
             std::string reason);
  void Fail(const Status& status);  // an error message, then close
  void CloseTooSlow();
  void Finish();  // the connection is gone: stop timers, leave the hub

  std::shared_ptr<LiveHub::Core> core_;
  boost::asio::any_io_executor executor_;  // the connection's strand
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::shared_ptr<void> connection_slot_;
  std::string request_id_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer heartbeat_timer_, deadline_timer_;
  uint64_t id_ = 0;

  State state_ = State::kHandshake;
  std::optional<Principal> principal_;
  Filter filter_;
  uint64_t cursor_ = 0;
  bool live_ = false;
  bool at_head_ = false;  // the last catch-up page was short: wait for a delivery
  bool catchup_posted_ = false;
  bool want_documents_ = false;  // a ledger/score message was dropped: resend when live
  std::optional<std::chrono::steady_clock::time_point> lagging_since_;  // past max_lag_events, lag not shrinking
  uint64_t lag_mark_ = 0;                                               // the lag then

  std::deque<Out> queue_;  // the front is being written when writing_
  size_t queue_bytes_ = 0;
  bool writing_ = false;
  uint64_t written_through_ = 0;
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace redledger::ws
