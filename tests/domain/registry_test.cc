// Registry, policy and principal commands: decide, fold, refuse.
#include <gtest/gtest.h>

#include "domain/domain_fixture.h"

namespace redledger::testing {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  Result<RegistryDecision> Run(const Principal& a, std::string_view cmd, std::string_view target, std::string_view body,
                               Micros now = kT0) {
    auto parsed = ParseRegistryCommand(cmd, target, body);
    if (!parsed.ok()) return parsed.status();
    auto d = DecideRegistry(*parsed, a, now, w.registry, "new-id");
    if (d.ok()) w.Apply(w.log.Append(d->events, a.ToActor(), now));
    return d;
  }
  World w;
};

TEST_F(RegistryTest, WorldIsFoldedFromEvents) {
  const Site* s1 = w.registry.FindSite("s1");
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->compound_ids, std::vector<std::string>{"c1"});
  EXPECT_EQ(s1->grid_ids, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(s1->unit_ids, std::vector<std::string>{"u2"});
  EXPECT_EQ(w.registry.FindUnit("u2")->site_ids, std::vector<std::string>{"s1"});
  EXPECT_EQ(w.registry.FindGrid("g1")->leader, "Wang");
  EXPECT_EQ(w.registry.FindCompound("c2")->site_id, "s2");
  EXPECT_EQ(w.principals.Find("h-1")->unit_id, "u1");
  EXPECT_TRUE(w.principals.Find("h-1")->all_sites);
  EXPECT_EQ(w.principals.Find("gl-1")->grid_ids, std::vector<std::string>{"g1"});
}

TEST_F(RegistryTest, CommunityManagesOnlyItsSites) {
  auto r = Run(w.community, "update_site", "s1", R"j({"name":"Site One (renamed)"})j");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(w.registry.FindSite("s1")->name, "Site One (renamed)");
  EXPECT_EQ(w.registry.FindSite("s1")->district, "Nangang");
  EXPECT_EQ(Run(w.community, "register_compound", "s2", R"({"name":"x"})").status().code(), Status::Code::kForbidden);
  EXPECT_EQ(Run(w.handler, "register_compound", "s1", R"({"name":"x"})").status().code(), Status::Code::kForbidden);
  EXPECT_EQ(Run(w.community, "register_site", "", R"({"name":"x"})").status().code(), Status::Code::kForbidden);
  EXPECT_EQ(Run(w.community, "register_grid", "s9", R"({"name":"x"})").status().code(), Status::Code::kNotFound);
  r = Run(w.community, "record_activity", "s1", R"({"kind":"theme_party_day","held_at":"2026-03-01T09:00:00+08:00"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(w.registry.FindSite("s1")->activity_count, 1);
  r = Run(w.community, "record_activity", "s1", R"({"kind":"party","held_at":"2030-01-01T00:00:00Z"})");
  ASSERT_EQ(r.status().code(), Status::Code::kValidationFailed);
  EXPECT_EQ(r.status().errors().size(), 2u);
}

TEST_F(RegistryTest, ValidationAndDuplicates) {
  auto r = Run(w.admin, "register_site", "", R"({"site_id":"s1","name":"","district":"d","street":"s","community":"c","construction_mode":"shared"})");
  ASSERT_EQ(r.status().code(), Status::Code::kValidationFailed);
  std::vector<std::string> fields;
  Status st = r.status();
  for (const auto& e : st.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"site_id", "name", "construction_mode"}));
  EXPECT_EQ(Run(w.admin, "register_unit", "", R"({"unit_id":"Bad Id","name":"n","kind":"property_branch"})").status().field(),
            "unit_id");
  EXPECT_EQ(Run(w.admin, "pair_unit", "u2", R"({"site_id":"s1"})").status().field(), "site_id") << "already paired";
  EXPECT_EQ(Run(w.admin, "pair_unit", "u9", R"({"site_id":"s1"})").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Run(w.admin, "register_unit", "", R"({"name":"n","kind":"property_branch","extra":1})").status().field(),
            "extra");
  auto created = Run(w.admin, "register_unit", "", R"({"name":"Owners","kind":"owner_committee"})");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->id, "new-id");
  EXPECT_TRUE(created->creates_stream);
}

