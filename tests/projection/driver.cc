#include "projection/driver.h"

namespace redledger::testing {

Driver::Driver(EventStore* store, Vault* vault, FakeClock* clock, uint64_t seed)
    : store_(store), vault_(vault), clock_(clock), rng_(seed) {
  admin_.id = "admin-1";
  admin_.role = Role::kAdmin;
  admin_.all_sites = true;
}

Result<Principal> Driver::AddPrincipal(const std::string& body) {
  auto r = service_->RegisterPrincipal(admin_, body, CommandMeta{});
  if (!r.ok()) return r.status();
  const Principal* p = service_->Snapshot()->principals.Find(r->id);
  if (!p) return Status::Internal("registered principal not found");
  return *p;
}

Status Driver::Setup() {
  auto service = CommandService::Open(store_, vault_, clock_);
  if (!service.ok()) return service.status();
  service_ = std::move(*service);
  auto reg = [&](std::string_view cmd, std::string_view target, const std::string& body) -> Result<std::string> {
    auto r = service_->RunRegistryCommand(admin_, cmd, target, body, CommandMeta{});
    if (!r.ok()) return r.status();
    return r->id;
  };
  for (const std::string& s : sites_) {
    auto r = reg("register_site", "",
                 R"({"site_id":")" + s + R"(","name":"Site )" + s +
                     R"(","district":"Nangang","street":"Xinchun","community":"Hongqi","construction_mode":"joint"})");
    if (!r.ok()) return r.status();
    auto c = reg("register_compound", s, R"({"name":"Garden"})");
    if (!c.ok()) return c.status();
    compounds_.push_back(*c);
    auto g = reg("register_grid", s, R"({"name":"Grid","leader":"Wang"})");
    if (!g.ok()) return g.status();
    grids_.push_back(*g);
  }
  for (std::string u : {"u1", "u2", "u3"}) {
    auto r = reg("register_unit", "", R"({"unit_id":")" + u + R"(","name":"Unit )" + u + R"(","kind":"property_branch"})");
    if (!r.ok()) return r.status();
    units_.push_back(u);
  }
  for (size_t i = 0; i < sites_.size(); ++i) {
    auto r = AddPrincipal(R"({"name":"Resident","role":"resident","sites":[")" + sites_[i] + R"("]})");
    if (!r.ok()) return r.status();
    residents_.push_back(*r);
    auto c = AddPrincipal(R"({"name":"Community","role":"community","sites":[")" + sites_[i] + R"("]})");
    if (!c.ok()) return c.status();
    communities_.push_back(*c);
  }
  for (const std::string& u : units_) {
    auto h = AddPrincipal(R"({"name":"Handler","role":"handler","sites":"*","unit_id":")" + u + R"("})");
    if (!h.ok()) return h.status();
    handlers_.push_back(*h);
  }
  auto gl = AddPrincipal(R"({"name":"Leader","role":"grid_leader","sites":["s1"],"grid_ids":[")" + grids_[0] + R"("]})");
  if (!gl.ok()) return gl.status();
  grid_leader_ = *gl;
  auto sup = AddPrincipal(R"({"name":"Supervisor","role":"supervisor","sites":"*"})");
  if (!sup.ok()) return sup.status();
  supervisor_ = *sup;
  return Status::OK();
}

Status Driver::Step() {
  clock_->Advance(static_cast<Micros>(rng_() % (3 * kMicrosPerHour)));
  if (rng_() % 12 == 0) {
    auto r = service_->RunScheduler();
    if (!r.ok()) return r.status();
  }
  if (demand_ids_.empty() || rng_() % 5 == 0) {
    size_t raiser = rng_() % (residents_.size() + 1);
    size_t site = raiser < residents_.size() ? raiser : 0;
    const Principal& who = raiser < residents_.size() ? residents_[raiser] : grid_leader_;
    std::string grid = raiser < residents_.size() ? "" : R"(,"grid_id":")" + grids_[0] + "\"";
    static const char* kUrgency[] = {"routine", "urgent", "emergency"};
    static const char* kCategory[] = {"lift", "heating", "water", "noise"};
    std::string body = R"({"site_id":")" + sites_[site] + R"(","category":")" + kCategory[rng_() % 4] +
                       R"(","title":"Demand )" + std::to_string(demand_ids_.size()) +
                       R"(","description":"SECRET-DESCRIPTION text","urgency":")" + kUrgency[rng_() % 3] +
                       R"(","channel":"app","location":{"compound_id":")" + compounds_[site] +
                       R"(","building":"building-SECRET")" + grid +
                       R"(},"reporter":{"name":"Zhang-SECRET-NAME","phone":"139-1234-5678"}})";
    auto r = service_->Raise(who, body, CommandMeta{});
    if (!r.ok()) return r.status();
    demand_ids_.push_back(r->id);
    infos_[r->id] = DemandInfo{site, raiser};
    return Status::OK();
  }
  return RandomDemandCommand();
}

