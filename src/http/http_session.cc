#include "http/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "http/error_map.h"
#include "http/prepare.h"
#include "http/responder_state.h"
#include "redledger/http_upgrade.h"

namespace redledger::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

namespace {

constexpr size_t kFirstReadChunk = 16 * 1024;
// After an error answer the client may still be sending; reading (and
// dropping) what it sends for a moment keeps the kernel from resetting the
// connection before the client has read the answer.
constexpr std::chrono::seconds kLingerTime{1};
constexpr size_t kMaxLingerBytes = 1 << 20;

// The Responder of one request: its answer goes to the session's strand;
// the work guard keeps the I/O threads running until it has been given.
struct SessionResponder final : Responder::State {
  SessionResponder(std::shared_ptr<HttpSession> session, uint64_t seq, std::string id,
                   net::executor_work_guard<net::any_io_executor> guard)
      : session(std::move(session)), seq(seq), guard(std::move(guard)) {
    request_id = std::move(id);
  }
  ~SessionResponder() override {
    if (!answered.exchange(true)) {
      Deliver(ErrorResponse(Status::Internal("handler dropped its Responder without answering"), request_id));
    }
  }
  // dispatch: an answer given on the strand itself (a synchronous handler)
  // is taken at once; one from another thread is queued onto the strand.
  void Deliver(Response r) override {
    net::dispatch(guard.get_executor(), [s = session, seq = seq, r = std::move(r)]() mutable {
      s->OnAnswer(seq, std::move(r));
    });
  }

  std::shared_ptr<HttpSession> session;
  uint64_t seq;
  net::executor_work_guard<net::any_io_executor> guard;
};

void RunHandler(const Router::Route& route, Request request, const Responder& responder) {
  try {
    route.handler(std::move(request), responder);
  } catch (const std::exception& e) {
    responder.Fail(Status::Internal(std::string("handler threw: ") + e.what()));
  }
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<Server::Core> core,
                         std::shared_ptr<void> connection_slot)
    : core_(std::move(core)),
      stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      idle_timer_(stream_.get_executor()),
      connection_slot_(std::move(connection_slot)) {}

HttpSession::~HttpSession() { core_->RemoveSession(registry_id_); }

void HttpSession::Run() {
  registry_id_ = core_->AddSession(weak_from_this());
  // Start on the strand: the socket was accepted onto it, but this call is not.
  net::dispatch(executor_, [self = shared_from_this()] {
    // Stop() may have taken its list of sessions just before this one registered.
    if (self->core_->draining.load()) return self->DoDrain();
    self->DoRead();
  });
}

void HttpSession::Reject() {
  net::dispatch(executor_, [self = shared_from_this()] {
    std::string id = self->core_->RequestId({});
    self->QueueError(ErrorResponse(Status::Unavailable("too many connections"), id), id);
  });
}

void HttpSession::Drain() {
  net::post(executor_, beast::bind_front_handler(&HttpSession::DoDrain, shared_from_this()));
}

void HttpSession::DoDrain() {
  closing_ = true;
  if (closed_) return;
  if (waiting_first_byte_) {
    beast::error_code ec;
    stream_.socket().cancel(ec);  // OnFirstByte sees operation_aborted and closes when nothing is owed
  } else if (!reading_ && !writing_ && slots_.empty()) {
    CloseSocket();
  }
}

void HttpSession::DoRead() {
  if (closing_ || closed_ || reading_ || slots_.size() >= core_->options.max_pipelined) return;
  reading_ = true;
  if (buffer_.size() > 0) return DoReadRequest();
  // Wait for the first byte without a read timeout: an idle keep-alive
  // connection is bounded by the idle timer instead, and only while it owes
  // the client nothing.
  waiting_first_byte_ = true;
  stream_.expires_never();
  if (slots_.empty()) ArmIdleTimer();
  stream_.async_read_some(buffer_.prepare(kFirstReadChunk),
                          beast::bind_front_handler(&HttpSession::OnFirstByte, shared_from_this()));
}

void HttpSession::OnFirstByte(beast::error_code ec, std::size_t n) {
  waiting_first_byte_ = false;
  idle_timer_.cancel();
  if (ec) {
    reading_ = false;
    return OnReadError(ec);
  }
  buffer_.commit(n);
  DoReadRequest();
}

void HttpSession::DoReadRequest() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_->options.header_limit));
  parser_->body_limit(core_->options.body_limit);
  // One deadline for the whole request: the header and body reads below share it.
  stream_.expires_after(core_->options.read_timeout);
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&HttpSession::OnReadHeader, shared_from_this()));
}

