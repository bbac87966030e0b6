// State shared by the Server, its listener and its sessions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/router.h"
#include "redledger/auth.h"
#include "redledger/http_server.h"

namespace redledger::http {

class HttpSession;
class Listener;

struct Server::Core {
  explicit Core(ServerOptions opts, const Authenticator* auth);

  // Echoes the client's X-Request-Id when it is 1–128 characters of
  // [A-Za-z0-9._:-]; else a new one: a random per-process prefix and a counter.
  std::string RequestId(std::string_view client_id);

  // Sessions register so that Stop() can reach the idle ones.
  uint64_t AddSession(std::weak_ptr<HttpSession> s);
  void RemoveSession(uint64_t id);
  std::vector<std::shared_ptr<HttpSession>> LiveSessions();

  const ServerOptions options;
  const Authenticator* const authenticator;
  Router router;
  std::map<std::string, UpgradeHandler, std::less<>> upgrades;
  std::unique_ptr<RateLimiter> limiter;  // null when off

  std::vector<std::function<void()>> stop_hooks;

  boost::asio::io_context ioc;
  std::unique_ptr<boost::asio::thread_pool> workers;  // for blocking routes; null when none
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  uint16_t bound_port = 0;

  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_rejected{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> responses_4xx{0};
  std::atomic<uint64_t> responses_5xx{0};

 private:
  const std::string id_prefix_;
  std::atomic<uint64_t> next_request_{0};
  std::mutex sessions_mu_;  // guards sessions_, next_session_
  std::unordered_map<uint64_t, std::weak_ptr<HttpSession>> sessions_;
  uint64_t next_session_ = 0;
};

}  // namespace redledger::http
