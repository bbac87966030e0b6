// A synchronous HTTP/1.1 client over a real socket, for tests of anything
// served by redledger's HTTP server: whole requests, pipelined ones, and raw
// bytes (garbage, trickled headers). Every call is bounded by the client's
// timeout, so a broken server fails a test instead of hanging it.
//
// Thread safety: one client per thread; separate clients are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redledger/status.h"

namespace redledger::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;  // names in lower case
  std::string body;
  bool keep_alive = false;

  // The first header called `name` (lower case), or "".
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port; connected() says whether it worked.
  explicit HttpClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  bool connected() const;

  // One request and its response. Host and Content-Length are added.
  // IOError on a network error or timeout.
  Result<HttpResponse> Request(std::string_view method, std::string_view target, const Headers& headers = {},
                               std::string_view body = {});
  // GET, with `Authorization: Bearer <token>` when a token is given.
  Result<HttpResponse> Get(std::string_view target, std::string_view token = {});
  // POST with `Content-Type: application/json`, and the token when given.
  Result<HttpResponse> PostJson(std::string_view target, std::string_view body, std::string_view token = {});

  // Writes one request without waiting for the answer (pipelining).
  Status Send(std::string_view method, std::string_view target, const Headers& headers = {},
              std::string_view body = {});
  // Reads the next response.
  Result<HttpResponse> Receive();

  // Writes bytes as they are.
  Status WriteRaw(std::string_view bytes);
  // Reads whatever arrives until the server closes the connection (or the
  // timeout: IOError).
  Result<std::string> ReadUntilClose();
  // True when the server closes the connection within `within`.
  bool ClosedWithin(std::chrono::milliseconds within);

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace redledger::testing
