// The /v1 routes of DESIGN §4 on an http::Server: commands through the
// CommandService, queries from the projections, scores, proofs, the public
// board and the operational endpoints.
//
//   api::Api api{.store = store.get(), .commands = commands.get(), ...};
//   auto routes = api::RegisterRoutes(&server, api);
//
// Each route group takes only the services it uses (src/api/routes.h); Api
// is the wiring struct main() fills once, not an object the handlers share.
//
// Idempotency-Key (DESIGN §4): per principal, a key maps to SHA-256 of the
// method, path and body and the first successful answer, kept durably for
// 24 h in a RocksDB of its own (IdempotencyStore). A retry with the same
// body gets the first answer and appends nothing; another body gets 422
// idempotency_key_reused. Retries racing the first attempt append once
// because the events' ids derive from (principal, key, index).
//
// Thread safety: IdempotencyStore is safe for concurrent use. RegisterRoutes
// only before the server starts; the services must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/encoding.h"
#include "redledger/status.h"

namespace redledger {
class EventStore;
class CommandService;
class ProjectionRunner;
class ScoreProjection;
class Vault;
class CredentialStore;
class Signer;
namespace http {
class Server;
}

namespace api {

// Key → (body hash, first answer), expiring after a TTL.
class IdempotencyStore {
 public:
  struct Record {
    Hash256 request_hash{};
    int status = 0;
    std::string body;  // the first answer's JSON body
  };

  // Opens (creating if missing) the database in `dir`. Writes are synced:
  // an answer given survives a crash, so its retry cannot append again.
  // REQUIRES: clock outlives the store.
  static Result<std::unique_ptr<IdempotencyStore>> Open(const std::string& dir, const Clock* clock,
                                                        std::chrono::seconds ttl = std::chrono::hours(24));
  ~IdempotencyStore();
  IdempotencyStore(const IdempotencyStore&) = delete;
  IdempotencyStore& operator=(const IdempotencyStore&) = delete;

  // The unexpired record of (principal, key), nullopt when none.
  Result<std::optional<Record>> Find(std::string_view principal_id, std::string_view key) const;
  // Keeps `record` until now + ttl (a later Put for the same key replaces it).
  Status Put(std::string_view principal_id, std::string_view key, const Record& record);
  // Deletes expired records; returns how many. Call periodically: this,
  // not memory, bounds the database.
  Result<size_t> Sweep();

 private:
  struct Rep;
  explicit IdempotencyStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

struct ApiOptions {
  // Longest a query waits for the projections to reach the head it saw on
  // arrival before answering 503. Default: 2 s (--read-wait-ms)
  std::chrono::milliseconds read_wait{2000};
};

// The services the routes use. All REQUIRED (non-null) and outliving the server.
struct Api {
  EventStore* store = nullptr;
  CommandService* commands = nullptr;
  const ProjectionRunner* projections = nullptr;
  ScoreProjection* scores = nullptr;
  Vault* vault = nullptr;
  CredentialStore* credentials = nullptr;
  IdempotencyStore* idempotency = nullptr;
  const Signer* signer = nullptr;  // its name is the log origin (--log-origin)
  const Clock* clock = nullptr;
  ApiOptions options;
  // POST /v1/admin/backups copies data_dir into a new directory under
  // backup_dir (redledger/backup.h); an empty backup_dir turns backups off (503).
  std::string data_dir;
  std::string backup_dir;
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  friend bool operator==(const RouteInfo&, const RouteInfo&) = default;
};

// Registers every route on `server` and returns them (plus GET /healthz,
// which the server serves itself), for the OpenAPI check.
// REQUIRES: server not started; every pointer in `api` set.
std::vector<RouteInfo> RegisterRoutes(http::Server* server, const Api& api);

}  // namespace api
}  // namespace redledger
