// Synchronous calls built from Beast's asynchronous ones, so that each has a
// deadline (tcp_stream timeouts apply only to asynchronous operations).
#include "support/test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>

namespace redledger::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct HttpClient::Rep {
  explicit Rep(std::chrono::milliseconds t) : timeout(t), stream(ioc) {}

  // Runs one asynchronous operation to completion, bounded by `limit`.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds limit, Start start) {
    beast::error_code result = net::error::would_block;
    stream.expires_after(limit);
    start([&result](beast::error_code ec, std::size_t) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  Status Write(std::string_view method, std::string_view target, const Headers& headers, std::string_view body) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.insert(name, value);
    req.body() = std::string(body);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
    beast::error_code ec = Run(timeout, [&](auto done) { bhttp::async_write(stream, req, done); });
    if (ec) return Status::IOError("write: " + ec.message());
    return Status::OK();
  }

  Result<HttpResponse> Read() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code ec = Run(timeout, [&](auto done) { bhttp::async_read(stream, buffer, parser, done); });
    if (ec) return Status::IOError("read: " + ec.message());
    auto& res = parser.get();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.keep_alive = res.keep_alive();
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      out.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    out.body = std::move(res.body());
    return out;
  }

  std::chrono::milliseconds timeout;
  net::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

HttpClient::HttpClient(uint16_t port, std::chrono::milliseconds timeout) : rep_(std::make_unique<Rep>(timeout)) {
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  beast::error_code ec = rep_->Run(timeout, [&](auto done) {
    rep_->stream.async_connect(ep, [done](beast::error_code e) mutable { done(e, 0); });
  });
  rep_->connected = !ec;
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

bool HttpClient::connected() const { return rep_->connected; }

Result<HttpResponse> HttpClient::Request(std::string_view method, std::string_view target, const Headers& headers,
                                         std::string_view body) {
  REDLEDGER_RETURN_IF_ERROR(rep_->Write(method, target, headers, body));
  return rep_->Read();
}

Result<HttpResponse> HttpClient::Get(std::string_view target, std::string_view token) {
  Headers h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + std::string(token));
  return Request("GET", target, h);
}

Result<HttpResponse> HttpClient::PostJson(std::string_view target, std::string_view body, std::string_view token) {
  Headers h{{"Content-Type", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + std::string(token));
  return Request("POST", target, h, body);
}

Status HttpClient::Send(std::string_view method, std::string_view target, const Headers& headers,
                        std::string_view body) {
  return rep_->Write(method, target, headers, body);
}

Result<HttpResponse> HttpClient::Receive() { return rep_->Read(); }

Status HttpClient::WriteRaw(std::string_view bytes) {
  beast::error_code ec = rep_->Run(rep_->timeout, [&](auto done) {
    net::async_write(rep_->stream, net::buffer(bytes.data(), bytes.size()), done);
  });
  if (ec) return Status::IOError("write: " + ec.message());
  return Status::OK();
}

Result<std::string> HttpClient::ReadUntilClose() {
  std::string out(static_cast<const char*>(rep_->buffer.data().data()), rep_->buffer.size());
  rep_->buffer.clear();
  char chunk[4096];
  while (true) {
    std::size_t got = 0;
    beast::error_code ec = rep_->Run(rep_->timeout, [&](auto done) {
      rep_->stream.async_read_some(net::buffer(chunk), [&got, done](beast::error_code e, std::size_t n) mutable {
        got = n;
        done(e, n);
      });
    });
    out.append(chunk, got);
    if (ec == net::error::eof || ec == net::error::connection_reset) return out;
    if (ec) return Status::IOError("read: " + ec.message());
  }
}

bool HttpClient::ClosedWithin(std::chrono::milliseconds within) {
  char chunk[4096];
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    beast::error_code ec = rep_->Run(std::max(left, std::chrono::milliseconds(1)), [&](auto done) {
      rep_->stream.async_read_some(net::buffer(chunk), done);
    });
    if (ec == net::error::eof || ec == net::error::connection_reset) return true;
    if (ec) return false;  // timeout (the stream is now closed) or another error
  }
  return false;
}

}  // namespace redledger::testing
