// SeedDemo: plan the city, register it, run the timeline, and read back
// what was made.
#include <unordered_map>

#include "demo/city.h"
#include "demo/commander.h"
#include "demo/seeder.h"
#include "redledger/auth.h"
#include "redledger/command_service.h"
#include "redledger/demo.h"
#include "redledger/score_projection.h"

namespace redledger {

namespace {

using demo::City;

// Final statuses, close reasons and event counts, folded from the log in one
// pass. Only demands not yet closed or declined are held, so the pass needs
// as little memory as the generator.
Status Tally(const EventStore& store, DemoReport* report) {
  std::unordered_map<std::string, std::pair<std::string, bool>> open;  // id -> (status, resolved once)
  Status failed;
  Status scan = store.Scan(0, store.Head(), [&](const Envelope& e) {
    ++report->events_by_type[e.type];
    if (e.position == 1) report->first_event_at = e.recorded_at;
    report->last_event_at = e.recorded_at;
    std::string_view id = DemandIdOfStream(e.stream);
    if (id.empty()) return true;
    std::string_view type = std::string_view(e.type).substr(std::string_view("demand.").size());
    const char* next = nullptr;
    if (type == "raised") {
      ++report->demands;
      open[std::string(id)] = {"raised", false};
      return true;
    }
    auto it = open.find(std::string(id));
    if (it == open.end()) {
      failed = Status::Internal("demo: " + e.type + " at position " + std::to_string(e.position) +
                                " for a demand that is not open");
      return false;
    }
    if (type == "accepted" || type == "returned") next = "accepted";
    if (type == "assigned" || type == "reopened") next = "assigned";
    if (type == "resolved") {
      next = "resolved";
      it->second.second = true;
    }
    if (type == "declined") {
      ++report->demands_by_status["declined"];
      open.erase(it);
      return true;
    }
    if (type == "closed") {
      constexpr std::string_view kKey = "\"reason\":\"";
      size_t at = e.data.find(kKey);
      std::string reason = at == std::string::npos ? "" : e.data.substr(at + kKey.size(), e.data.find('"', at + kKey.size()) - at - kKey.size());
      ++report->closed_by_reason[reason];
      ++report->demands_by_status["closed"];
      if (reason != "duplicate" && it->second.second) ++report->resolved;
      open.erase(it);
      return true;
    }
    if (next) it->second.first = next;
    return true;
  });
  REDLEDGER_RETURN_IF_ERROR(failed);
  REDLEDGER_RETURN_IF_ERROR(scan);
  for (const auto& [id, s] : open) {
    ++report->demands_by_status[s.first];
    if (s.first == "resolved") ++report->resolved;
  }
  report->events = store.Head();
  report->notices = report->events_by_type[std::string(kNoticePublished)];
  return Status::OK();
}

void CountRegistry(const DomainSnapshot& snap, DemoReport* report) {
  for (const auto& [id, site] : snap.registry.sites()) {
    ++report->sites;
    ++report->sites_by_mode[site.construction_mode];
    report->compounds += site.compound_ids.size();
    report->grids += site.grid_ids.size();
    report->activities += static_cast<size_t>(site.activity_count);
  }
  for (const auto& [id, unit] : snap.registry.units()) {
    ++report->units;
    ++report->units_by_kind[unit.kind];
    report->pairings += unit.site_ids.size();
  }
}

// One principal per role, all acting at the first site where they have a site.
Status IssueTokens(const City& city, CredentialStore* credentials, DemoReport* report) {
  const demo::SitePlan& site = city.sites.front();
  const demo::UnitPlan& unit = city.units[site.property_branches.front()];
  const demo::GridPlan& grid = city.grids[site.grids.front()];
  const demo::ResidentPlan& resident = city.residents[site.residents.front()];
  std::string at = site.id + " " + site.community;
  report->tokens = {
      {"admin", city.admin.id, city.admin.name, "all sites", {}},
      {"supervisor", city.supervisor.id, city.supervisor.name, "all sites", {}},
      {"inspector", city.inspector.id, city.inspector.name, "all sites", {}},
      {"community", site.community_principal.id, site.community_principal.name, at, {}},
      {"handler", unit.handler.id, unit.handler.name, at + ", unit " + unit.id, {}},
      {"grid_leader", grid.leader.id, grid.leader.name, at + ", grid " + grid.id, {}},
      {"resident", resident.principal.id, resident.principal.name, at, {}},
  };
  if (!credentials) return Status::OK();
  for (DemoToken& t : report->tokens) {
    t.token = NewToken();
    REDLEDGER_RETURN_IF_ERROR(credentials->AddToken(t.principal_id, t.token));
  }
  return Status::OK();
}

}  // namespace

Result<DemoReport> SeedDemo(EventStore* store, Vault* vault, FakeClock* clock, CredentialStore* credentials,
                            const DemoOptions& options) {
  if (store->Head() != 0) return Status::InvalidArgument("the demo data set is written into an empty store only");
  if (options.demands < 1) return Status::InvalidArgument("demands must be at least 1", "demands");
  if (options.months < 1 || options.months > 120) return Status::InvalidArgument("months must be 1..120", "months");
  if (options.start.month < 1 || options.start.month > 12 || options.start.year < 1971 || options.start.year > 9000) {
    return Status::InvalidArgument("start must be a month from 1971-01", "start");
  }
  // Setup runs over the morning three days before the first month.
  clock->Set(MonthStart(options.start, 8 * 60) - 3 * kMicrosPerDay + 9 * kMicrosPerHour);
  auto service = CommandService::Open(store, vault, clock);
  if (!service.ok()) return service.status();
  ScoreProjection scores(store);
  demo::Commander cmd(store, service->get(), &scores, clock, options.seed);

  City city = demo::PlanCity(options.seed);
  REDLEDGER_RETURN_IF_ERROR(demo::RegisterAdmin(&city, &cmd, Authenticator::BootstrapAdmin()));
  auto first = store->ReadAt(1);
  if (!first.ok()) return first.status();
  if (first->recorded_at != clock->NowMicros()) {
    return Status::InvalidArgument("the store must take recorded_at from the demo's clock (StoreOptions::clock)");
  }
  REDLEDGER_RETURN_IF_ERROR(demo::RegisterCity(&city, &cmd, options.start));
  demo::Seeder seeder(&city, &cmd, options);
  REDLEDGER_RETURN_IF_ERROR(seeder.Run());

  DemoReport report;
  report.seed = options.seed;
  report.first_month = options.start;
  report.last_month = demo::AddMonths(options.start, options.months - 1);
  report.principals = city.principals;
  report.commands = cmd.commands();
  report.peak_in_flight = seeder.lifecycle().peak_in_flight();
  report.sample_site_id = city.sites.front().id;
  report.sample_demand_id = seeder.lifecycle().sample_demand();
  report.sample_period = report.last_month;
  CountRegistry(*(*service)->Snapshot(), &report);
  REDLEDGER_RETURN_IF_ERROR(Tally(*store, &report));
  REDLEDGER_RETURN_IF_ERROR(IssueTokens(city, credentials, &report));
  return report;
}

}  // namespace redledger
