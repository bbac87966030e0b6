#include "redledger/demo.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>

#include "redledger/auth.h"
#include "redledger/command_service.h"
#include "redledger/log_verifier.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

using testing::TempDir;

// A fresh memory store on a fake clock, a vault and a credential store.
struct Fixture {
  Fixture() {
    StoreOptions options;
    options.clock = &clock;
    store = NewMemoryEventStore(options);
    auto v = Vault::Open(dir.path() + "/vault", VaultOptions{.sync = false});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    vault = std::move(*v);
    auto c = CredentialStore::Open(dir.path() + "/credentials");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    credentials = std::move(*c);
  }
  DemoReport Seed(const DemoOptions& options) {
    auto r = SeedDemo(store.get(), vault.get(), &clock, credentials.get(), options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : DemoReport{};
  }
  std::vector<Envelope> All() const {
    std::vector<Envelope> out;
    EXPECT_TRUE(store->Scan(0, store->Head(), [&](const Envelope& e) {
      out.push_back(e);
      return true;
    }).ok());
    return out;
  }

  TempDir dir;
  FakeClock clock;
  std::unique_ptr<EventStore> store;
  std::unique_ptr<Vault> vault;
  std::unique_ptr<CredentialStore> credentials;
};

bool Has(const std::string& data, const std::string& fragment) { return data.find(fragment) != std::string::npos; }

// The default data set and two small runs, each seeded once for the whole
// binary (setup is the expensive part).
Fixture* default_fixture = nullptr;
DemoReport* default_report = nullptr;
Fixture *small_one = nullptr, *small_two = nullptr;
DemoReport *small_a = nullptr, *small_b = nullptr;

// Two months at about the default's monthly rate, twice with the same seed:
// once with a credential store, once without.
DemoOptions Small() {
  DemoOptions o;
  o.seed = 7;
  o.demands = 200;
  o.months = 2;
  return o;
}

class DemoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    default_fixture = new Fixture;
    default_report = new DemoReport(default_fixture->Seed(DemoOptions{}));
    small_one = new Fixture;
    small_two = new Fixture;
    small_a = new DemoReport(small_one->Seed(Small()));
    auto b = SeedDemo(small_two->store.get(), small_two->vault.get(), &small_two->clock, nullptr, Small());
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    small_b = new DemoReport(b.ok() ? *b : DemoReport{});
  }
  void TearDown() override {
    delete default_report;
    delete default_fixture;
    delete small_a;
    delete small_b;
    delete small_one;
    delete small_two;
  }
};
::testing::Environment* const kEnvironment = ::testing::AddGlobalTestEnvironment(new DemoEnvironment);

class DefaultDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = default_fixture;
    report_ = default_report;
  }
  Fixture* fixture_ = nullptr;
  DemoReport* report_ = nullptr;
};

class SmallDemoTest : public DefaultDemoTest {
 protected:
  void SetUp() override {
    DefaultDemoTest::SetUp();
    one_ = small_one;
    two_ = small_two;
    a_ = small_a;
    b_ = small_b;
  }
  Fixture *one_ = nullptr, *two_ = nullptr;
  DemoReport *a_ = nullptr, *b_ = nullptr;
};

TEST_F(DefaultDemoTest, HasTheReportsScale) {
  const DemoReport& r = *report_;
  EXPECT_EQ(r.sites, 100u);
  EXPECT_EQ(r.compounds, 429u);
  EXPECT_EQ(r.grids, 695u);
  EXPECT_EQ(r.units_by_kind.at("municipal_unit"), 109u);
  EXPECT_EQ(r.units_by_kind.at("district_unit"), 298u);
  EXPECT_EQ(r.units_by_kind.at("owner_committee"), 4u);
  EXPECT_EQ(r.units_by_kind.at("functional_branch"), 48u);
  EXPECT_GE(r.units_by_kind.at("property_branch"), 100u);
  EXPECT_GE(r.units_by_kind.at("co_building_unit"), 400u);
  EXPECT_EQ(r.sites_by_mode.size(), 3u);  // separate, joint and stationed all appear
  EXPECT_EQ(r.activities, 100u * 12 * 2);  // a joint meeting and a theme party day a month
  EXPECT_EQ(r.demands, DemoOptions{}.demands);
  EXPECT_NEAR(static_cast<double>(r.resolved), 1074.0, 1074 * 0.03);
  EXPECT_EQ(r.notices, 12u);
  EXPECT_EQ(r.events_by_type.at("policy.set"), 2u);
  EXPECT_EQ(r.events, fixture_->store->Head());
  EXPECT_EQ(FormatMonth(r.first_month), "2022-01");
  EXPECT_EQ(FormatMonth(r.last_month), "2022-12");
  // Some demands of late December are still open when the run ends.
  EXPECT_GT(r.demands_by_status.count("assigned") + r.demands_by_status.count("accepted"), 0u);
  uint64_t by_status = 0;
  for (const auto& [s, n] : r.demands_by_status) by_status += n;
  EXPECT_EQ(by_status, r.demands);
}

