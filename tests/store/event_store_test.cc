// The EventStore contract, run against every implementation (typed tests).
#include "redledger/event_store.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "redledger/codec.h"
#include "redledger/merkle.h"
#include "store_test_util.h"

namespace redledger {
namespace {

using testing::Ev;
using testing::One;
using testing::Part;

constexpr Micros kT0 = 1'658'390'400'000'000;  // 2022-07-21T08:00:00Z

template <typename Kind>
class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.clock = &clock_;
    auto store = kind_.Open(options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  AppendResult MustAppend(std::vector<AppendPart> parts) {
    Result<AppendResult> r = store_->Append(std::move(parts));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AppendResult{};
  }

  std::vector<Envelope> All() {
    Result<std::vector<Envelope>> all = store_->ReadAll(0, 1'000'000);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    return all.ok() ? *all : std::vector<Envelope>{};
  }

  std::vector<uint64_t> Versions(const std::string& stream, uint64_t from, EventStore::Direction dir, size_t limit) {
    Result<std::vector<Envelope>> events = store_->ReadStream(stream, from, dir, limit);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    std::vector<uint64_t> out;
    if (events.ok()) {
      for (const Envelope& e : *events) {
        EXPECT_EQ(e.stream, stream);
        out.push_back(e.version);
      }
    }
    return out;
  }

  Kind kind_;
  FakeClock clock_{kT0};
  StoreOptions options_;
  std::unique_ptr<EventStore> store_;
};

TYPED_TEST_SUITE(EventStoreTest, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(EventStoreTest, AssignsGapFreePositionsAndStreamVersions) {
  EXPECT_EQ(this->store_->Head(), 0u);
  AppendResult a = this->MustAppend(One("demand-a", ExpectedVersion::Any(), 2));
  AppendResult b = this->MustAppend(One("demand-b", ExpectedVersion::Any()));
  AppendResult c = this->MustAppend(One("demand-a", ExpectedVersion::Any()));
  EXPECT_EQ(a.first_position, 1u);
  EXPECT_EQ(a.last_position, 2u);
  EXPECT_EQ(a.stream_versions, std::vector<uint64_t>{2});
  EXPECT_FALSE(a.duplicate);
  EXPECT_EQ(b.first_position, 3u);
  EXPECT_EQ(b.stream_versions, std::vector<uint64_t>{1});
  EXPECT_EQ(c.first_position, 4u);
  EXPECT_EQ(c.stream_versions, std::vector<uint64_t>{3});
  EXPECT_EQ(this->store_->Head(), 4u);
  EXPECT_EQ(*this->store_->StreamVersion("demand-a"), 3u);
  EXPECT_EQ(*this->store_->StreamVersion("demand-b"), 1u);
  EXPECT_EQ(*this->store_->StreamVersion("demand-none"), 0u);

  std::vector<Envelope> all = this->All();
  ASSERT_EQ(all.size(), 4u);
  const std::vector<std::pair<std::string, uint64_t>> want = {
      {"demand-a", 1}, {"demand-a", 2}, {"demand-b", 1}, {"demand-a", 3}};
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].position, i + 1);
    EXPECT_EQ(all[i].stream, want[i].first);
    EXPECT_EQ(all[i].version, want[i].second);
  }
}

