// One HTTP connection: reads requests (pipelined up to a bound), runs the
// server's checks and the route's handler, and writes the answers in request
// order. Owns its stream, buffer, parser, timers and response queue; every
// asynchronous call binds shared_from_this(), so a session lives exactly as
// long as its pending operations and unanswered Responders.
//
// Thread safety: all members are touched only on the connection's strand;
// other threads reach a session only through Responder (which posts) and
// Drain() (posted by Server::Stop()).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <memory>
#include <optional>

#include "http/server_core.h"

namespace redledger::http {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using StringRequest = boost::beast::http::request<boost::beast::http::string_body>;
  using StringResponse = boost::beast::http::response<boost::beast::http::string_body>;

  // `connection_slot`, while held, counts against max_connections; null for
  // a connection that is only told 503.
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<Server::Core> core,
              std::shared_ptr<void> connection_slot);
  ~HttpSession();

  // Starts reading requests.
  void Run();
  // Answers 503 (over max_connections) and closes.
  void Reject();
  // Stop reading new requests; close once the ones read are answered. Any thread.
  void Drain();
  // Called (on the strand) with the answer to request `seq`.
  void OnAnswer(uint64_t seq, Response response);

 private:
  // One request read and not yet fully answered, in request order.
  struct Slot {
    uint64_t seq;
    bool keep_alive;
    unsigned version;
    std::string request_id;
    std::optional<StringResponse> response;  // set once answered
  };

  void DoRead();
  void OnFirstByte(boost::beast::error_code ec, std::size_t n);
  void DoReadRequest();
  void OnReadHeader(boost::beast::error_code ec, std::size_t n);
  void DoReadBody();
  void OnRead(boost::beast::error_code ec, std::size_t n);
  void OnReadError(boost::beast::error_code ec);
  bool TryUpgrade(const std::string& request_id);
  void Dispatch(StringRequest&& req, std::string request_id);
  void DoDrain();
  void QueueError(Response response, const std::string& request_id);
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, std::size_t n);
  void DoLinger();
  void OnLinger(boost::beast::error_code ec, std::size_t n);
  void ArmIdleTimer();
  void CloseSocket();
  void Fail(boost::beast::error_code ec, const char* what);

  std::shared_ptr<Server::Core> core_;
  boost::beast::tcp_stream stream_;
  const boost::asio::any_io_executor executor_;  // the strand; kept apart so that Drain() never reads stream_
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::asio::steady_timer idle_timer_;
  std::shared_ptr<void> connection_slot_;
  uint64_t registry_id_ = 0;

  std::deque<Slot> slots_;
  uint64_t next_seq_ = 0;
  bool reading_ = false;             // a read is pending
  bool waiting_first_byte_ = false;  // ...and no byte of the next request has come yet
  bool writing_ = false;             // a write is pending
  bool closing_ = false;             // read no more requests; close after the last answer
  bool closed_ = false;              // socket closed or handed off
  bool lingering_ = false;           // draining the client's unread bytes before close
  size_t lingered_bytes_ = 0;
};

}  // namespace redledger::http