Status Driver::RandomDemandCommand() {
  // Recent demands are more likely to move on.
  size_t n = demand_ids_.size();
  size_t idx = rng_() % 3 ? n - 1 - rng_() % std::min<size_t>(n, 8) : rng_() % n;
  const std::string& id = demand_ids_[idx];
  const DemandInfo& info = infos_[id];
  const Principal& community = communities_[info.site];
  auto state = service_->LoadDemand(id);
  if (!state.ok()) return state.status();
  // Mostly the handler of the assigned unit, so that work gets done.
  const Principal* handler = &handlers_[rng_() % handlers_.size()];
  if (rng_() % 4) {
    for (const Principal& h : handlers_) {
      if (state->assigned_unit == h.unit_id) handler = &h;
    }
  }
  const Principal& reporter = info.raiser < residents_.size() ? residents_[info.raiser] : grid_leader_;
  std::string later = FormatRfc3339(clock_->NowMicros() + static_cast<Micros>(1 + rng_() % 72) * kMicrosPerHour);
  std::string unit = units_[rng_() % units_.size()];
  struct Cmd {
    const Principal* who;
    const char* name;
    std::string body;
  };
  const std::vector<Cmd> menu = {
      {&community, "accept", "{}"},                                                                  // 0
      {&community, "accept", R"({"note":"SECRET-ACCEPT-NOTE","due_at":")" + later + R"("})"},         // 1
      {&community, "decline", R"({"reason":"not ours"})"},                                           // 2
      {&community, "assign", R"({"unit_id":")" + unit + R"("})"},                                    // 3
      {&community, "assign", R"({"unit_id":")" + unit + R"(","note":"go","due_at":")" + later + R"("})"},  // 4
      {&community, "publicize", R"({"notice":"Accepted for handling","days":7})"},                   // 5
      {handler, "progress", R"({"note":"PUBLIC-PROGRESS report","visibility":"public"})"},           // 6
      {handler, "progress", R"({"note":"INTERNAL-NOTE-MARK","visibility":"internal"})"},             // 7
      {handler, "resolve", R"({"summary":"Fixed the problem"})"},                                    // 8
      {handler, "return", R"({"reason":"SECRET-RETURN"})"},                                          // 9
      {&reporter, "evaluate", R"({"rating":"satisfied","score":5,"comment":"SECRET-COMMENT"})"},     // 10
      {&reporter, "evaluate", R"({"rating":"dissatisfied","comment":"SECRET-COMMENT"})"},            // 11
      {&reporter, "evaluate", R"({"rating":"basically_satisfied"})"},                                // 12
      {&community, "close", "{}"},                                                                   // 13
      {&supervisor_, "supervise", R"({"note":"SECRET-SUPERVISE"})"},                                 // 14
      {&supervisor_, "supervise", R"({"note":"SECRET-SUPERVISE","due_at":")" + later + R"("})"},     // 15
      {&community, "mark_duplicate", R"({"duplicate_of":")" + demand_ids_[rng_() % demand_ids_.size()] + R"("})"},  // 16
  };
  // Usually a command that fits the status; sometimes any (mostly refused).
  std::vector<size_t> fits;
  switch (state->status) {
    case DemandStatus::kRaised: fits = {0, 0, 1, 2}; break;
    case DemandStatus::kAccepted: fits = {3, 4, 5, 15}; break;
    case DemandStatus::kAssigned: fits = {6, 7, 8, 8, 9, 5, 14, 15}; break;
    case DemandStatus::kResolved: fits = {10, 11, 12, 13}; break;
    default: break;
  }
  size_t pick = !fits.empty() && rng_() % 4 ? fits[rng_() % fits.size()] : rng_() % menu.size();
  const Cmd& c = menu[pick];
  auto r = service_->Demand(*c.who, id, c.name, c.body, CommandMeta{});
  if (r.ok()) return Status::OK();
  switch (r.status().code()) {
    case Status::Code::kForbidden:
    case Status::Code::kInvalidTransition:
    case Status::Code::kValidationFailed:
    case Status::Code::kVersionConflict:
      return Status::OK();  // refused: appends nothing, as the workload intends
    default:
      return r.status();
  }
}

