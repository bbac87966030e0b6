#include "http/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <spdlog/spdlog.h>

#include "http/http_session.h"

namespace redledger::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using net::ip::tcp;

namespace {
// Accept errors (out of descriptors) are retried after a pause, not in a tight loop.
constexpr std::chrono::milliseconds kAcceptRetry{50};
}  // namespace

Listener::Listener(std::shared_ptr<Server::Core> core)
    : core_(std::move(core)), strand_(net::make_strand(core_->ioc)), acceptor_(strand_), retry_timer_(strand_) {}

Status Listener::Open() {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(core_->options.address, ec);
  if (ec) return Status::InvalidArgument("bad listen address " + core_->options.address + ": " + ec.message());
  tcp::endpoint endpoint(address, core_->options.port);
  auto check = [&](const char* what) -> Status {
    if (!ec) return Status::OK();
    return Status::IOError(std::string(what) + " " + endpoint.address().to_string() + ":" +
                           std::to_string(endpoint.port()) + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  REDLEDGER_RETURN_IF_ERROR(check("open"));
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  REDLEDGER_RETURN_IF_ERROR(check("set_option"));
  acceptor_.bind(endpoint, ec);
  REDLEDGER_RETURN_IF_ERROR(check("bind"));
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  REDLEDGER_RETURN_IF_ERROR(check("listen"));
  return Status::OK();
}

uint16_t Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::Run() { net::dispatch(strand_, beast::bind_front_handler(&Listener::DoAccept, shared_from_this())); }

void Listener::Stop() {
  net::post(strand_, [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::DoAccept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(core_->ioc),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (!acceptor_.is_open() || ec == net::error::operation_aborted) return;
    spdlog::warn("accept: {}", ec.message());
    retry_timer_.expires_after(kAcceptRetry);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->DoAccept();
    });
    return;
  }
  if (core_->connections_open.fetch_add(1) >= core_->options.max_connections) {
    core_->connections_open.fetch_sub(1);
    core_->connections_rejected.fetch_add(1, std::memory_order_relaxed);
    std::make_shared<HttpSession>(std::move(socket), core_, nullptr)->Reject();
  } else {
    core_->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    // The slot is released when the last holder (session or WebSocket) lets go.
    std::shared_ptr<void> slot(nullptr, [core = core_](void*) { core->connections_open.fetch_sub(1); });
    std::make_shared<HttpSession>(std::move(socket), core_, std::move(slot))->Run();
  }
  DoAccept();
}

}  // namespace redledger::http
