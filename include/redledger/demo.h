// The demo data set (issue 7): a year of Harbin's "Red Property Community"
// programme, modelled on the source report (DESIGN §1), written into an
// empty store through the real CommandService — so every event passed the
// domain's checks exactly as live traffic would — for `redledgerd --demo`,
// the CLI's `seed`, and benchmarks.
//
// What it makes: 100 demonstration sites over Harbin's nine districts and
// their streets in all three construction modes, 429 compounds, 695 grids
// with leaders, property branches and every other unit kind with their
// pairings (109 municipal units over the 100 sites, 298 district units),
// monthly joint meetings and theme party days, a principal for every role,
// an explicit policy and a mid-period policy change, and `demands` demands
// over `months` months with seasonal categories and Chinese texts, walking
// every path of the lifecycle (declined, duplicate, returned and reassigned,
// publicised, progress notes, urged and extended, resolved on time and late,
// evaluated, reopened, closed manually, left for the scheduler to close,
// overdue), the scheduler running every 10 minutes of simulated time, and
// each month's notice published by the supervisor after the month ends.
// Reporters are synthetic, with obviously fake phone numbers (13x 0000 xxxx).
//
// Determinism: the same options give the same events — ids, event ids,
// data, times, actors, positions — because every command carries an
// idempotency key derived from the seed and a counter and all time comes
// from the injected FakeClock. Only `personal` (AES-GCM with random nonces)
// and therefore `hash` differ between runs. Tokens are random.
//
// Streaming: only demands in flight are held, so memory does not grow with
// the number of demands raised over the run (the store, the command service
// and the score fold it uses for notices keep their own bounds).
//
// Thread safety: SeedDemo must not run concurrently with other writers to
// the same store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/event_store.h"
#include "redledger/status.h"
#include "redledger/vault.h"

namespace redledger {

class CredentialStore;

struct DemoOptions {
  // Seeds every choice. Default: 1.
  uint64_t seed = 1;
  // Demands raised over the period; scale it up for benchmarks (each demand
  // makes about 9 events). Default: 1,163, with which about 1,074 end
  // resolved, the report's figure.
  uint64_t demands = 1163;
  // The first month of demands, in the city's zone (+08:00). Setup happens
  // in the days before it. Default: 2022-01.
  CivilMonth start{2022, 1};
  // Months of demands; the run ends on the 3rd of the month after, once the
  // last month's notice is published. Default: 12.
  int months = 12;
};

// A principal the demo registered, with a token for it.
struct DemoToken {
  std::string role;          // admin, supervisor, inspector, community, handler, grid_leader, resident
  std::string principal_id;
  std::string name;
  std::string scope;         // "all sites", or the site (and unit or grid) it acts for
  std::string token;         // empty when SeedDemo had no credential store
};

// What the run made, read back from the log and the registry.
struct DemoReport {
  uint64_t seed = 0;
  CivilMonth first_month, last_month;
  Micros first_event_at = 0, last_event_at = 0;  // recorded_at of the first and last events
  size_t sites = 0, compounds = 0, grids = 0, units = 0, pairings = 0, activities = 0, principals = 0;
  std::map<std::string, size_t> sites_by_mode;   // separate / joint / stationed
  std::map<std::string, size_t> units_by_kind;
  uint64_t demands = 0;
  std::map<std::string, uint64_t> demands_by_status;  // final status of each demand
  std::map<std::string, uint64_t> closed_by_reason;   // evaluated / manual / duplicate / evaluation_window_elapsed
  // Resolved and standing at the end (the report's "demands solved"): in
  // `resolved`, or closed after a resolve (evaluated, manual, window elapsed).
  uint64_t resolved = 0;
  uint64_t notices = 0;   // notice.published
  uint64_t events = 0;    // the store's head
  std::map<std::string, uint64_t> events_by_type;
  uint64_t commands = 0;  // commands issued (scheduler passes aside)
  size_t peak_in_flight = 0;  // most demands the generator held at once
  std::vector<DemoToken> tokens;  // one per role, in the order of DemoToken::role's comment
  std::string sample_site_id;     // a site, and a publicised demand there, for URLs to try
  std::string sample_demand_id;
  CivilMonth sample_period;       // a month with a published notice
};

// Seeds `store` with the demo data set. `clock` is set to the start of setup
// and advanced through the run; the store must take `recorded_at` from it
// (StoreOptions::clock), or the check after the first event fails with
// InvalidArgument. With `credentials`, a token is issued for one principal
// of each role (CredentialStore::AddToken), so it authenticates against the
// server's Authenticator; without, tokens are empty.
// InvalidArgument when the store is not empty or the options are out of
// range (demands < 1, months < 1 or > 120); Internal naming the command if
// the domain refuses one (a generator bug); store and vault errors as they are.
// REQUIRES: the arguments outlive the call; credentials may be nullptr.
Result<DemoReport> SeedDemo(EventStore* store, Vault* vault, FakeClock* clock, CredentialStore* credentials,
                            const DemoOptions& options);

// What `redledgerd --demo` prints: the figures, a token per role and URLs to
// try against `base_url` (e.g. "http://127.0.0.1:8080"). Tokens appear here
// only; the server keeps their hashes.
std::string DemoBanner(const DemoReport& report, std::string_view base_url);

}  // namespace redledger