TYPED_TEST(EventStoreTest, StoresTheEnvelopeAsGivenWithCanonicalDataAndItsHash) {
  NewEvent e = Ev("demand.raised", R"({"title":"电梯停运","b":[1,true,null],"a":"x\u0001"})");
  e.schema = 3;
  e.actor = Actor{"p-1", "grid_leader", std::string("unit-9")};
  e.correlation_id = "corr";
  e.personal = std::string("\0\x01\xff secret", 10);
  AppendPart part{"demand-1", ExpectedVersion::NoStream(), {e}};
  AppendResult r = this->MustAppend({part});

  Result<Envelope> got = this->store_->ReadAt(r.first_position);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->position, 1u);
  EXPECT_EQ(got->stream, "demand-1");
  EXPECT_EQ(got->version, 1u);
  EXPECT_EQ(got->type, "demand.raised");
  EXPECT_EQ(got->schema, 3u);
  EXPECT_EQ(got->event_id, e.event_id);
  EXPECT_EQ(got->recorded_at, kT0);
  EXPECT_EQ(got->actor, e.actor);
  EXPECT_EQ(got->correlation_id, std::optional<std::string>("corr"));
  EXPECT_EQ(got->causation_id, std::nullopt);
  EXPECT_EQ(got->data, *CanonicalizeJson(e.data));
  EXPECT_EQ(got->data.substr(0, 5), R"({"a":)");
  EXPECT_EQ(got->personal, e.personal);
  EXPECT_EQ(got->hash, LeafHash(*got));
  EXPECT_EQ(r.recorded_at, kT0);
}

TYPED_TEST(EventStoreTest, NoStreamRefusesAnExistingStream) {
  this->MustAppend(One("s", ExpectedVersion::NoStream()));
  for (ExpectedVersion ev : {ExpectedVersion::NoStream(), ExpectedVersion::Exact(0)}) {
    Result<AppendResult> r = this->store_->Append(One("s", ev));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsVersionConflict()) << r.status().ToString();
    EXPECT_EQ(r.status().current_version(), 1u);
  }
  EXPECT_EQ(this->store_->Head(), 1u);
  EXPECT_EQ(*this->store_->StreamVersion("s"), 1u);
}

TYPED_TEST(EventStoreTest, StreamExistsRefusesAMissingStream) {
  Result<AppendResult> r = this->store_->Append(One("s", ExpectedVersion::StreamExists()));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsVersionConflict());
  EXPECT_EQ(r.status().current_version(), 0u);
  EXPECT_EQ(this->store_->Head(), 0u);
  this->MustAppend(One("s", ExpectedVersion::Any()));
  EXPECT_EQ(this->MustAppend(One("s", ExpectedVersion::StreamExists())).stream_versions[0], 2u);
}

TYPED_TEST(EventStoreTest, ExactVersionMustMatchTheCurrentOne) {
  this->MustAppend(One("s", ExpectedVersion::Exact(0), 2));
  Result<AppendResult> stale = this->store_->Append(One("s", ExpectedVersion::Exact(1)));
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsVersionConflict());
  EXPECT_EQ(stale.status().current_version(), 2u);
  Result<AppendResult> ahead = this->store_->Append(One("s", ExpectedVersion::Exact(3)));
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.status().current_version(), 2u);
  EXPECT_EQ(this->store_->Head(), 2u);
  EXPECT_EQ(this->MustAppend(One("s", ExpectedVersion::Exact(2))).stream_versions[0], 3u);
}

TYPED_TEST(EventStoreTest, MultiPartAppendWritesAllPartsOrNone) {
  this->MustAppend(One("b", ExpectedVersion::Any(), 2));
  std::vector<AppendPart> parts;
  parts.push_back(Part("a", ExpectedVersion::NoStream(), 2));
  parts.push_back(Part("b", ExpectedVersion::Exact(1)));  // b is at 2
  Result<AppendResult> r = this->store_->Append(parts);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsVersionConflict());
  EXPECT_EQ(r.status().current_version(), 2u);
  EXPECT_EQ(this->store_->Head(), 2u);
  EXPECT_EQ(*this->store_->StreamVersion("a"), 0u);
  EXPECT_TRUE(this->Versions("a", 1, EventStore::Direction::kForward, 10).empty());

  parts[1].expected = ExpectedVersion::Exact(2);
  AppendResult ok = this->MustAppend(parts);
  EXPECT_EQ(ok.first_position, 3u);
  EXPECT_EQ(ok.last_position, 5u);
  EXPECT_EQ(ok.stream_versions, (std::vector<uint64_t>{2, 3}));
}