TEST_F(DefaultDemoTest, EveryLifecyclePathAppears) {
  const DemoReport& r = *report_;
  for (const char* type :
       {"demand.raised", "demand.accepted", "demand.declined", "demand.assigned", "demand.returned",
        "demand.publicized", "demand.progress_reported", "demand.supervised", "demand.resolved", "demand.evaluated",
        "demand.reopened", "demand.closed", "demand.reporter_linked", "demand.overdue", "site.registered",
        "compound.registered", "grid.registered", "unit.registered", "unit.paired", "site.activity_recorded",
        "policy.set", "notice.published", "principal.registered"}) {
    EXPECT_GT(r.events_by_type.count(type) ? r.events_by_type.at(type) : 0, 0u) << type;
  }
  for (const char* reason : {"evaluated", "manual", "duplicate", "evaluation_window_elapsed"}) {
    EXPECT_GT(r.closed_by_reason.count(reason) ? r.closed_by_reason.at(reason) : 0, 0u) << reason;
  }
  // Variants inside the event data.
  std::map<std::string, int> seen;
  std::set<std::string> reassigned_after_assign;
  for (const Envelope& e : fixture_->All()) {
    const std::string& d = e.data;
    if (e.type == "demand.supervised") ++seen[Has(d, "\"extended\":true") ? "extended" : "urged"];
    if (e.type == "demand.overdue") ++seen[Has(d, "\"kind\":\"response\"") ? "overdue response" : "overdue resolve"];
    if (e.type == "demand.progress_reported") ++seen[Has(d, "\"visibility\":\"public\"") ? "public" : "internal"];
    if (e.type == "demand.resolved") ++seen[Has(d, "\"on_time\":true") ? "on time" : "late"];
    if (e.type == "demand.evaluated") {
      for (const char* rating : {"\"satisfied\"", "\"basically_satisfied\"", "\"dissatisfied\""}) {
        if (Has(d, rating)) ++seen[rating];
      }
    }
    if (e.type == "demand.assigned" && !Has(d, "\"previous_unit_id\":null")) ++seen["reassigned directly"];
    if (e.type == "demand.raised") {
      ++seen[e.actor.role == "resident" ? "raised by resident" : "raised by grid leader"];
      if (!Has(d, "\"attachments\":[]")) ++seen["attachment"];
    }
    if (e.actor.role == "system") ++seen["scheduler"];
  }
  for (const char* v : {"extended", "urged", "overdue response", "overdue resolve", "public", "internal", "on time",
                        "late", "\"satisfied\"", "\"basically_satisfied\"", "\"dissatisfied\"", "reassigned directly",
                        "raised by resident", "raised by grid leader", "attachment", "scheduler"}) {
    EXPECT_GT(seen[v], 0) << v;
  }
}

TEST_F(DefaultDemoTest, LogVerifies) {
  VerifyReport v;
  Status s = VerifyLog(*fixture_->store, {}, &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(v.events, report_->events);
}

TEST_F(DefaultDemoTest, TimesFollowTheFakeClockThroughTheYear) {
  EXPECT_EQ(FormatRfc3339(report_->first_event_at).substr(0, 10), "2021-12-29");
  EXPECT_EQ(FormatRfc3339(report_->last_event_at).substr(0, 10), "2023-01-03");
}

TEST_F(DefaultDemoTest, TokensAuthenticateAsOnePrincipalPerRole) {
  auto service = CommandService::Open(fixture_->store.get(), fixture_->vault.get(), &fixture_->clock);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  auto snapshot = (*service)->Snapshot();
  Authenticator auth(fixture_->credentials.get(),
                     [&](std::string_view id) -> std::optional<Principal> {
                       const Principal* p = snapshot->principals.Find(id);
                       return p ? std::optional<Principal>(*p) : std::nullopt;
                     },
                     std::nullopt);
  std::set<std::string> roles;
  for (const DemoToken& t : report_->tokens) {
    auto p = auth.Authenticate("Bearer " + t.token);
    ASSERT_TRUE(p.ok()) << t.role << ": " << p.status().ToString();
    EXPECT_EQ(p->id, t.principal_id);
    EXPECT_EQ(RoleName(p->role), t.role);
    roles.insert(t.role);
  }
  EXPECT_EQ(roles, (std::set<std::string>{"admin", "supervisor", "inspector", "community", "handler", "grid_leader",
                                          "resident"}));
  // The sample demand is at the sample site, where the community token acts.
  auto demand = (*service)->LoadDemand(report_->sample_demand_id);
  ASSERT_TRUE(demand.ok()) << demand.status().ToString();
  EXPECT_EQ(demand->site_id, report_->sample_site_id);
  EXPECT_TRUE(demand->publicized);
}

TEST_F(DefaultDemoTest, ReportersAreSyntheticWithFakePhones) {
  const std::regex fake_phone("13[5-9] 0000 [0-9]{4}");
  int checked = 0;
  for (const Envelope& e : fixture_->All()) {
    if (e.type != "demand.raised" || checked >= 50) continue;
    auto subject_at = e.data.find("\"subject_id\":\"");
    ASSERT_NE(subject_at, std::string::npos);
    std::string subject = e.data.substr(subject_at + 14, e.data.find('"', subject_at + 14) - subject_at - 14);
    auto plain = fixture_->vault->Decrypt(subject, e.personal);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    auto phone_at = plain->find("\"phone\":\"");
    ASSERT_NE(phone_at, std::string::npos) << *plain;
    EXPECT_TRUE(std::regex_match(plain->substr(phone_at + 9, 13), fake_phone)) << *plain;
    EXPECT_FALSE(Has(e.data, "0000 ")) << "a phone number leaked into data: " << e.data;
    ++checked;
  }
  EXPECT_EQ(checked, 50);
}

TEST_F(DefaultDemoTest, BannerNamesEveryTokenAndUrl) {
  std::string banner = DemoBanner(*report_, "http://127.0.0.1:8080/");
  for (const DemoToken& t : report_->tokens) EXPECT_TRUE(Has(banner, "=" + t.token + " ")) << t.role;
  EXPECT_TRUE(Has(banner, "'http://127.0.0.1:8080/v1/sites/" + report_->sample_site_id + "/ledger'")) << banner;
  EXPECT_TRUE(Has(banner, "/v1/demands/" + report_->sample_demand_id + "'"));
  EXPECT_TRUE(Has(banner, "/v1/notices?period=2022-12"));
  EXPECT_TRUE(Has(banner, "/public/sites/" + report_->sample_site_id + "/board"));
  EXPECT_TRUE(Has(banner, "1,163 demands, ")) << banner;
  EXPECT_TRUE(Has(banner, " resolved; final status: "));
}

// Everything but the personal ciphertext (random nonces) and the hash over it.
void ExpectSameEvents(const std::vector<Envelope>& a, const std::vector<Envelope>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Envelope x = a[i], y = b[i];
    EXPECT_EQ(x.personal.empty(), y.personal.empty()) << "position " << x.position;
    x.personal = y.personal = "";
    x.hash = y.hash = Hash256{};
    ASSERT_EQ(x, y) << "position " << x.position << ": " << x.type << " " << x.data << " vs " << y.type << " "
                    << y.data;
  }
}

