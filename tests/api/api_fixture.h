// A redledgerd wired as main() wires it (RocksDB store, vault, credentials,
// projections, scores, signer, idempotency store), serving on 127.0.0.1 at
// a free port, with a small world registered over HTTP: sites s-1 and s-2,
// a compound and a grid at each, unit u-1 paired with s-1 and u-2 with s-2,
// and one principal per role (tokens in `tokens`).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "redledger/api.h"
#include "redledger/auth.h"
#include "redledger/checkpoint.h"
#include "redledger/command_service.h"
#include "redledger/event_store.h"
#include "redledger/http_server.h"
#include "redledger/live_hub.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"
#include "redledger/vault.h"
#include "support/temp_dir.h"
#include "support/test_client.h"

namespace redledger::testing {

inline constexpr std::string_view kAdminToken = "admin-token-for-tests-0123456789";

class ApiServer {
 public:
  explicit ApiServer(http::ServerOptions options = {});
  ~ApiServer();

  uint16_t port() const { return server_->port(); }
  EventStore& store() { return *store_; }
  const std::string& data_dir() const { return dir_.path(); }
  http::Server& server() { return *server_; }
  // What the server serves (the /v1 routes, /healthz and the /v1/live upgrade).
  std::vector<http::RouteInfo> routes() const { return server_->routes(); }

 private:
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<CredentialStore> credentials_;
  std::unique_ptr<api::IdempotencyStore> idempotency_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<CommandService> commands_;
  std::unique_ptr<ProjectionRunner> projections_;
  std::unique_ptr<ScoreProjection> scores_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<LiveHub> live_;  // before server_: it must outlive server_->Wait()
  std::unique_ptr<http::Server> server_;
};

// The fixture: a server with the world registered.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Requests on a fresh connection each (a test may leave one broken).
  HttpResponse Call(std::string_view method, std::string_view target, std::string_view token,
                    std::string_view body = {}, Headers headers = {});
  HttpResponse Post(std::string_view target, std::string_view body, std::string_view token, Headers headers = {});
  HttpResponse Get(std::string_view target, std::string_view token);

  // A demand raised by the resident at s-1 (its id).
  std::string Raise(std::string_view title = "No heating in building 3");
  // A demand moved to `status` (raised, accepted, assigned, resolved).
  std::string DemandIn(std::string_view status);
  // The principal id behind a role's token.
  std::string IdOf(const std::string& role) { return ids[role]; }

  static std::string RaiseBody(std::string_view site = "s-1", std::string_view title = "No heating in building 3");

  std::unique_ptr<ApiServer> server;
  std::map<std::string, std::string> tokens;  // role (or "community2", "handler2", ...) -> token
  std::map<std::string, std::string> ids;     // the same keys -> principal id
  std::map<std::string, std::string> world;   // "compound-s-1", "grid-s-1", ... -> id
};

// The JSON member `name` of an object text, as text ("" when absent).
std::string Member(const std::string& json, std::string_view name);

}  // namespace redledger::testing