TYPED_TEST(EventStoreTest, LaterPartsOfOneAppendSeeEarlierParts) {
  std::vector<AppendPart> parts;
  parts.push_back(Part("a", ExpectedVersion::NoStream()));
  parts.push_back(Part("a", ExpectedVersion::Exact(1), 2));
  EXPECT_EQ(this->MustAppend(parts).stream_versions, (std::vector<uint64_t>{1, 3}));

  std::vector<AppendPart> stale;
  stale.push_back(Part("a", ExpectedVersion::Exact(3)));
  stale.push_back(Part("a", ExpectedVersion::Exact(3)));  // a would be at 4 by then
  Result<AppendResult> r = this->store_->Append(stale);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().current_version(), 4u);
  EXPECT_EQ(this->store_->Head(), 3u);
}

TYPED_TEST(EventStoreTest, RetryWithStoredEventIdsReturnsTheOriginalAndAppendsNothing) {
  this->MustAppend(One("other", ExpectedVersion::Any()));
  std::vector<AppendPart> parts;
  parts.push_back(Part("a", ExpectedVersion::NoStream(), 2));
  parts.push_back(Part("b", ExpectedVersion::NoStream()));
  AppendResult first = this->MustAppend(parts);
  this->clock_.Advance(kMicrosPerHour);
  this->MustAppend(One("a", ExpectedVersion::Any()));

  // NoStream would now fail: the retry is recognised before versions are checked.
  AppendResult again = this->MustAppend(parts);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.first_position, first.first_position);
  EXPECT_EQ(again.last_position, first.last_position);
  EXPECT_EQ(again.stream_versions, first.stream_versions);
  EXPECT_EQ(again.recorded_at, first.recorded_at);
  EXPECT_EQ(this->store_->Head(), 5u);
}

TYPED_TEST(EventStoreTest, PartlyStoredEventIdsAreRefused) {
  std::vector<AppendPart> parts = One("a", ExpectedVersion::Any());
  this->MustAppend(parts);
  parts[0].events.push_back(Ev());
  Result<AppendResult> r = this->store_->Append(parts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(this->store_->Head(), 1u);

  parts[0].events.pop_back();
  parts[0].stream = "b";  // the id is stored in "a"
  Result<AppendResult> moved = this->store_->Append(parts);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(this->store_->Head(), 1u);
}

// Collects asynchronous answers, to put many appends into one group commit.
class Answers {
 public:
  EventStore::AppendCallback Slot(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    results_.resize(std::max(results_.size(), i + 1), Status::Internal("no answer"));
    ++expected_;
    return [this, i](Result<AppendResult> r) {
      std::lock_guard<std::mutex> lock(mu_);
      results_[i] = std::move(r);
      if (++done_ == expected_) cv_.notify_all();
    };
  }
  std::vector<Result<AppendResult>> Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_ == expected_; });
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Result<AppendResult>> results_;
  size_t expected_ = 0, done_ = 0;
};

TYPED_TEST(EventStoreTest, RetryRacingItsFirstAttemptAppendsOnce) {
  std::vector<AppendPart> parts = One("a", ExpectedVersion::NoStream(), 3);
  Answers answers;
  for (size_t i = 0; i < 4; ++i) this->store_->AppendAsync(parts, answers.Slot(i));
  std::vector<Result<AppendResult>> results = answers.Wait();
  size_t originals = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    originals += r->duplicate ? 0 : 1;
    EXPECT_EQ(r->first_position, 1u);
    EXPECT_EQ(r->last_position, 3u);
    EXPECT_EQ(r->stream_versions, std::vector<uint64_t>{3});
  }
  EXPECT_EQ(originals, 1u);
  EXPECT_EQ(this->store_->Head(), 3u);
}

