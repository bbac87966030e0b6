// The auth matrix (DESIGN §3): every role against every command, with site,
// unit and grid scope: allowed (2xx) or 403, nothing else.
#include <set>

#include "api/api_fixture.h"

namespace redledger::testing {
namespace {

class AuthMatrixTest : public ApiTest {};

const std::vector<std::string> kRoles = {"resident",   "resident2",  "grid_leader",    "handler",
                                         "handler2",   "community",  "community2",     "supervisor",
                                         "supervisor_all", "inspector", "admin"};

struct DemandCase {
  std::string command;
  std::string from;  // the status the demand is put in first
  std::string body;
  std::set<std::string> allowed;
};

TEST_F(AuthMatrixTest, DemandCommands) {
  const std::vector<DemandCase> cases = {
      {"accept", "raised", "{}", {"community"}},
      {"decline", "raised", R"({"reason":"not ours"})", {"community"}},
      {"assign", "accepted", R"({"unit_id":"u-1"})", {"community"}},
      {"publicize", "accepted", R"({"notice":"Work starts Monday.","days":7})", {"community"}},
      {"return", "assigned", R"({"reason":"not our building"})", {"handler"}},
      {"progress", "assigned", R"({"note":"Valves replaced.","visibility":"public"})", {"handler"}},
      {"resolve", "assigned", R"({"summary":"Pump replaced."})", {"handler"}},
      {"supervise", "assigned", R"({"note":"Report by Friday."})", {"supervisor", "supervisor_all"}},
      {"evaluate", "resolved", R"({"rating":"satisfied","score":5})", {"resident"}},
      {"close", "resolved", "{}", {"community"}},
  };
  for (const DemandCase& c : cases) {
    for (const std::string& role : kRoles) {
      std::string id = DemandIn(c.from);
      auto r = Post("/v1/demands/" + id + "/" + c.command, c.body, tokens[role]);
      const int want = c.allowed.count(role) ? 200 : 403;
      EXPECT_EQ(r.status, want) << c.command << " by " << role << ": " << r.body;
    }
  }
}

TEST_F(AuthMatrixTest, MarkDuplicate) {
  for (const std::string& role : kRoles) {
    std::string survivor = Raise("Survivor");
    std::string dup = Raise("Duplicate");
    auto r = Post("/v1/demands/" + dup + "/mark_duplicate", R"({"duplicate_of":")" + survivor + R"("})", tokens[role]);
    EXPECT_EQ(r.status, role == "community" ? 200 : 403) << role << ": " << r.body;
  }
}

TEST_F(AuthMatrixTest, RaiseByResidentsAndGridLeadersInTheirSitesAndGrids) {
  std::string body = RaiseBody("s-1");
  body.replace(body.find("cmp-s-1"), 7, world["compound-s-1"]);
  // A grid leader raises in one of its grids.
  std::string in_grid = body;
  in_grid.replace(in_grid.find("\"building\""), 0, "\"grid_id\":\"" + world["grid-s-1"] + "\",");
  for (const std::string& role : kRoles) {
    const bool allowed = role == "resident" || role == "resident2" || role == "grid_leader";
    auto r = Post("/v1/demands", role == "grid_leader" ? in_grid : body, tokens[role]);
    EXPECT_EQ(r.status, allowed ? 201 : 403) << role << ": " << r.body;
  }
  // Out of site scope: a resident of s-1 raising at s-2.
  std::string other = RaiseBody("s-2");
  other.replace(other.find("cmp-s-2"), 7, world["compound-s-2"]);
  EXPECT_EQ(Post("/v1/demands", other, tokens["resident"]).status, 403);
  // Out of grid scope: the grid leader naming s-2's grid.
  std::string grid = body;
  grid.replace(grid.find("\"building\""), 0, "\"grid_id\":\"" + world["grid-s-2"] + "\",");
  EXPECT_EQ(Post("/v1/demands", grid, tokens["grid_leader"]).status, 403);
}

TEST_F(AuthMatrixTest, HandlersActOnlyForTheirUnitAndCommunityOnlyInItsSites) {
  std::string id = DemandIn("assigned");  // assigned to u-1 at s-1
  EXPECT_EQ(Post("/v1/demands/" + id + "/progress", R"({"note":"n","visibility":"internal"})", tokens["handler2"]).status, 403);
  EXPECT_EQ(Post("/v1/demands/" + id + "/publicize", R"({"notice":"n","days":3})", tokens["community2"]).status, 403);
  EXPECT_EQ(Post("/v1/demands/" + id + "/publicize", R"({"notice":"n","days":3})", tokens["community"]).status, 200);
}

TEST_F(AuthMatrixTest, RegistryAndAdministration) {
  struct Case {
    std::string path, body;
    std::set<std::string> allowed;
  };
  int n = 0;
  auto fresh = [&n] { return std::to_string(++n); };
  for (const std::string& role : kRoles) {
    const std::string k = fresh();
    const std::vector<Case> cases = {
        {"/v1/sites",
         R"({"site_id":"s-new-)" + k + R"(","name":"N","district":"D","street":"S","community":"C","construction_mode":"separate"})",
         {"admin"}},
        {"/v1/sites/s-1/compounds", R"({"name":"Garden )" + k + R"("})", {"admin", "community"}},
        {"/v1/sites/s-1/grids", R"({"name":"Grid )" + k + R"("})", {"admin", "community"}},
        {"/v1/sites/s-1/activities", R"({"kind":"joint_meeting","held_at":"2022-07-01T09:00:00+08:00"})",
         {"admin", "community"}},
        {"/v1/principals", R"({"name":"P","role":"resident","sites":["s-1"]})", {"admin"}},
        {"/v1/policy",
         R"({"effective_from":"2030-0)" + std::to_string(1 + n % 9) +
             R"(","timezone":"+08:00","weights":{"response":10,"resolution":50,"satisfaction":40},"basically_satisfied_factor":900,"response_hours":{"emergency":2,"urgent":24,"routine":72},"resolve_hours":{"emergency":24,"urgent":72,"routine":360},"evaluation_window_days":7,"categories":["heating","lift","water","drainage","parking","sanitation","security","greening","noise","other"]})",
         {"admin"}},
    };
    for (const Case& c : cases) {
      auto r = Post(c.path, c.body, tokens[role]);
      EXPECT_EQ(r.status, c.allowed.count(role) ? 201 : 403) << c.path << " by " << role << ": " << r.body;
    }
    auto revoke = Call("DELETE", "/v1/principals/" + ids["resident2"], tokens[role]);
    if (role != "admin") EXPECT_EQ(revoke.status, 403) << role;
  }
}

TEST_F(AuthMatrixTest, RevokedPrincipalsAre401) {
  std::string token = tokens["resident2"];
  EXPECT_EQ(Get("/v1/sites", token).status, 200);
  auto r = Call("DELETE", "/v1/principals/" + ids["resident2"], tokens["admin"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Member(r.body, "revoked"), "true");
  EXPECT_EQ(Get("/v1/sites", token).status, 401);
  EXPECT_EQ(Call("DELETE", "/v1/principals/p-nosuchprincipal", tokens["admin"]).status, 404);
}

}  // namespace
}  // namespace redledger::testing
