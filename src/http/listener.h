// Accepts connections, each onto its own strand, and starts a session per
// connection (or a 503 past max_connections).
//
// Thread safety: runs on its own strand; Stop() may be called from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>

#include "http/server_core.h"

namespace redledger::http {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  explicit Listener(std::shared_ptr<Server::Core> core);
  // Binds and listens. IOError when the address cannot be bound.
  Status Open();
  uint16_t port() const;
  void Run();
  void Stop();

 private:
  void DoAccept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  std::shared_ptr<Server::Core> core_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after an accept error such as EMFILE
};

}  // namespace redledger::http
