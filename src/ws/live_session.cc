// A live-feed session: handshake, authentication, subscription, then events
// from the hub (live) or from the log (catch-up), with one write in flight.
#include "ws/live_session.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/json.hpp>

#include "redledger/auth.h"
#include "redledger/codec.h"
#include "redledger/http_server.h"

namespace redledger::ws {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<const std::string> Shared(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

std::string ErrorMessage(const Status& status, const std::string& request_id) {
  // The DESIGN §4 error body {"error":{…}} with a kind in front.
  std::string body = http::ErrorResponse(status, request_id).body;
  return R"({"kind":"error",)" + body.substr(1);
}

std::string ClosingMessage(std::string_view reason, uint64_t resume_after) {
  std::string out = R"({"kind":"closing","reason":)";
  AppendJsonString(&out, reason);
  out += R"(,"resume_after":)" + std::to_string(resume_after) + "}";
  return out;
}

}  // namespace

LiveSession::LiveSession(std::shared_ptr<LiveHub::Core> core, http::UpgradeContext&& upgrade)
    : core_(std::move(core)),
      executor_(upgrade.stream.get_executor()),
      ws_(std::move(upgrade.stream)),
      request_(std::move(upgrade.request)),
      connection_slot_(std::move(upgrade.connection_slot)),
      request_id_(std::move(upgrade.request_id)),
      heartbeat_timer_(executor_),
      deadline_timer_(executor_) {}

LiveSession::~LiveSession() {
  if (id_ != 0) core_->RemoveSession(id_);
}

void LiveSession::Start() {
  id_ = core_->AddSession(weak_from_this());
  websocket::stream_base::timeout t;
  t.handshake_timeout = core_->options.close_timeout;
  t.idle_timeout = core_->options.idle_timeout;
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.read_message_max(core_->options.max_message_bytes);
  ws_.text(true);
  ws_.async_accept(request_, beast::bind_front_handler(&LiveSession::OnAccept, shared_from_this()));
}

void LiveSession::OnAccept(beast::error_code ec) {
  if (ec) return Finish();
  if (core_->closed.load()) return Finish();  // raced CloseAll: the server is stopping
  state_ = State::kAuth;
  // A client that never authenticates and subscribes must not hold a connection.
  deadline_timer_.expires_after(core_->options.subscribe_timeout);
  deadline_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ >= State::kStreaming) return;
    self->Fail(Status::Unauthorized("no authentication and subscription in time"));
  });
  DoRead();
  std::string_view header = request_[beast::http::field::authorization];
  if (!header.empty()) {
    if (Status s = Authenticate(header); !s.ok()) return Fail(s);
  }
}

Status LiveSession::Authenticate(std::string_view authorization) {
  auto p = core_->auth->Authenticate(authorization);
  if (!p.ok()) return p.status();
  if (!HasEventFeed(*p)) return Status::Forbidden("role " + std::string(RoleName(p->role)) + " has no event feed");
  principal_ = std::move(*p);
  state_ = State::kSubscribe;
  return Status::OK();
}

void LiveSession::DoRead() {
  ws_.async_read(buffer_, beast::bind_front_handler(&LiveSession::OnRead, shared_from_this()));
}

void LiveSession::OnRead(beast::error_code ec, size_t) {
  if (ec) return Finish();  // closed, timed out (no pong) or reset
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (state_ == State::kAuth || state_ == State::kSubscribe || state_ == State::kStreaming) HandleMessage(text);
  if (state_ != State::kClosed) DoRead();
}

void LiveSession::HandleMessage(std::string_view text) {
  auto parsed = http::ParseJsonObject(text, 8);
  if (!parsed.ok()) return Fail(parsed.status());
  const boost::json::object& msg = **parsed;
  if (state_ == State::kStreaming) {
    // One subscription per connection; say so but keep streaming.
    Enqueue(Shared(ErrorMessage(Status::InvalidArgument("already subscribed"), request_id_)), cursor_);
    return DoWrite();
  }
  if (const auto* auth = msg.if_contains("auth")) {
    if (state_ != State::kAuth || !auth->is_string()) {
      return Fail(state_ != State::kAuth ? Status::InvalidArgument("already authenticated")
                                         : Status::Unauthorized("auth must be a token string"));
    }
    if (Status s = Authenticate("Bearer " + std::string(auth->as_string())); !s.ok()) return Fail(s);
  }
  if (state_ == State::kAuth) return Fail(Status::Unauthorized("authenticate first: {\"auth\":\"<token>\"}"));
  if (const auto* sub = msg.if_contains("subscribe")) {
    if (Status s = HandleSubscribe(*sub); !s.ok()) return Fail(s);
  } else if (!msg.contains("auth")) {
    return Fail(Status::InvalidArgument("expected {\"subscribe\":{…}}"));
  }
}