TYPED_TEST(EventStoreTest, ConflictingAppendsInOneBatchFailAlone) {
  Answers answers;
  for (size_t i = 0; i < 8; ++i) {
    std::vector<AppendPart> parts;
    parts.push_back(Part("own-" + std::to_string(i), ExpectedVersion::NoStream()));
    if (i % 2 == 0) parts.push_back(Part("shared", ExpectedVersion::NoStream()));
    this->store_->AppendAsync(std::move(parts), answers.Slot(i));
  }
  std::vector<Result<AppendResult>> results = answers.Wait();
  size_t shared_winners = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (i % 2 == 1) {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
    } else if (results[i].ok()) {
      ++shared_winners;
    } else {
      EXPECT_TRUE(results[i].status().IsVersionConflict());
      EXPECT_EQ(results[i].status().current_version(), 1u);
      EXPECT_EQ(*this->store_->StreamVersion("own-" + std::to_string(i)), 0u);  // its other part was not written
    }
  }
  EXPECT_EQ(shared_winners, 1u);
  EXPECT_EQ(this->store_->Head(), 4u + 2u);
  EXPECT_EQ(this->All().size(), 6u);
}

TYPED_TEST(EventStoreTest, ReadsStreamsForwardAndBackwardWithinBounds) {
  for (int i = 0; i < 5; ++i) {
    this->MustAppend(One("s", ExpectedVersion::Any()));
    this->MustAppend(One("s-longer", ExpectedVersion::Any()));  // shares the prefix
  }
  this->MustAppend(One("r", ExpectedVersion::Any()));
  using D = EventStore::Direction;
  using V = std::vector<uint64_t>;
  EXPECT_EQ(this->Versions("s", 0, D::kForward, 100), (V{1, 2, 3, 4, 5}));
  EXPECT_EQ(this->Versions("s", 2, D::kForward, 2), (V{2, 3}));
  EXPECT_EQ(this->Versions("s", 5, D::kForward, 10), (V{5}));
  EXPECT_EQ(this->Versions("s", 6, D::kForward, 10), V{});
  EXPECT_EQ(this->Versions("s", 0, D::kBackward, 2), (V{5, 4}));
  EXPECT_EQ(this->Versions("s", 3, D::kBackward, 10), (V{3, 2, 1}));
  EXPECT_EQ(this->Versions("s", 1, D::kBackward, 10), (V{1}));
  EXPECT_EQ(this->Versions("s", 99, D::kBackward, 1), (V{5}));
  EXPECT_EQ(this->Versions("s", 0, D::kForward, 0), V{});
  EXPECT_EQ(this->Versions("missing", 0, D::kForward, 10), V{});
  EXPECT_EQ(this->Versions("missing", 0, D::kBackward, 10), V{});
  Result<std::vector<Envelope>> s = this->store_->ReadStream("s", 1, D::kForward, 10);
  ASSERT_TRUE(s.ok());
  for (size_t i = 0; i < s->size(); ++i) EXPECT_EQ((*s)[i].position, 2 * i + 1);
}

TYPED_TEST(EventStoreTest, ReadsTheLogAfterAPositionWithALimit) {
  this->MustAppend(One("a", ExpectedVersion::Any(), 7));
  auto positions = [this](uint64_t after, size_t limit) {
    std::vector<uint64_t> out;
    Result<std::vector<Envelope>> events = this->store_->ReadAll(after, limit);
    EXPECT_TRUE(events.ok());
    for (const Envelope& e : *events) out.push_back(e.position);
    return out;
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(positions(0, 3), (V{1, 2, 3}));
  EXPECT_EQ(positions(3, 100), (V{4, 5, 6, 7}));
  EXPECT_EQ(positions(6, 1), (V{7}));
  EXPECT_EQ(positions(7, 10), V{});
  EXPECT_EQ(positions(100, 10), V{});
  EXPECT_EQ(positions(0, 0), V{});
  EXPECT_EQ(positions(2, SIZE_MAX), (V{3, 4, 5, 6, 7}));
}

TYPED_TEST(EventStoreTest, ReadAtBeyondTheLogIsNotFound) {
  this->MustAppend(One("a", ExpectedVersion::Any(), 2));
  EXPECT_EQ(this->store_->ReadAt(2)->position, 2u);
  EXPECT_TRUE(this->store_->ReadAt(0).status().IsNotFound());
  EXPECT_TRUE(this->store_->ReadAt(3).status().IsNotFound());
}

TYPED_TEST(EventStoreTest, ScanVisitsAWindowInOrderAndStopsWhenAsked) {
  this->MustAppend(One("a", ExpectedVersion::Any(), 6));
  std::vector<uint64_t> seen;
  auto collect = [&seen](const Envelope& e) {
    seen.push_back(e.position);
    return true;
  };
  ASSERT_TRUE(this->store_->Scan(0, 100, collect).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  seen.clear();
  ASSERT_TRUE(this->store_->Scan(2, 4, collect).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{3, 4}));
  seen.clear();
  ASSERT_TRUE(this->store_->Scan(0, 6, [&seen](const Envelope& e) {
                seen.push_back(e.position);
                return e.position < 2;
              }).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));
  seen.clear();
  ASSERT_TRUE(this->store_->Scan(6, 10, collect).ok());
  EXPECT_TRUE(seen.empty());
}

