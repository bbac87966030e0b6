// The route groups of DESIGN §4. Each takes only the services it uses.
#pragma once

#include <chrono>
#include <string>

#include "api/common.h"

namespace redledger::api {

// POST /v1/demands, POST /v1/demands/{id}/<command>.
void AddDemandCommandRoutes(Routes* routes, CommandService* commands, IdempotencyStore* idempotency);
// GET /v1/demands, /v1/demands/{id}, /v1/demands/{id}/history.
void AddDemandQueryRoutes(Routes* routes, const EventStore* store, const CommandService* commands,
                          const ProjectionRunner* projections, const Vault* vault, const Clock* clock,
                          std::chrono::milliseconds read_wait);
// Sites, compounds, grids, activities, units, pairings; GET sites, units, ledger.
void AddRegistryRoutes(Routes* routes, const EventStore* store, CommandService* commands,
                       IdempotencyStore* idempotency, const ProjectionRunner* projections, const Clock* clock,
                       std::chrono::milliseconds read_wait);
// POST /v1/principals, DELETE /v1/principals/{id}, POST and GET /v1/policy.
void AddAdminRoutes(Routes* routes, const EventStore* store, CommandService* commands, CredentialStore* credentials,
                    IdempotencyStore* idempotency, ScoreProjection* scores, const Clock* clock);
// POST /v1/admin/backups.
void AddBackupRoute(Routes* routes, std::string data_dir, std::string backup_dir);
// GET /v1/events, /v1/streams/{stream}, /v1/audit.
void AddEventRoutes(Routes* routes, const EventStore* store, const ProjectionRunner* projections,
                    std::chrono::milliseconds read_wait);
// GET /v1/scores, /v1/sites/{id}/scores, /v1/notices; POST /v1/notices.
void AddScoreRoutes(Routes* routes, EventStore* store, const CommandService* commands, ScoreProjection* scores,
                    const ProjectionRunner* projections, IdempotencyStore* idempotency, const Clock* clock);
// GET /v1/checkpoints/latest, /v1/checkpoints/key, /v1/proofs/*, /v1/verify.
void AddProofRoutes(Routes* routes, const EventStore* store, const Signer* signer, const Clock* clock);
// GET /public/sites/{id}/board, /readyz, /metrics.
void AddOpsRoutes(Routes* routes, const EventStore* store, const CommandService* commands,
                  const ProjectionRunner* projections,
                  std::chrono::milliseconds read_wait);

}  // namespace redledger::api
