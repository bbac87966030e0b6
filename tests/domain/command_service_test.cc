// CommandService over real stores and a real vault: the command path end to
// end, idempotent retries, If-Match, personal data sealing, and the
// scheduler's exactly-once behaviour across restarts and racing passes.
#include "redledger/command_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/domain_fixture.h"
#include "support/temp_dir.h"

namespace redledger::testing {
namespace {

Principal Admin() {
  Principal p;
  p.id = "admin";
  p.role = Role::kAdmin;
  p.all_sites = true;
  return p;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = Vault::Open(dir_.path() + "/vault", VaultOptions{.sync = false});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vault_ = std::move(*v);
    store_ = NewMemoryEventStore(StoreOptions{.sync = false, .clock = &clock_});
    svc_ = OpenService();
    Seed();
  }

  void TearDown() override {
    // Every envelope these tests stored, with real sealed personal parts.
    auto all = store_->ReadAll(0, 100000);
    ASSERT_TRUE(all.ok());
    for (const Envelope& e : *all) WriteSample(e);
  }

  std::unique_ptr<CommandService> OpenService() {
    auto s = CommandService::Open(store_.get(), vault_.get(), &clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  std::string Reg(std::string_view cmd, std::string_view target, std::string_view body) {
    auto r = svc_->RunRegistryCommand(admin_, cmd, target, body, {});
    EXPECT_TRUE(r.ok()) << cmd << ": " << r.status().ToString();
    return r.ok() ? r->id : "";
  }

  Principal NewPrincipal(std::string_view body) {
    auto r = svc_->RegisterPrincipal(admin_, body, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    const Principal* p = svc_->Snapshot()->principals.Find(r->id);
    EXPECT_NE(p, nullptr);
    return p ? *p : Principal{};
  }

  void Seed() {
    site_ = Reg("register_site", "", R"({"site_id":"s1","name":"One","district":"D","street":"S","community":"C","construction_mode":"separate"})");
    compound_ = Reg("register_compound", site_, R"({"name":"Garden"})");
    grid_ = Reg("register_grid", site_, R"({"name":"Grid"})");
    unit_ = Reg("register_unit", "", R"({"name":"Property","kind":"property_branch"})");
    resident_ = NewPrincipal(R"({"name":"R","role":"resident","sites":["s1"]})");
    grid_leader_ = NewPrincipal(R"({"name":"G","role":"grid_leader","sites":["s1"],"grid_ids":[")" + grid_ + R"("]})");
    community_ = NewPrincipal(R"({"name":"C","role":"community","sites":["s1"]})");
    handler_ = NewPrincipal(R"({"name":"H","role":"handler","sites":["s1"],"unit_id":")" + unit_ + R"("})");
  }

  std::string RaiseBody(std::string_view urgency = "routine", std::string_view phone = "13800001234") {
    return R"({"site_id":"s1","category":"water","title":"No water","description":"Since noon","urgency":")" +
           std::string(urgency) + R"(","channel":"hotline","location":{"compound_id":")" + compound_ +
           R"(","building":"7","grid_id":")" + grid_ + R"("},"reporter":{"name":"李四","phone":")" +
           std::string(phone) + R"("}})";
  }

