#include "domain/domain_fixture.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

namespace redledger::testing {

void WriteSample(const Envelope& e) {
  static std::mutex mu;
  static std::map<std::string, int> written;  // by type: a few of each keep the schema check fast
  const char* path = std::getenv("REDLEDGER_EVENT_SAMPLES");
  if (!path || !*path) return;
  std::lock_guard<std::mutex> lock(mu);
  if (++written[e.type] > 25) return;
  std::ofstream out(path, std::ios::app);
  out << EnvelopeJson(e) << "\n";
}

std::vector<Envelope> FakeLog::Append(const std::vector<DomainEvent>& events, const Actor& actor, Micros now) {
  std::vector<Envelope> out;
  for (const DomainEvent& d : events) {
    Envelope e;
    e.position = ++position_;
    e.stream = d.stream;
    e.version = ++versions_[d.stream];
    e.type = d.type;
    e.event_id = NewUuidV4();
    e.recorded_at = now;
    e.actor = actor;
    auto canonical = CanonicalizeJson(d.data);
    EXPECT_TRUE(canonical.ok()) << d.data;
    EXPECT_EQ(canonical.ok() ? *canonical : "", d.data) << "event data is not in canonical form";
    e.data = d.data;
    if (!d.personal.empty()) e.personal = RandomBytes(12 + d.personal.size() + 16);
    e.hash = LeafHash(e);
    WriteSample(e);
    out.push_back(std::move(e));
  }
  return out;
}

namespace {

template <typename T>
T Ok(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

}  // namespace

World::World() {
  admin.id = "admin-1";
  admin.role = Role::kAdmin;
  admin.all_sites = true;
  auto reg = [&](std::string_view cmd, std::string_view target, std::string_view body, std::string_view new_id) {
    auto parsed = Ok(ParseRegistryCommand(cmd, target, body));
    auto d = Ok(DecideRegistry(parsed, admin, kT0, registry, new_id));
    Apply(log.Append(d.events, admin.ToActor(), kT0));
    return d.id;
  };
  const std::string site = R"(,"district":"Nangang","street":"Xinchun","community":"Hongqi","construction_mode":"joint"})";
  s1 = reg("register_site", "", R"({"site_id":"s1","name":"Site One")" + site, "unused");
  s2 = reg("register_site", "", R"({"name":"Site Two")" + site, "s2");
  c1 = reg("register_compound", s1, R"({"name":"Garden"})", "c1");
  c2 = reg("register_compound", s2, R"({"name":"Lakeside"})", "c2");
  g1 = reg("register_grid", s1, R"({"name":"Grid 1","leader":"Wang"})", "g1");
  g2 = reg("register_grid", s1, R"({"name":"Grid 2"})", "g2");
  g3 = reg("register_grid", s2, R"({"name":"Grid 3"})", "g3");
  u1 = reg("register_unit", "", R"({"unit_id":"u1","name":"Property branch","kind":"property_branch"})", "x");
  u2 = reg("register_unit", "", R"({"name":"District office","kind":"district_unit"})", "u2");
  reg("pair_unit", u2, R"({"site_id":"s1"})", "");

  auto principal = [&](const std::string& id, std::string_view body) {
    auto cmd = Ok(ParseRegisterPrincipal(body));
    Apply(log.Append(Ok(DecideRegisterPrincipal(cmd, admin, registry, id)), admin.ToActor(), kT0));
    return *principals.Find(id);
  };
  resident = principal("res-1", R"({"name":"R1","role":"resident","sites":["s1"]})");
  resident_other = principal("res-2", R"({"name":"R2","role":"resident","sites":["s2"]})");
  grid_leader = principal("gl-1", R"({"name":"GL1","role":"grid_leader","sites":["s1"],"grid_ids":["g1"]})");
  grid_leader_other = principal("gl-2", R"({"name":"GL2","role":"grid_leader","sites":["s1"],"grid_ids":["g2"]})");
  handler = principal("h-1", R"({"name":"H1","role":"handler","sites":"*","unit_id":"u1"})");
  handler_other = principal("h-2", R"({"name":"H2","role":"handler","sites":"*","unit_id":"u2"})");
  community = principal("com-1", R"({"name":"C1","role":"community","sites":["s1"]})");
  community_other = principal("com-2", R"({"name":"C2","role":"community","sites":["s2"]})");
  supervisor = principal("sup-1", R"({"name":"S","role":"supervisor","sites":"*"})");
  inspector = principal("ins-1", R"({"name":"I","role":"inspector","sites":"*"})");
}

void World::Apply(const std::vector<Envelope>& events) {
  for (const Envelope& e : events) {
    EXPECT_TRUE(registry.Apply(e).ok());
    EXPECT_TRUE(principals.Apply(e).ok());
    EXPECT_TRUE(policies.Apply(e).ok());
  }
}

DecideContext World::Context(const DemandState* duplicate_target) const {
  return DecideContext{registry, policies, duplicate_target, {}, {}};
}

std::string RaiseBody(const World& w, std::string_view urgency) {
  return R"({"site_id":")" + w.s1 + R"(","category":"lift","title":"电梯停运","description":"The lift in building 3 stopped.",)" +
         R"("urgency":")" + std::string(urgency) + R"(","channel":"app","location":{"compound_id":")" + w.c1 +
         R"(","building":"3","grid_id":")" + w.g1 + R"("},"reporter":{"name":"张三","phone":"+86 138-0000-1234"},)" +
         R"("attachments":[{"url":"https://files.example/1.jpg","sha256":")" + std::string(64, 'a') + R"("}]})";
}

}  // namespace redledger::testing