Status LiveSession::HandleSubscribe(const boost::json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("subscribe must be an object", "subscribe");
  const boost::json::object& o = v.as_object();
  std::optional<uint64_t> after;
  if (const auto* a = o.if_contains("after")) {
    if (a->is_string() && a->as_string() == "now") {
      after = std::nullopt;
    } else if (a->is_uint64() || (a->is_int64() && a->as_int64() >= 0)) {
      after = a->to_number<uint64_t>();
    } else {
      return Status::InvalidArgument("after must be a position or \"now\"", "subscribe.after");
    }
  } else {
    return Status::InvalidArgument("after is required", "subscribe.after");
  }
  if (const auto* s = o.if_contains("site_id")) {
    if (!s->is_string() || s->as_string().empty()) return Status::InvalidArgument("site_id must be a string", "subscribe.site_id");
    filter_.site_id = std::string(s->as_string());
    const bool everywhere = principal_->role == Role::kAdmin || principal_->role == Role::kInspector;
    if (!everywhere && !principal_->InScope(*filter_.site_id)) {
      return Status::Forbidden("site " + *filter_.site_id + " is not in the caller's scope");
    }
  }
  if (const auto* t = o.if_contains("types")) {
    if (!t->is_array() || t->as_array().size() > 64) return Status::InvalidArgument("types must be an array of at most 64 names", "subscribe.types");
    for (const auto& name : t->as_array()) {
      if (!name.is_string()) return Status::InvalidArgument("types must hold strings", "subscribe.types");
      filter_.types.emplace_back(name.as_string());
    }
  }
  const uint64_t head = core_->store->Head();
  if (after && *after > head) return Status::ValidationFailed("subscribe.after", "beyond the log head " + std::to_string(head));

  auto sub = std::make_shared<Subscriber>();
  sub->session = weak_from_this();
  sub->principal = *principal_;
  sub->filter = filter_;
  sub->scores = MayReadScores(*principal_);
  core_->Subscribe(id_, std::move(sub));
  // Registered first, so every commit after this read reaches us as a delivery.
  cursor_ = after.value_or(core_->store->Head());
  written_through_ = cursor_;
  state_ = State::kStreaming;
  deadline_timer_.cancel();
  live_ = !after.has_value();
  if (!live_) CatchUpPage();
  if (filter_.site_id) core_->RequestSnapshot(id_);
  heartbeat_timer_.expires_after(core_->options.heartbeat_interval);
  heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Heartbeat();
  });
  return Status::OK();
}

void LiveSession::PostDelivery(LiveDelivery d) {
  net::post(executor_, [self = shared_from_this(), d = std::move(d)] { self->OnDelivery(d); });
}

void LiveSession::PostDocument(std::shared_ptr<const std::string> message) {
  net::post(executor_, [self = shared_from_this(), m = std::move(message)]() mutable {
    if (self->state_ != State::kStreaming) return;
    if (!self->live_ || self->queue_bytes_ + m->size() > self->core_->options.queue_bytes) {
      self->want_documents_ = true;  // a ledger or score is state: the next one replaces it
      return;
    }
    self->Enqueue(std::move(m), self->cursor_);
    self->DoWrite();
  });
}

void LiveSession::PostClose(std::string reason) {
  net::post(executor_, [self = shared_from_this(), reason = std::move(reason)] {
    if (self->state_ == State::kClosing || self->state_ == State::kClosed) return;
    const uint64_t resume = self->queue_.empty() ? self->cursor_ : self->queue_.back().through;
    const bool streaming = self->state_ == State::kStreaming;
    self->Close(streaming ? Shared(ClosingMessage(reason, resume)) : nullptr, websocket::close_code::going_away,
                reason);
  });
}

void LiveSession::OnDelivery(const LiveDelivery& d) {
  if (state_ != State::kStreaming || d.last <= cursor_) return;
  if (d.covers_after > cursor_) {  // something before this delivery never reached us
    if (live_) return StartCatchUp();
    at_head_ = false;
    CatchUpPage();
    return CheckLag();
  }
  size_t bytes = 0;
  for (uint32_t i : d.indices) {
    const LiveEvent& e = (*d.batch)[i];
    if (e.position > cursor_) bytes += e.message->size();
  }
  if (queue_bytes_ + bytes > core_->options.queue_bytes) {
    if (live_) return StartCatchUp();
    at_head_ = false;  // the log has more now; it serves us as the queue drains
    return CheckLag();
  }
  for (uint32_t i : d.indices) {
    const LiveEvent& e = (*d.batch)[i];
    if (e.position > cursor_) Enqueue(e.message, e.position);
  }
  cursor_ = d.last;
  if (!live_) {
    live_ = true;
    lagging_since_.reset();
    if (want_documents_ && filter_.site_id) core_->RequestSnapshot(id_);
    want_documents_ = false;
  }
  DoWrite();
}

void LiveSession::StartCatchUp() {
  live_ = false;
  at_head_ = false;
  core_->catchups.fetch_add(1, std::memory_order_relaxed);
  CatchUpPage();
  CheckLag();
}