namespace {

template <typename T>
std::string Or(const Result<T>& r, std::string (*json)(const T&)) {
  return r.ok() ? json(*r) : "error: " + r.status().ToString();
}

}  // namespace

std::vector<std::string> DumpReadModels(const ReadModels& views, const Driver& d, std::optional<uint64_t> as_of) {
  std::vector<std::string> out;
  for (const std::string& id : d.demand_ids()) {
    auto v = views.Demand(id, as_of);
    out.push_back(v.ok() ? DemandViewJson(*v, DemandViewRender{std::nullopt, std::nullopt, true})
                         : "error: " + v.status().ToString());
    out.push_back(Or<DemandHistory>(views.History(id, as_of), DemandHistoryJson));
  }
  std::vector<DemandQuery> queries;
  queries.push_back(DemandQuery{});
  for (const std::string& s : d.site_ids()) {
    DemandQuery q;
    q.site_id = s;
    queries.push_back(q);
    for (const char* st : {"open", "raised", "accepted", "assigned", "resolved", "closed", "declined"}) {
      q.status = st;
      queries.push_back(q);
    }
    q.status.reset();
    q.overdue = true;
    queries.push_back(q);
    q.overdue = false;
    q.status = "open";
    queries.push_back(q);
  }
  for (const std::string& u : d.unit_ids()) {
    DemandQuery q;
    q.unit_id = u;
    queries.push_back(q);
    q.status = "assigned";
    queries.push_back(q);
  }
  for (const char* st : {"open", "closed"}) {
    DemandQuery q;
    q.status = st;
    queries.push_back(q);
  }
  DemandQuery overdue;
  overdue.overdue = true;
  queries.push_back(overdue);
  for (DemandQuery q : queries) {
    q.as_of = as_of;
    q.limit = 7;
    std::string all;
    for (int page = 0; page < 1000; ++page) {
      auto p = views.Demands(q);
      if (!p.ok()) {
        all += "error: " + p.status().ToString();
        break;
      }
      DemandPage copy = *p;
      copy.next_cursor.reset();  // cursors name the position; compare the items
      all += DemandPageJson(copy) + "\n";
      if (!p->next_cursor) break;
      q.cursor = p->next_cursor;
    }
    out.push_back(std::move(all));
  }
  for (const std::string& s : d.site_ids()) {
    auto l = views.Ledger(s, as_of);
    if (l.ok()) l->as_of = 0;  // the position answered at differs between "now" and as_of
    out.push_back(Or<SiteLedger>(l, SiteLedgerJson));
  }
  return out;
}

::testing::AssertionResult SameAnswer(const std::string& a, const std::string& b) {
  if (a == b) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  size_t from = i > 120 ? i - 120 : 0;
  return ::testing::AssertionFailure() << "answers differ at byte " << i << ":\n  " << a.substr(from, 300)
                                       << "\n  " << b.substr(from, 300);
}

std::vector<std::string> DumpUnversioned(const ReadModels& views, const Driver& d) {
  std::vector<std::string> out;
  for (const std::string& s : d.site_ids()) out.push_back(Or<PublicBoard>(views.Board(s, std::nullopt, 1000), PublicBoardJson));
  std::vector<AuditQuery> queries(1);
  for (const std::string& s : d.site_ids()) {
    AuditQuery q;
    q.site_id = s;
    queries.push_back(q);
    q.type = "demand.resolved";
    queries.push_back(q);
  }
  AuditQuery by_actor;
  by_actor.actor = "scheduler";
  queries.push_back(by_actor);
  AuditQuery by_type;
  by_type.type = "demand.raised";
  by_type.from = kT0 + 10 * kMicrosPerDay;
  by_type.to = kT0 + 40 * kMicrosPerDay;
  queries.push_back(by_type);
  AuditQuery access;
  access.include_access = true;
  queries.push_back(access);
  for (AuditQuery q : queries) {
    q.limit = 50;
    std::string all;
    for (int page = 0; page < 10000; ++page) {
      auto p = views.Audit(q);
      if (!p.ok()) {
        all += "error: " + p.status().ToString();
        break;
      }
      AuditPage copy = *p;
      copy.next_cursor.reset();
      all += AuditPageJson(copy) + "\n";
      if (!p->next_cursor) break;
      q.cursor = p->next_cursor;
    }
    out.push_back(std::move(all));
  }
  return out;
}

}  // namespace redledger::testing