  CommandResult Must(Result<CommandResult> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  std::vector<Envelope> Stream(const std::string& demand_id) {
    auto r = store_->ReadStream(DemandStream(demand_id), 1, EventStore::Direction::kForward, 1000);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<Envelope>{};
  }

  size_t Count(const std::string& demand_id, std::string_view type) {
    size_t n = 0;
    for (const Envelope& e : Stream(demand_id)) n += e.type == type;
    return n;
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandService> svc_;
  Principal admin_ = Admin();
  Principal resident_, grid_leader_, community_, handler_;
  std::string site_, compound_, grid_, unit_;
};

TEST_F(ServiceTest, ClosedLoopEndToEnd) {
  CommandMeta meta;
  meta.correlation_id = "corr-1";
  CommandResult raised = Must(svc_->Raise(resident_, RaiseBody(), meta));
  EXPECT_EQ(raised.version, 1u);
  EXPECT_EQ(raised.status, "raised");
  EXPECT_EQ(raised.position, store_->Head());
  const std::string id = raised.id;
  EXPECT_EQ(Must(svc_->Demand(community_, id, "accept", "{}", {})).status, "accepted");
  EXPECT_EQ(Must(svc_->Demand(community_, id, "assign", R"({"unit_id":")" + unit_ + R"("})", {})).status, "assigned");
  EXPECT_EQ(Must(svc_->Demand(handler_, id, "resolve", R"({"summary":"pipe fixed"})", {})).status, "resolved");
  CommandResult done = Must(svc_->Demand(resident_, id, "evaluate", R"({"rating":"satisfied","score":5})", {}));
  EXPECT_EQ(done.status, "closed");
  EXPECT_EQ(done.version, 6u);
  EXPECT_EQ(done.position, store_->Head());

  auto events = Stream(id);
  ASSERT_EQ(events.size(), 6u);
  const Envelope& first = events[0];
  EXPECT_EQ(first.actor, resident_.ToActor());
  EXPECT_EQ(first.correlation_id, "corr-1");
  EXPECT_EQ(first.data.find("13800001234"), std::string::npos) << "personal data never enters data";
  EXPECT_EQ(first.data.find("李四"), std::string::npos);
  ASSERT_FALSE(first.personal.empty());
  auto opened = vault_->Decrypt(resident_.id, first.personal);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, R"({"name":"李四","phone":"13800001234"})");
  EXPECT_EQ(events[2].actor, community_.ToActor());
  EXPECT_EQ(events[3].actor.unit, unit_) << "a handler acts for its unit";
  auto state = svc_->LoadDemand(id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->close_reason, "evaluated");
  EXPECT_TRUE(svc_->LoadDemand("nope").status().IsNotFound());
}

TEST_F(ServiceTest, CheckOrderAndIfMatch) {
  std::string id = Must(svc_->Raise(resident_, RaiseBody(), {})).id;
  EXPECT_EQ(svc_->Demand(community_, id, "accept", "{", {}).status().code(), Status::Code::kInvalidJson);
  EXPECT_EQ(svc_->Demand(community_, "missing", "accept", "{}", {}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(svc_->Demand(community_, std::string(300, 'x'), "accept", "{}", {}).status().code(),
            Status::Code::kNotFound);
  auto dup = svc_->Demand(community_, id, "mark_duplicate", R"({"duplicate_of":"../d"})", {});
  EXPECT_EQ(dup.status().code(), Status::Code::kValidationFailed) << dup.status().ToString();
  EXPECT_EQ(svc_->Demand(handler_, id, "accept", "{}", {}).status().code(), Status::Code::kForbidden);
  CommandMeta stale;
  stale.expected_version = 7;
  EXPECT_EQ(svc_->Demand(community_, id, "accept", R"({"due_at":"x"})", stale).status().code(),
            Status::Code::kValidationFailed) << "422 before 409";
  auto conflict = svc_->Demand(community_, id, "accept", "{}", stale);
  ASSERT_TRUE(conflict.status().IsVersionConflict());
  EXPECT_EQ(conflict.status().current_version(), 1u);
  conflict = svc_->Demand(community_, id, "close", "{}", stale);
  EXPECT_TRUE(conflict.status().IsVersionConflict()) << "version_conflict before invalid_transition";
  CommandMeta fresh;
  fresh.expected_version = 1;
  EXPECT_EQ(Must(svc_->Demand(community_, id, "accept", "{}", fresh)).version, 2u);
  auto transition = svc_->Demand(community_, id, "accept", "{}", {});
  EXPECT_EQ(transition.status().code(), Status::Code::kInvalidTransition);
  EXPECT_EQ(transition.status().current_status(), "accepted");
}

TEST_F(ServiceTest, IdempotencyKeyRetryAppendsOnce) {
  CommandMeta meta;
  meta.idempotency_key = "key-1";
  CommandResult a = Must(svc_->Raise(resident_, RaiseBody(), meta));
  uint64_t head = store_->Head();
  CommandResult b = Must(svc_->Raise(resident_, RaiseBody(), meta));
  EXPECT_EQ(a.id, b.id) << "the demand id derives from the key";
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.position, b.position);
  EXPECT_EQ(store_->Head(), head) << "nothing appended by the retry";
  CommandMeta other;
  other.idempotency_key = "key-2";
  EXPECT_NE(Must(svc_->Raise(resident_, RaiseBody(), other)).id, a.id);
  // A retry racing the first attempt (both decided from the same version)
  // names the same event ids, so the store appends once. (A retry after the
  // first answer is the HTTP layer's: it keeps key -> first answer.)
  for (int i = 0; i < 20; ++i) {
    std::string id = Must(svc_->Raise(resident_, RaiseBody(), {})).id;
    CommandMeta key;
    key.idempotency_key = "accept-" + id;
    Result<CommandResult> r1 = Status::Internal("unset"), r2 = Status::Internal("unset");
    std::thread t1([&] { r1 = svc_->Demand(community_, id, "accept", "{}", key); });
    std::thread t2([&] { r2 = svc_->Demand(community_, id, "accept", "{}", key); });
    t1.join();
    t2.join();
    for (const auto* r : {&r1, &r2}) {
      EXPECT_TRUE(r->ok() || r->status().code() == Status::Code::kInvalidTransition) << r->status().ToString();
    }
    EXPECT_TRUE(r1.ok() || r2.ok());
    EXPECT_EQ(Count(id, "demand.accepted"), 1u);
  }
}

TEST_F(ServiceTest, GridLeaderReportsMapPhonesToSubjects) {
  std::string d1 = Must(svc_->Raise(grid_leader_, RaiseBody("routine", "+86 138 0000 1234"), {})).id;
  std::string d2 = Must(svc_->Raise(grid_leader_, RaiseBody("routine", "13800001234"), {})).id;
  std::string d3 = Must(svc_->Raise(grid_leader_, RaiseBody("routine", "13900009999"), {})).id;
  auto s1 = *svc_->LoadDemand(d1), s2 = *svc_->LoadDemand(d2), s3 = *svc_->LoadDemand(d3);
  EXPECT_EQ(s1.reporter_subject_id, s2.reporter_subject_id) << "one subject per phone";
  EXPECT_NE(s1.reporter_subject_id, s3.reporter_subject_id);
  EXPECT_NE(s1.reporter_subject_id, grid_leader_.id);
  EXPECT_EQ(**vault_->FindSubjectForPhone("13800001234"), s1.reporter_subject_id);
  // A refused raise assigns no subject.
  std::string bad = RaiseBody("asap", "13700000000");
  EXPECT_EQ(svc_->Raise(grid_leader_, bad, {}).status().code(), Status::Code::kValidationFailed);
  EXPECT_FALSE(vault_->FindSubjectForPhone("13700000000")->has_value());
}

TEST_F(ServiceTest, MarkDuplicateLinksTheReporterOnTheSurvivor) {
  std::string survivor = Must(svc_->Raise(resident_, RaiseBody(), {})).id;
  std::string dup = Must(svc_->Raise(grid_leader_, RaiseBody(), {})).id;
  CommandResult r = Must(svc_->Demand(community_, dup, "mark_duplicate", R"({"duplicate_of":")" + survivor + R"("})", {}));
  EXPECT_EQ(r.status, "closed");
  auto s = *svc_->LoadDemand(survivor);
  EXPECT_EQ(s.version, 2u);
  ASSERT_EQ(s.linked_reporters.size(), 1u);
  EXPECT_EQ(s.linked_reporters[0], svc_->LoadDemand(dup)->reporter_subject_id);
}

TEST_F(ServiceTest, RegistryChangesAreVisibleAtOnce) {
  std::string c = Reg("register_compound", site_, R"({"name":"North"})");
  EXPECT_NE(svc_->Snapshot()->registry.FindCompound(c), nullptr);
  auto revoked = svc_->RevokePrincipal(admin_, community_.id, {});
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(svc_->Snapshot()->principals.Find(community_.id)->revoked);
  auto again = svc_->RevokePrincipal(admin_, community_.id, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->position, 0u) << "nothing appended";
  ASSERT_TRUE(svc_->SetPolicy(admin_, R"({"effective_from":"2026-03","evaluation_window_days":3})", {}).ok());
  EXPECT_EQ(svc_->Snapshot()->policies.At(clock_.NowMicros()).evaluation_window_days, 3);
  // Another service opened on the same log folds the same state.
  auto other = OpenService();
  EXPECT_EQ(other->Snapshot()->registry.sites().size(), svc_->Snapshot()->registry.sites().size());
  EXPECT_TRUE(other->Snapshot()->principals.Find(community_.id)->revoked);
}

TEST_F(ServiceTest, ConcurrentCommandsAndAnotherServicesView) {
  auto second = OpenService();  // opened before the changes below: it hears of them
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<std::vector<std::string>> ids(6);
  for (size_t t = 0; t < ids.size(); ++t) {
    threads.emplace_back([&, t] {
      CommandService* svc = t % 2 ? second.get() : svc_.get();
      auto ok = [&](Result<CommandResult> r) {
        if (!r.ok()) ++failures;
        return r.ok() ? r->id : "";
      };
      for (int i = 0; i < 15; ++i) {
        std::string id = ok(svc->Raise(resident_, RaiseBody(), {}));
        ok(svc->Demand(community_, id, "accept", "{}", {}));
        ok(svc->Demand(community_, id, "assign", R"({"unit_id":")" + unit_ + R"("})", {}));
        ok(svc->Demand(handler_, id, "resolve", R"({"summary":"ok"})", {}));
        ok(svc->Demand(resident_, id, "evaluate", R"({"rating":"dissatisfied"})", {}));
        ids[t].push_back(id);
      }
    });
  }
  std::string compound = Reg("register_compound", site_, R"({"name":"Added meanwhile"})");
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& per_thread : ids) {
    for (const std::string& id : per_thread) {
      auto s = second->LoadDemand(id);
      ASSERT_TRUE(s.ok());
      EXPECT_EQ(s->version, 6u);
      EXPECT_EQ(s->status, DemandStatus::kAssigned);
      EXPECT_EQ(s->reopen_count, 1);
    }
  }
  EXPECT_NE(second->Snapshot()->registry.FindCompound(compound), nullptr);
  // Both services schedule the same open demands.
  EXPECT_EQ(second->NextSchedulerWakeup(), svc_->NextSchedulerWakeup());
}

TEST_F(ServiceTest, SchedulerOverdueExactlyOnceAcrossRestart) {
  std::string id = Must(svc_->Raise(resident_, RaiseBody("emergency"), {})).id;
  EXPECT_EQ(svc_->NextSchedulerWakeup(), kT0 + 2 * kMicrosPerHour + 1);
  EXPECT_EQ(svc_->RunScheduler()->appended, 0u);
  clock_.Advance(3 * kMicrosPerHour);
  EXPECT_EQ(svc_->RunScheduler()->appended, 1u);
  EXPECT_EQ(svc_->RunScheduler()->appended, 0u);
  svc_.reset();  // restart
  svc_ = OpenService();
  EXPECT_EQ(svc_->RunScheduler()->appended, 0u);
  EXPECT_EQ(Count(id, "demand.overdue"), 1u);
  auto envelopes = Stream(id);
  EXPECT_EQ(envelopes.back().actor, Actor::Scheduler());
  EXPECT_TRUE(svc_->LoadDemand(id)->Overdue());
}

TEST_F(ServiceTest, EvaluationWindowClosesOnce) {
  std::string id = Must(svc_->Raise(resident_, RaiseBody(), {})).id;
  Must(svc_->Demand(community_, id, "accept", "{}", {}));
  Must(svc_->Demand(community_, id, "assign", R"({"unit_id":")" + unit_ + R"("})", {}));
  Must(svc_->Demand(handler_, id, "resolve", R"({"summary":"ok"})", {}));
  clock_.Advance(7 * kMicrosPerDay);
  EXPECT_EQ(svc_->RunScheduler()->appended, 1u);
  auto s = *svc_->LoadDemand(id);
  EXPECT_EQ(s.status, DemandStatus::kClosed);
  EXPECT_EQ(s.close_reason, "evaluation_window_elapsed");
  EXPECT_EQ(svc_->Demand(resident_, id, "evaluate", R"({"rating":"satisfied"})", {}).status().code(),
            Status::Code::kInvalidTransition);
  EXPECT_EQ(svc_->RunScheduler()->appended, 0u);
  EXPECT_EQ(svc_->NextSchedulerWakeup(), std::nullopt);
}

TEST_F(ServiceTest, RacingSchedulerPassesAppendOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(Must(svc_->Raise(resident_, RaiseBody(i % 2 ? "urgent" : "emergency"), {})).id);
  auto second = OpenService();  // another process's view of the same log
  clock_.Advance(2 * kMicrosPerDay);
  for (int round = 0; round < 3; ++round) {
    SchedulerReport a, b, c;
    std::thread t1([&] { a = *svc_->RunScheduler(); });
    std::thread t2([&] { b = *second->RunScheduler(); });
    std::thread t3([&] { c = *svc_->RunScheduler(); });
    t1.join();
    t2.join();
    t3.join();
    EXPECT_EQ(a.appended + b.appended + c.appended, round == 0 ? ids.size() : 0u);
  }
  for (const std::string& id : ids) EXPECT_EQ(Count(id, "demand.overdue"), 1u) << id;
}

TEST(ServiceRocks, SchedulerExactlyOnceAcrossProcessRestart) {
  TempDir dir;
  FakeClock clock(kT0);
  auto vault = Vault::Open(dir.path() + "/vault", VaultOptions{.sync = false}).value();
  Principal admin = Admin();
  std::string demand;
  Principal resident;
  for (int run = 0; run < 3; ++run) {
    auto store = OpenRocksEventStore(dir.path() + "/log", StoreOptions{.sync = false, .clock = &clock});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto svc = CommandService::Open(store->get(), vault.get(), &clock).value();
    if (run == 0) {
      ASSERT_TRUE(svc->RunRegistryCommand(admin, "register_site", "",
                                          R"({"site_id":"s1","name":"n","district":"d","street":"s","community":"c","construction_mode":"joint"})",
                                          {}).ok());
      std::string compound = svc->RunRegistryCommand(admin, "register_compound", "s1", R"({"name":"x"})", {})->id;
      std::string pid = svc->RegisterPrincipal(admin, R"({"name":"r","role":"resident","sites":["s1"]})", {})->id;
      resident = *svc->Snapshot()->principals.Find(pid);
      auto r = svc->Raise(resident,
                          R"({"site_id":"s1","category":"noise","title":"t","description":"d","urgency":"urgent","channel":"app","location":{"compound_id":")" +
                              compound + R"(","building":"1"},"reporter":{"name":"n","phone":"13800001234"}})",
                          {});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      demand = r->id;
      clock.Advance(25 * kMicrosPerHour);
      EXPECT_EQ(svc->RunScheduler()->appended, 1u);
    } else {
      EXPECT_EQ(svc->RunScheduler()->appended, 0u) << "run " << run;
      EXPECT_TRUE(svc->LoadDemand(demand)->Overdue());
      EXPECT_EQ(svc->Snapshot()->principals.Find(resident.id)->role, Role::kResident);
    }
  }
}

}  // namespace
}  // namespace redledger::testing