// Reads one page of the log after the cursor when the queue has room; posts
// itself again for the next page, so one session never holds the strand long.
void LiveSession::CatchUpPage() {
  if (live_ || at_head_ || state_ != State::kStreaming || queue_bytes_ > core_->options.queue_bytes / 2) return;
  auto page = core_->store->ReadAll(cursor_, core_->options.catchup_page);
  if (!page.ok()) return Fail(page.status());
  for (const Envelope& e : *page) {
    if (filter_.Matches(*principal_, core_->sites.Resolve(e), e.type)) Enqueue(Shared(EventMessage(e)), e.position);
  }
  if (!page->empty()) cursor_ = page->back().position;
  at_head_ = page->size() < core_->options.catchup_page;
  DoWrite();
  if (!at_head_ && !catchup_posted_ && queue_bytes_ <= core_->options.queue_bytes / 2) {
    catchup_posted_ = true;
    net::post(executor_, [self = shared_from_this()] {
      self->catchup_posted_ = false;
      self->CatchUpPage();
    });
  }
}

// Past the hard limit — behind the head by more than max_lag_events, with
// bytes still waiting for the client, and the lag not shrinking for
// max_lag_time — the session is closed with the position to resume from. A
// client catching up (its lag shrinking) is left to catch up.
void LiveSession::CheckLag() {
  if (state_ != State::kStreaming) return;
  const uint64_t head = core_->store->Head();
  const uint64_t lag = head > cursor_ ? head - cursor_ : 0;
  if (live_ || queue_.empty() || lag <= core_->options.max_lag_events) {
    lagging_since_.reset();
    return;
  }
  const auto now = Clock::now();
  if (!lagging_since_ || lag < lag_mark_) {
    lagging_since_ = now;
    lag_mark_ = lag;
    return;
  }
  if (now - *lagging_since_ >= core_->options.max_lag_time) CloseTooSlow();
}

void LiveSession::Heartbeat() {
  if (state_ != State::kStreaming) return;
  std::string msg = R"({"kind":"heartbeat","head":)" + std::to_string(core_->store->Head()) + "}";
  if (queue_bytes_ + msg.size() <= core_->options.queue_bytes) Enqueue(Shared(std::move(msg)), cursor_);
  DoWrite();
  CheckLag();
  if (state_ != State::kStreaming) return;
  heartbeat_timer_.expires_after(core_->options.heartbeat_interval);
  heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Heartbeat();
  });
}

void LiveSession::Enqueue(std::shared_ptr<const std::string> message, uint64_t through) {
  queue_bytes_ += message->size();
  queue_.push_back(Out{std::move(message), through});
}

void LiveSession::DoWrite() {
  if (writing_ || queue_.empty() || state_ == State::kClosed) return;
  writing_ = true;
  ws_.async_write(net::buffer(*queue_.front().message),
                  [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void LiveSession::OnWrite(beast::error_code ec) {
  writing_ = false;
  if (ec) return Finish();
  queue_bytes_ -= queue_.front().message->size();
  written_through_ = queue_.front().through;
  queue_.pop_front();
  if (state_ == State::kClosing && queue_.empty()) {
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) { self->Finish(); });
    return;
  }
  if (!live_) CatchUpPage();
  DoWrite();
}

void LiveSession::Close(std::shared_ptr<const std::string> message, websocket::close_code code, std::string reason) {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  const bool was_open = state_ != State::kHandshake;
  state_ = State::kClosing;
  core_->Unsubscribe(id_);
  heartbeat_timer_.cancel();
  close_reason_ = websocket::close_reason(code, reason);
  // A client that does not read cannot hold the close up for long.
  deadline_timer_.expires_after(core_->options.close_timeout);
  deadline_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
  if (!was_open) return Finish();
  if (message) Enqueue(std::move(message), cursor_);
  if (queue_.empty() && !writing_) {
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) { self->Finish(); });
    return;
  }
  DoWrite();
}

void LiveSession::Fail(const Status& status) {
  Close(Shared(ErrorMessage(status, request_id_)), websocket::close_code::policy_error,
        std::string(Status::CodeName(status.code())));
}

void LiveSession::CloseTooSlow() {
  // Drop what the client has not been handed yet; the in-flight write stays.
  const uint64_t resume = writing_ ? queue_.front().through : written_through_;
  while (queue_.size() > (writing_ ? 1u : 0u)) {
    queue_bytes_ -= queue_.back().message->size();
    queue_.pop_back();
  }
  core_->too_slow.fetch_add(1, std::memory_order_relaxed);
  Close(Shared(ClosingMessage("too slow", resume)), websocket::close_code::policy_error, "too slow");
}

void LiveSession::Finish() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  core_->Unsubscribe(id_);
  heartbeat_timer_.cancel();
  deadline_timer_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace redledger::ws