TYPED_TEST(EventStoreTest, RecordedAtNeverGoesBackwards) {
  EXPECT_EQ(this->MustAppend(One("a", ExpectedVersion::Any())).recorded_at, kT0);
  this->clock_.Set(kT0 - kMicrosPerHour);  // the clock steps back
  EXPECT_EQ(this->MustAppend(One("a", ExpectedVersion::Any(), 2)).recorded_at, kT0);
  this->clock_.Set(kT0 + 5);
  EXPECT_EQ(this->MustAppend(One("a", ExpectedVersion::Any())).recorded_at, kT0 + 5);
  Micros previous = 0;
  for (const Envelope& e : this->All()) {
    EXPECT_GE(e.recorded_at, previous);
    previous = e.recorded_at;
  }
  EXPECT_EQ(previous, kT0 + 5);
}

TYPED_TEST(EventStoreTest, ListenersHearEachCommitInOrderUntilRemoved) {
  std::mutex mu;
  std::vector<CommitNotice> heard;
  EventStore::ListenerId id = this->store_->AddListener([&](const CommitNotice& n) {
    std::lock_guard<std::mutex> lock(mu);
    heard.push_back(n);
  });
  std::vector<AppendPart> parts = One("a", ExpectedVersion::NoStream(), 2);
  this->MustAppend(parts);
  this->MustAppend(One("b", ExpectedVersion::Any()));
  this->MustAppend(parts);  // a retry commits nothing
  EXPECT_FALSE(this->store_->Append(One("a", ExpectedVersion::NoStream())).ok());  // nor does a conflict
  this->store_->RemoveListener(id);
  this->MustAppend(One("c", ExpectedVersion::Any()));

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].first_position, 1u);
  EXPECT_EQ(heard[0].last_position, 2u);
  ASSERT_EQ(heard[0].events->size(), 2u);
  EXPECT_EQ((*heard[0].events)[0].event_id, parts[0].events[0].event_id);
  EXPECT_EQ((*heard[0].events)[1], *this->store_->ReadAt(2));
  EXPECT_EQ(heard[1].first_position, 3u);
  EXPECT_EQ(heard[1].last_position, 3u);
  EXPECT_EQ((*heard[1].events)[0].stream, "b");
}