TEST_F(SmallDemoTest, SameSeedSameEventsModuloPersonalAndHash) {
  EXPECT_EQ(a_->events, b_->events);
  std::vector<Envelope> ea = one_->All(), eb = two_->All();
  ExpectSameEvents(ea, eb);
  // What is excluded really differs: the nonces are random.
  size_t sealed = 0, same_cipher = 0;
  for (size_t i = 0; i < ea.size(); ++i) {
    if (ea[i].personal.empty()) continue;
    ++sealed;
    if (ea[i].personal == eb[i].personal) ++same_cipher;
  }
  EXPECT_GT(sealed, 100u);
  EXPECT_EQ(same_cipher, 0u);
}

TEST_F(SmallDemoTest, AnotherSeedAnotherDataSet) {
  // Setup issues the same commands in the same order for any seed; only the
  // seed in the idempotency keys (and the drawn names) tells them apart.
  std::vector<Envelope> seven = one_->All(), one = fixture_->All();
  size_t same_ids = 0;
  for (size_t i = 0; i < 1000; ++i) same_ids += seven[i].event_id == one[i].event_id;
  EXPECT_EQ(same_ids, 0u);
}

TEST_F(SmallDemoTest, DemandsInFlightDoNotGrowWithTheRun) {
  // Six times the months at about the same rate: a generator holding every
  // demand would hold six times as many.
  ASSERT_GT(a_->peak_in_flight, 0u);
  EXPECT_LT(report_->peak_in_flight, a_->peak_in_flight * 2) << a_->peak_in_flight << " vs " << report_->peak_in_flight;
}

TEST_F(SmallDemoTest, WithoutCredentialsThePrincipalsAreNamedButNoTokens) {
  ASSERT_EQ(b_->tokens.size(), 7u);
  for (const DemoToken& t : b_->tokens) {
    EXPECT_EQ(t.principal_id, a_->tokens[&t - &b_->tokens[0]].principal_id);
    EXPECT_TRUE(t.token.empty());
  }
  EXPECT_TRUE(Has(DemoBanner(*b_, "http://h"), "no tokens were issued"));
}

TEST_F(DefaultDemoTest, OnlyAnEmptyStoreOnTheDemoClock) {
  DemoOptions options;
  auto again = SeedDemo(fixture_->store.get(), fixture_->vault.get(), &fixture_->clock, nullptr, options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kInvalidArgument);

  TempDir dir;
  auto store = NewMemoryEventStore(StoreOptions{});  // the system clock
  auto vault = Vault::Open(dir.path() + "/vault", VaultOptions{.sync = false});
  ASSERT_TRUE(vault.ok());
  FakeClock clock;
  auto r = SeedDemo(store.get(), vault->get(), &clock, nullptr, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(store->Head(), 1u);  // it stopped after the first event

  auto empty = NewMemoryEventStore(StoreOptions{});
  options.months = 0;
  EXPECT_EQ(SeedDemo(empty.get(), vault->get(), &clock, nullptr, options).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(empty->Head(), 0u);
}

}  // namespace
}  // namespace redledger
