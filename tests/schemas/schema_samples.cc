// Writes real output of the code that produces redledger's JSON, for
// validate_schemas.py to check against schemas/: the events the pure domain
// and the scoring module decide along one full demand lifecycle (including
// the scheduler's and notice.published, which the domain tests do not
// emit), and the bodies the projection, scoring, proof and HTTP modules
// render. Inputs of the renderers are folded from those events where a pure
// fold exists, built by hand otherwise: the schemas check shapes, and the
// shapes come from the renderers.
//
//   schema_samples EVENTS_FILE RESPONSES_FILE
//
// EVENTS_FILE gets one envelope (EnvelopeJson) per line, appended;
// RESPONSES_FILE one {"schema": "responses/<name>.schema.json", "body": …}
// per line, truncated first. Exits 1 naming the step when any step fails.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "http/error_map.h"
#include "redledger/access.h"
#include "redledger/checkpoint.h"
#include "redledger/codec.h"
#include "redledger/demand.h"
#include "redledger/encoding.h"
#include "redledger/http_server.h"
#include "redledger/policy.h"
#include "redledger/registry.h"
#include "redledger/scheduler.h"
#include "redledger/scoring.h"
#include "redledger/views.h"

namespace redledger {
namespace {

// 2022-07-21T08:00:00Z.
constexpr Micros kStart = 1658390400LL * kMicrosPerSecond;

[[noreturn]] void Die(const std::string& step, const Status& s) {
  std::fprintf(stderr, "schema_samples: %s: %s\n", step.c_str(), s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& step) {
  if (!r.ok()) Die(step, r.status());
  return std::move(r).value();
}

Principal Make(const char* id, Role role) {
  Principal p;
  p.id = id;
  p.name = id;
  p.role = role;
  p.all_sites = true;
  return p;
}

// A log as a store keeps it, folded into every pure model as it grows.
class World {
 public:
  explicit World(const char* events_path) : events_(events_path, std::ios::app) {}

  std::vector<Envelope> Append(const std::vector<DomainEvent>& decided, const Actor& actor) {
    std::vector<Envelope> out;
    for (const DomainEvent& d : decided) {
      Envelope e;
      e.position = ++head_;
      e.stream = d.stream;
      e.version = ++versions_[d.stream];
      e.type = d.type;
      e.event_id = NewUuidV4();
      e.recorded_at = now;
      e.actor = actor;
      e.data = d.data;
      // Stand-in ciphertext of the right size: nonce ‖ sealed plaintext ‖ tag.
      if (!d.personal.empty()) e.personal = RandomBytes(12 + d.personal.size() + 16);
      e.hash = LeafHash(e);
      for (Status s : {registry.Apply(e), policies.Apply(e), principals.Apply(e), scores.Apply(e)}) {
        if (!s.ok()) Die("fold " + e.type, s);
      }
      events_ << EnvelopeJson(e) << "\n";
      log.push_back(e);
      out.push_back(std::move(e));
    }
    return out;
  }

  void Registry(const Principal& a, const char* command, const char* target, const char* body, const char* new_id) {
    auto cmd = Must(ParseRegistryCommand(command, target, body), command);
    Append(Must(DecideRegistry(cmd, a, now, registry, new_id), command).events, a.ToActor());
  }

  // Decides `command` on `state` (folding the events of its stream back into it).
  void Demand(DemandState* state, const Principal& a, const char* command, const char* body,
              DemandState* other = nullptr) {
    auto cmd = Must(ParseDemandCommand(command, body), command);
    DecideContext ctx{registry, policies, other, state->version == 0 ? state->id : "", "r8c2kq4m7x3ab"};
    for (const Envelope& e : Append(Must(DecideDemand(*state, cmd, a, now, ctx), command), a.ToActor())) {
      DemandState* target = e.stream == DemandStream(state->id) ? state : other;
      *target = Must(EvolveDemand(*target, e), std::string("evolve ") + e.type);
    }
    now += kMicrosPerHour;
  }

  // Appends what the scheduler finds due for `state` now.
  void Schedule(DemandState* state) {
    for (const Envelope& e : Append(ScheduledEvents(*state, now), Actor::Scheduler()))
      *state = Must(EvolveDemand(*state, e), std::string("evolve ") + e.type);
  }

  Micros now = kStart;
  redledger::Registry registry;
  PolicyBook policies;
  Principals principals;
  ScoreBook scores;
  std::vector<Envelope> log;

 private:
  std::ofstream events_;
  uint64_t head_ = 0;
  std::map<std::string, uint64_t> versions_;
};

}  // namespace
}  // namespace redledger

int main(int argc, char** argv) {
  using namespace redledger;
  if (argc != 3) {
    std::fprintf(stderr, "usage: schema_samples EVENTS_FILE RESPONSES_FILE\n");
    return 2;
  }
  World w(argv[1]);
  std::ofstream responses(argv[2], std::ios::trunc);
  auto body = [&](const char* schema, const std::string& json) {
    responses << "{\"schema\":\"responses/" << schema << ".schema.json\",\"body\":" << json << "}\n";
  };

  Principal admin = Make("admin", Role::kAdmin), community = Make("pcomm", Role::kCommunity),
            supervisor = Make("psup", Role::kSupervisor), leader = Make("pgl", Role::kGridLeader),
            handler = Make("ph", Role::kHandler);
  leader.all_sites = false;
  leader.sites = {"site-001"};
  leader.grid_ids = {"grd1"};
  handler.unit_id = "unit-wy01";

  // Registry, policy and principals.
  w.Registry(admin, "register_site", "",
             R"({"site_id":"site-001","name":"Hexing","district":"Nangang","street":"Hexing Road",)"
             R"("community":"Hexing","construction_mode":"joint"})",
             "");
  w.Registry(community, "update_site", "site-001", R"({"construction_mode":"stationed"})", "");
  w.Registry(community, "register_compound", "site-001", R"({"name":"Hexing Garden"})", "cmp1");
  w.Registry(community, "register_grid", "site-001", R"({"name":"Grid 1","leader":"Zhang Wei"})", "grd1");
  w.Registry(admin, "register_unit", "", R"({"unit_id":"unit-wy01","name":"Property branch","kind":"property_branch"})", "");
  w.Registry(admin, "register_unit", "", R"({"name":"Housing Bureau","kind":"municipal_unit"})", "unit-sj07");
  w.Registry(community, "pair_unit", "unit-sj07", R"({"site_id":"site-001"})", "");
  w.Registry(community, "record_activity", "site-001", R"({"kind":"joint_meeting","held_at":"2022-07-20T09:00:00+08:00"})",
             "act1");
  w.Append(Must(DecideSetPolicy(Must(ParseSetPolicy(R"({"effective_from":"2022-08","weights":{"response":20,)"
                                                    R"("resolution":40,"satisfaction":40}})"),
                                     "policy"),
                                admin, w.now, w.policies),
                "policy"),
           admin.ToActor());
  auto principal = Must(ParseRegisterPrincipal(R"({"name":"Wang","role":"handler","sites":["site-001"],"unit_id":"unit-wy01"})"),
                        "principal");
  w.Append(Must(DecideRegisterPrincipal(principal, admin, w.registry, "pwang"), "principal"), admin.ToActor());
  w.Append(Must(DecideRevokePrincipal("pwang", admin, w.principals), "revoke"), admin.ToActor());

  // Demands: one through every command, one closed as its duplicate, one
  // declined, one closed by hand and one by the scheduler.
  const char* raise =
      R"({"site_id":"site-001","category":"heating","title":"No heating","description":"Cold since October.",)"
      R"("urgency":"routine","channel":"grid_visit","location":{"compound_id":"cmp1","building":"B3","grid_id":"grd1"},)"
      R"("reporter":{"name":"Li Na","phone":"138 0013 1234"},)"
      R"("attachments":[{"url":"https://files.example/a.jpg","sha256":")"
      "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef\"}]}";
  DemandState d1, dup, declined, manual, idle;
  d1.id = "dq3m7k2x9p4ab";
  dup.id = "dz2k8m4q7c3ab";
  declined.id = "dm8x4n2c7v6bz";
  manual.id = "dw5t3r7y2u9ib";
  idle.id = "dk4j6h8g2f3da";
  for (DemandState* d : {&d1, &dup, &declined, &manual, &idle}) w.Demand(d, leader, "raise", raise);
  w.Demand(&declined, community, "decline", R"({"reason":"A private dispute."})");
  w.now += 100 * kMicrosPerHour;  // the response due time passes
  w.Schedule(&d1);
  w.Demand(&d1, community, "accept", R"({"note":"Joint meeting on 22 July."})");
  w.Demand(&d1, community, "publicize", R"({"notice":"Accepted; work starts 23 July.","days":7})");
  w.Demand(&d1, community, "assign", R"({"unit_id":"unit-wy01"})");
  w.Demand(&d1, handler, "return", R"({"reason":"Not ours."})");
  w.Demand(&d1, community, "assign", R"({"unit_id":"unit-wy01","note":"It is yours after all."})");
  w.Demand(&d1, handler, "progress", R"({"note":"Valves replaced.","visibility":"public"})");
  w.Demand(&d1, handler, "progress", R"({"note":"Invoice filed.","visibility":"internal"})");
  w.Demand(&d1, supervisor, "supervise", R"({"note":"Report by Friday."})");
  w.Demand(&d1, supervisor, "supervise", R"({"note":"Ten more days.","due_at":"2022-09-30T00:00:00Z"})");
  w.Demand(&d1, handler, "resolve", R"({"summary":"Pump replaced."})");
  w.Demand(&d1, leader, "evaluate", R"({"rating":"dissatisfied","comment":"Still cold at night."})");
  w.Demand(&dup, community, "mark_duplicate", R"({"duplicate_of":"dq3m7k2x9p4ab"})", &d1);
  w.Demand(&d1, handler, "resolve", R"({"summary":"Second pump replaced."})");
  w.Demand(&d1, leader, "evaluate", R"({"rating":"satisfied","score":5})");
  for (DemandState* d : {&manual, &idle}) {
    w.Demand(d, community, "accept", "{}");
    w.Demand(d, community, "assign", R"({"unit_id":"unit-wy01"})");
    w.Demand(d, handler, "resolve", R"({"summary":"Done."})");
  }
  w.Demand(&manual, community, "close", R"({"note":"The reporter moved away."})");
  w.now += 30 * kMicrosPerDay;  // the evaluation window elapses
  w.Schedule(&idle);
  uint64_t head = w.log.back().position;
  w.Append({Must(DecidePublishNotice(CivilMonth{2022, 7}, supervisor, w.now, head, w.scores), "publish")},
           supervisor.ToActor());

  // Scores and notices, folded from the log.
  PeriodScores july = w.scores.Scores(CivilMonth{2022, 7}, head);
  body("scores", ScoresJson(july));
  body("scores", ScoresJson(w.scores.Scores(CivilMonth{2022, 8}, head)));
  body("site_scores", Must(SiteScoresJson(july, "site-001"), "site scores"));
  body("notice", NoticeJson(w.scores.Notice(CivilMonth{2022, 7}, w.log.back().position), july));
  body("notice", NoticeJson(w.scores.Notice(CivilMonth{2022, 8}, head), w.scores.Scores(CivilMonth{2022, 8}, head)));

  // Demand views: decrypted with internal notes, masked, erased.
  DemandView view;
  view.as_of = head;
  view.state = d1;
  view.notes.push_back(DemandNote{"progress", "public", "Valves replaced.", std::string("unit-wy01"), "ph", kStart, 9});
  view.notes.push_back(DemandNote{"accept", "internal", "Joint meeting.", std::nullopt, "pcomm", kStart, 7});
  body("demand", DemandViewJson(view, DemandViewRender{std::string("Li Na"), std::string("138 0013 1234"), true}));
  body("demand", DemandViewJson(view, DemandViewRender{std::string("L*"), std::string("138****1234"), false}));
  view.state = dup;
  body("demand", DemandViewJson(view, DemandViewRender{std::nullopt, std::nullopt, false}));
  std::vector<Envelope> d1_events;
  for (const Envelope& e : w.log)
    if (e.stream == DemandStream(d1.id)) d1_events.push_back(e);
  body("demand_history", DemandHistoryJson(DemandHistory{head, d1_events}));
  body("audit", AuditPageJson(AuditPage{w.log, std::string("c42")}));
  body("audit", AuditPageJson(AuditPage{}));

  // Lists, ledger and board from hand-built rows (their folds need a store).
  DemandListItem item{d1.id, "site-001", "heating", "No heating", "routine", "assigned", std::string("unit-wy01"),
                      true, kStart, 1};
  DemandListItem raised{dup.id, "site-001", "lift", "Lift stuck", "emergency", "raised", std::nullopt, false, kStart, 2};
  body("demand_list", DemandPageJson(DemandPage{head, {item, raised}, std::string("c2")}));
  body("demand_list", DemandPageJson(DemandPage{}));
  SiteLedger ledger;
  ledger.site_id = "site-001";
  ledger.as_of = head;
  ledger.counts.assigned = 1;
  ledger.counts.raised = 1;
  ledger.total = 2;
  ledger.open = 2;
  ledger.overdue = 1;
  ledger.open_items = {item, raised};
  ledger.overdue_items = {item};
  ledger.recent_resolutions.push_back(LedgerResolution{d1.id, "No heating", "unit-wy01", "Pump replaced.", kStart, true, 9});
  ledger.accept_count = 1;
  ledger.accept_seconds_total = 5400;
  body("ledger", SiteLedgerJson(ledger));
  SiteLedger empty;
  empty.site_id = "site-002";
  body("ledger", SiteLedgerJson(empty));
  BoardItem board_item;
  board_item.demand_id = d1.id;
  board_item.category = "heating";
  board_item.title = "No heating";
  board_item.status = "closed";
  board_item.compound_id = "cmp1";
  board_item.raised_at = kStart;
  board_item.closed_at = kStart + kMicrosPerDay;
  board_item.notice = "Accepted; work starts 23 July.";
  board_item.publicized_at = kStart;
  board_item.publicized_until = kStart + 7 * kMicrosPerDay;
  board_item.notes.push_back(BoardNote{"Valves replaced.", kStart});
  board_item.outcome = "Pump replaced.";
  board_item.rating = "satisfied";
  board_item.score = 5;
  body("public_board", PublicBoardJson(PublicBoard{"site-001", {board_item}, std::nullopt}));

  // Proofs.
  body("inclusion_proof", ProofJson(InclusionProofData{4, 10, {Sha256("a"), Sha256("b")}}));
  body("consistency_proof", ProofJson(ConsistencyProofData{4, 10, {Sha256("c")}}));
  body("consistency_proof", ProofJson(ConsistencyProofData{10, 10, {}}));

  // Error bodies, one per status code a request can end in.
  std::vector<Status> errors = {
      Status::InvalidArgument("unknown field", "colour"), Status::InvalidJson("not JSON"), Status::Unauthorized("no token"),
      Status::Forbidden("missing permission demand.accept"), Status::NotFound("demand not found"),
      Status::VersionConflict("expected version 3", 4), Status::InvalidTransition("cannot resolve", "raised"),
      Status::PayloadTooLarge("body over 65536 bytes"), Status::UnsupportedMediaType("not application/json"),
      Status::ValidationFailed({{"title", "is required"}, {"location.compound_id", "unknown compound"}}),
      Status::IdempotencyKeyReused("another body"), Status::RateLimited("slow down"), Status::Unavailable("catching up"),
      Status::Internal("bug")};
  for (const Status& s : errors) body("error", http::ErrorResponse(s, "r-1").body);
  body("error", http::MethodNotAllowed("GET, POST", "r-2").body);
  return responses.good() ? 0 : 1;
}