void HttpSession::OnReadHeader(beast::error_code ec, std::size_t) {
  if (ec) return OnRead(ec, 0);
  // curl and others wait a second for "100 Continue" before sending a body
  // (over 1 KiB); say it when nothing else is being written. An oversized
  // declared body never gets here: the header read already failed with 413.
  const auto& req = parser_->get();
  auto expect = req.find(beast_http::field::expect);
  if (expect != req.end() && beast::iequals(expect->value(), "100-continue") && !parser_->is_done() &&
      !writing_ && slots_.empty()) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    writing_ = true;
    return net::async_write(stream_, net::buffer(kContinue),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->writing_ = false;
                              if (ec) return self->Fail(ec, "write");
                              self->DoReadBody();
                            });
  }
  DoReadBody();
}

void HttpSession::DoReadBody() {
  beast_http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) return OnReadError(ec);
  std::string request_id = core_->RequestId(parser_->get()["X-Request-Id"]);
  if (TryUpgrade(request_id)) return;
  Dispatch(parser_->release(), std::move(request_id));
  DoRead();
}

void HttpSession::OnReadError(beast::error_code ec) {
  std::string id;
  if (parser_ && parser_->is_header_done()) id = core_->RequestId(parser_->get()["X-Request-Id"]);
  if (id.empty()) id = core_->RequestId({});
  if (ec == beast_http::error::body_limit) {
    return QueueError(
        ErrorResponse(Status::PayloadTooLarge("request body exceeds " + std::to_string(core_->options.body_limit) +
                                              " bytes"),
                      id),
        id);
  }
  if (ec == beast_http::error::header_limit) return QueueError(HeadersTooLarge(core_->options.header_limit, id), id);
  const bool clean_end = ec == beast_http::error::end_of_stream || ec == net::error::eof ||
                         ec == net::error::operation_aborted || ec == beast_http::error::partial_message;
  if (&ec.category() == &beast_http::make_error_code(beast_http::error::bad_target).category() && !clean_end) {
    // not HTTP
    return QueueError(ErrorResponse(Status::InvalidArgument("malformed HTTP request: " + ec.message()), id), id);
  }
  if (clean_end) {
    // The client is done sending (or Drain() cancelled the wait): answer what
    // was read, then close.
    closing_ = true;
    if (slots_.empty() && !writing_) CloseSocket();
    return;
  }
  Fail(ec, "read");  // includes beast::error::timeout: a slow client; the stream already closed
}

bool HttpSession::TryUpgrade(const std::string& request_id) {
  if (!boost::beast::websocket::is_upgrade(parser_->get())) return false;
  std::string_view target = parser_->get().target();
  auto it = core_->upgrades.find(target.substr(0, target.find('?')));
  if (it == core_->upgrades.end() || !slots_.empty() || writing_) return false;
  closed_ = true;  // the socket belongs to the WebSocket session now
  idle_timer_.cancel();
  stream_.expires_never();
  UpgradeContext ctx{std::move(stream_), std::move(buffer_), parser_->release(), request_id,
                     std::move(connection_slot_)};
  try {
    it->second(std::move(ctx));
  } catch (const std::exception& e) {
    spdlog::error("request {}: upgrade handler threw: {}", request_id, e.what());
  }
  return true;
}

