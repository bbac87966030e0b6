#include "redledger/api.h"

#include "api/routes.h"

namespace redledger::api {

std::vector<RouteInfo> RegisterRoutes(http::Server* server, const Api& api) {
  Routes routes(server);
  const auto wait = api.options.read_wait;
  AddDemandCommandRoutes(&routes, api.commands, api.idempotency);
  AddDemandQueryRoutes(&routes, api.store, api.commands, api.projections, api.vault, api.clock, wait);
  AddRegistryRoutes(&routes, api.store, api.commands, api.idempotency, api.projections, api.clock, wait);
  AddAdminRoutes(&routes, api.store, api.commands, api.credentials, api.idempotency, api.scores, api.clock);
  AddBackupRoute(&routes, api.data_dir, api.backup_dir);
  AddEventRoutes(&routes, api.store, api.projections, wait);
  AddScoreRoutes(&routes, api.store, api.commands, api.scores, api.projections, api.idempotency, api.clock);
  AddProofRoutes(&routes, api.store, api.signer, api.clock);
  AddOpsRoutes(&routes, api.store, api.commands, api.projections, wait);
  std::vector<RouteInfo> list = routes.TakeList();
  list.push_back({"GET", "/healthz"});  // served by http::Server itself
  return list;
}

}  // namespace redledger::api