TEST_F(RegistryTest, PrincipalsAreValidatedAgainstTheRegistry) {
  auto reg = [&](std::string_view body) {
    auto c = ParseRegisterPrincipal(body);
    if (!c.ok()) return c.status();
    return DecideRegisterPrincipal(*c, w.admin, w.registry, "p-new").status();
  };
  EXPECT_EQ(reg(R"({"name":"x","role":"handler","sites":"*"})").field(), "unit_id");
  EXPECT_EQ(reg(R"({"name":"x","role":"grid_leader","sites":["s2"],"grid_ids":["g1"]})").field(), "grid_ids[0]");
  EXPECT_EQ(reg(R"({"name":"x","role":"wizard","sites":["s1"]})").field(), "role");
  EXPECT_EQ(reg(R"({"name":"x","role":"resident","sites":["s9"]})").field(), "sites[0]");
  EXPECT_EQ(reg(R"({"name":"x","role":"resident","sites":"all"})").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(reg(R"({"name":"x","role":"resident"})").field(), "sites");
  auto c = ParseRegisterPrincipal(R"({"name":"x","role":"resident","sites":["s1"]})");
  EXPECT_EQ(DecideRegisterPrincipal(*c, w.community, w.registry, "p").status().code(), Status::Code::kForbidden);

  auto revoke = DecideRevokePrincipal("res-1", w.admin, w.principals);
  ASSERT_TRUE(revoke.ok());
  ASSERT_EQ(revoke->size(), 1u);
  w.Apply(w.log.Append(*revoke, w.admin.ToActor(), kT0));
  EXPECT_TRUE(w.principals.Find("res-1")->revoked);
  EXPECT_TRUE(DecideRevokePrincipal("res-1", w.admin, w.principals)->empty()) << "revoking twice appends nothing";
  EXPECT_EQ(DecideRevokePrincipal("nobody", w.admin, w.principals).status().code(), Status::Code::kNotFound);
}

TEST_F(RegistryTest, PolicyTakesEffectFromItsMonth) {
  auto set = [&](std::string_view body, Micros now) -> Status {
    auto c = ParseSetPolicy(body);
    if (!c.ok()) return c.status();
    auto e = DecideSetPolicy(*c, w.admin, now, w.policies);
    if (!e.ok()) return e.status();
    w.Apply(w.log.Append(*e, w.admin.ToActor(), now));
    return Status::OK();
  };
  const Policy& before = w.policies.At(kT0);
  EXPECT_EQ(before.weights.at("resolution"), 50);
  EXPECT_EQ(before.resolve_hours[2], 360);
  ASSERT_TRUE(set(R"({"effective_from":"2026-04","resolve_hours":{"routine":240},"weights":{"response":20,"resolution":40,"satisfaction":40}})",
                  kT0).ok());
  EXPECT_EQ(w.policies.At(kT0).resolve_hours[2], 360) << "not before April";
  Micros april = *ParseRfc3339("2026-04-01T00:00:00+08:00");
  EXPECT_EQ(w.policies.At(april - 1).resolve_hours[2], 360);
  EXPECT_EQ(w.policies.At(april).resolve_hours[2], 240);
  EXPECT_EQ(w.policies.At(april).weights.at("response"), 20);
  EXPECT_EQ(w.policies.At(april).resolve_hours[0], 24) << "absent fields keep the policy in force";
  EXPECT_EQ(w.policies.ForMonth({2026, 3}).weights.at("response"), 10);
  EXPECT_EQ(w.policies.ForMonth({2026, 5}).weights.at("response"), 20);

  Status st = set(R"({"effective_from":"2026-02","weights":{"response":60},"categories":["Lift"],"evaluation_window_days":0})", kT0);
  ASSERT_EQ(st.code(), Status::Code::kValidationFailed);
  std::vector<std::string> fields;
  for (const auto& e : st.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"effective_from", "weights", "evaluation_window_days", "categories[0]"}));
  EXPECT_EQ(set(R"({"effective_from":"2026-05","weights":{"response":"10"}})", kT0).field(), "weights.response");
  auto c = ParseSetPolicy(R"({"effective_from":"2026-05"})");
  EXPECT_EQ(DecideSetPolicy(*c, w.supervisor, kT0, w.policies).status().code(), Status::Code::kForbidden);
}

}  // namespace
}  // namespace redledger::testing