void HttpSession::Dispatch(StringRequest&& req, std::string request_id) {
  core_->requests.fetch_add(1, std::memory_order_relaxed);
  const uint64_t seq = next_seq_++;
  const bool keep_alive = req.keep_alive() && !closing_ && !core_->draining.load();
  if (!keep_alive) closing_ = true;
  const unsigned version = req.version();
  slots_.push_back(Slot{seq, keep_alive, version, request_id, std::nullopt});

  Responder responder(std::make_shared<SessionResponder>(
      shared_from_this(), seq, request_id,
      net::executor_work_guard<net::any_io_executor>(executor_)));
  Prepared p = PrepareRequest(*core_, std::move(req), std::move(request_id));
  if (p.error) return responder.Send(std::move(*p.error));
  if (p.route->options.blocking) {
    return net::post(*core_->workers, [route = p.route, request = std::move(p.request), responder]() mutable {
      RunHandler(*route, std::move(request), responder);
    });
  }
  RunHandler(*p.route, std::move(p.request), responder);
}

void HttpSession::QueueError(Response response, const std::string& request_id) {
  closing_ = true;
  lingering_ = true;
  const uint64_t seq = next_seq_++;
  slots_.push_back(Slot{seq, false, 11, request_id, std::nullopt});
  OnAnswer(seq, std::move(response));
}

void HttpSession::OnAnswer(uint64_t seq, Response r) {
  if (closed_ || slots_.empty() || seq < slots_.front().seq) return;  // the connection is gone
  Slot& slot = slots_[seq - slots_.front().seq];
  StringResponse res{static_cast<beast_http::status>(r.status), slot.version};
  res.set(beast_http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.insert(name, value);
  res.set("X-Request-Id", slot.request_id);
  res.keep_alive(slot.keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (r.status >= 500) {
    core_->responses_5xx.fetch_add(1, std::memory_order_relaxed);
  } else if (r.status >= 400) {
    core_->responses_4xx.fetch_add(1, std::memory_order_relaxed);
  }
  slot.response = std::move(res);
  DoWrite();
}

void HttpSession::DoWrite() {
  if (writing_ || closed_ || slots_.empty() || !slots_.front().response) return;
  writing_ = true;
  stream_.expires_after(core_->options.write_timeout);
  beast_http::async_write(stream_, *slots_.front().response,
                          beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this()));
}

void HttpSession::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return Fail(ec, "write");
  const bool keep_alive = slots_.front().keep_alive;
  slots_.pop_front();
  if (!keep_alive || (closing_ && slots_.empty() && !reading_)) {
    if (lingering_) return DoLinger();
    return CloseSocket();
  }
  DoWrite();
  DoRead();  // resumes reading if it paused at max_pipelined
  if (slots_.empty() && waiting_first_byte_) ArmIdleTimer();
}

void HttpSession::DoLinger() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (reading_) return;  // a read is still pending: its error or data ends the session
  buffer_.clear();
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(buffer_.prepare(kFirstReadChunk),
                          beast::bind_front_handler(&HttpSession::OnLinger, shared_from_this()));
}

void HttpSession::OnLinger(beast::error_code ec, std::size_t n) {
  lingered_bytes_ += n;
  if (ec || lingered_bytes_ > kMaxLingerBytes) return CloseSocket();
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kFirstReadChunk),
                          beast::bind_front_handler(&HttpSession::OnLinger, shared_from_this()));
}

void HttpSession::ArmIdleTimer() {
  idle_timer_.expires_after(core_->options.idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && self->waiting_first_byte_ && self->slots_.empty()) self->CloseSocket();
  });
}

void HttpSession::CloseSocket() {
  if (closed_) return;
  closed_ = true;
  idle_timer_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void HttpSession::Fail(beast::error_code ec, const char* what) {
  if (ec != net::error::operation_aborted && ec != beast::error::timeout && ec != net::error::connection_reset &&
      ec != net::error::broken_pipe) {
    spdlog::debug("http session {}: {}", what, ec.message());
  }
  CloseSocket();
}

}  // namespace redledger::http