TYPED_TEST(EventStoreTest, BadInputIsRefusedWithAClearErrorAndWritesNothing) {
  using C = Status::Code;
  struct Case {
    std::string name;
    std::function<void(std::vector<AppendPart>*)> damage;
    C code;
  };
  const std::vector<Case> cases = {
      {"no parts", [](auto* p) { p->clear(); }, C::kInvalidArgument},
      {"empty stream", [](auto* p) { (*p)[0].stream = ""; }, C::kInvalidArgument},
      {"oversize stream", [](auto* p) { (*p)[0].stream = std::string(201, 's'); }, C::kInvalidArgument},
      {"NUL in stream", [](auto* p) { (*p)[0].stream = std::string("a\0b", 3); }, C::kInvalidArgument},
      {"invalid UTF-8 stream", [](auto* p) { (*p)[0].stream = "a\xff"; }, C::kInvalidArgument},
      {"part without events", [](auto* p) { (*p)[0].events.clear(); }, C::kInvalidArgument},
      {"too many events", [](auto* p) { (*p)[0].events.resize(1001, Ev()); }, C::kInvalidArgument},
      {"oversize event", [](auto* p) { (*p)[0].events[0].personal = std::string((1 << 20) + 1, 'x'); },
       C::kPayloadTooLarge},
      {"oversize data", [](auto* p) { (*p)[0].events[0].data = R"({"a":")" + std::string(1 << 20, 'x') + "\"}"; },
       C::kPayloadTooLarge},
      {"unparseable data", [](auto* p) { (*p)[0].events[0].data = "{"; }, C::kInvalidJson},
      {"data not an object", [](auto* p) { (*p)[0].events[0].data = "[1]"; }, C::kInvalidArgument},
      {"floating point data", [](auto* p) { (*p)[0].events[0].data = R"({"a":1.5})"; }, C::kInvalidArgument},
      {"malformed event id", [](auto* p) { (*p)[0].events[0].event_id = "not-a-uuid"; }, C::kInvalidArgument},
      {"upper-case event id",
       [](auto* p) {
         std::string& id = (*p)[0].events[0].event_id;
         for (char& c : id) c = static_cast<char>(toupper(c));
       },
       C::kInvalidArgument},
      {"repeated event id", [](auto* p) { (*p)[0].events.push_back((*p)[0].events[0]); }, C::kInvalidArgument},
      {"empty type", [](auto* p) { (*p)[0].events[0].type = ""; }, C::kInvalidArgument},
      {"version without kExact", [](auto* p) { (*p)[0].expected = {ExpectedVersion::Kind::kAny, 3}; },
       C::kInvalidArgument},
      {"unknown expected kind", [](auto* p) { (*p)[0].expected.kind = static_cast<ExpectedVersion::Kind>(9); },
       C::kInvalidArgument},
  };
  this->MustAppend(One("a", ExpectedVersion::Any()));
  for (const Case& c : cases) {
    std::vector<AppendPart> parts;
    parts.push_back(Part("good", ExpectedVersion::Any()));
    parts.push_back(Part("b", ExpectedVersion::Any(), 2));
    c.damage(&parts);
    Result<AppendResult> r = this->store_->Append(parts);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    EXPECT_FALSE(r.status().message().empty()) << c.name;
    EXPECT_EQ(this->store_->Head(), 1u) << c.name;
    EXPECT_EQ(*this->store_->StreamVersion("good"), 0u) << c.name;
  }
  // The store still works after all of that.
  EXPECT_EQ(this->MustAppend(One("good", ExpectedVersion::NoStream())).first_position, 2u);
}

// RFC 6962 §2.1 MTH, written out recursively from the RFC.
Hash256 ReferenceRoot(const std::vector<Hash256>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return merkle::HashChildren(ReferenceRoot(leaves, begin, begin + k), ReferenceRoot(leaves, begin + k, end));
}

TYPED_TEST(EventStoreTest, TreeRootMatchesTheLeavesOfTheLog) {
  EXPECT_EQ(*merkle::RootAt(0, this->store_->TreeReader()), merkle::EmptyRoot());
  for (size_t n : {1, 2, 3, 1, 5, 1, 4}) this->MustAppend(One("s" + std::to_string(n), ExpectedVersion::Any(), n));
  std::vector<Hash256> leaves;
  for (const Envelope& e : this->All()) leaves.push_back(merkle::HashLeaf(CanonicalEnvelopeJson(e)));
  ASSERT_EQ(leaves.size(), 17u);
  for (size_t size = 1; size <= leaves.size(); ++size) {
    Result<Hash256> root = merkle::RootAt(size, this->store_->TreeReader());
    ASSERT_TRUE(root.ok()) << size << ": " << root.status().ToString();
    EXPECT_EQ(HexEncode(*root), HexEncode(ReferenceRoot(leaves, 0, size))) << "size " << size;
  }
}

}  // namespace
}  // namespace redledger
