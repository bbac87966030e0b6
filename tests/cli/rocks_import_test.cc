// ImportEnvelopes (redledger/event_store.h): verbatim, checked, and refused
// while the store is open elsewhere.
#include <gtest/gtest.h>

#include "redledger/codec.h"
#include "redledger/event_store.h"
#include "support/temp_dir.h"

namespace redledger::testing {
namespace {

NewEvent Event(int i) {
  NewEvent e;
  e.type = "site.registered";
  e.event_id = NewUuidV4();
  e.actor = Actor::Scheduler();
  e.data = "{\"i\":" + std::to_string(i) + "}";
  if (i % 3 == 0) e.personal = "sealed-" + std::to_string(i);
  return e;
}

// `n` events over three streams, from a store with a moving fake clock.
std::vector<Envelope> SourceEvents(const std::string& dir, int n) {
  FakeClock clock(1'700'000'000'000'000);
  StoreOptions options;
  options.sync = false;
  options.clock = &clock;
  Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(dir, options);
  EXPECT_TRUE(store.ok());
  for (int i = 1; i <= n; ++i) {
    clock.Advance(1000 + i);
    EXPECT_TRUE((*store)->Append({AppendPart{"site-" + std::to_string(i % 3), ExpectedVersion::Any(), {Event(i)}}}).ok());
  }
  Result<std::vector<Envelope>> all = (*store)->ReadAll(0, n);
  EXPECT_TRUE(all.ok());
  return all.ok() ? *all : std::vector<Envelope>{};
}

std::function<Result<bool>(Envelope*)> From(const std::vector<Envelope>& events) {
  return [&events, i = size_t{0}](Envelope* e) mutable -> Result<bool> {
    if (i == events.size()) return false;
    *e = events[i++];
    return true;
  };
}

TEST(ImportEnvelopesTest, WritesEventsVerbatimInBatchesAndTheStoreContinuesFromThem) {
  TempDir tmp;
  const std::vector<Envelope> events = SourceEvents(tmp.path() + "/source", 25);
  const std::vector<Envelope> first(events.begin(), events.begin() + 10), rest(events.begin() + 10, events.end());
  Result<uint64_t> head = ImportEnvelopes(tmp.path() + "/copy", From(first), 4);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, 10u);
  head = ImportEnvelopes(tmp.path() + "/copy", From(rest), 4);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, 25u);

  Result<std::unique_ptr<EventStore>> copy = OpenRocksEventStore(tmp.path() + "/copy", StoreOptions{.sync = false});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  Result<std::vector<Envelope>> read = (*copy)->ReadAll(0, 100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, events);
  Result<uint64_t> version = (*copy)->StreamVersion("site-1");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 9u);  // i = 1, 4, …, 25
  Result<Hash256> root = merkle::RootAt(25, (*copy)->TreeReader());
  merkle::CompactRange expected;
  for (const Envelope& e : events) expected.Append(e.hash);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, expected.Root());
  // It appends after them as after its own events; a retried id is a duplicate.
  Result<AppendResult> appended =
      (*copy)->Append({AppendPart{"site-1", ExpectedVersion::Exact(9), {Event(26)}}});
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->first_position, 26u);
  NewEvent again = Event(27);
  again.event_id = events[3].event_id;
  Result<AppendResult> retried = (*copy)->Append({AppendPart{events[3].stream, ExpectedVersion::Any(), {again}}});
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->duplicate);
}

TEST(ImportEnvelopesTest, RefusesBadEventsKeepingOnlyWholeBatchesBeforeThem) {
  TempDir tmp;
  const std::vector<Envelope> events = SourceEvents(tmp.path() + "/source", 12);
  struct Case {
    const char* what;
    std::function<void(Envelope*)> damage;
  };
  const std::vector<Case> cases = {
      {"hash", [](Envelope* e) { e->data = "{\"i\":99}"; }},
      {"position", [](Envelope* e) { e->position += 1; e->hash = LeafHash(*e); }},
      {"version", [](Envelope* e) { e->version += 1; e->hash = LeafHash(*e); }},
      {"recorded_at", [](Envelope* e) { e->recorded_at = 0; e->hash = LeafHash(*e); }},
      {"event_id", [&](Envelope* e) { e->event_id = events[1].event_id; e->hash = LeafHash(*e); }},
  };
  for (const Case& c : cases) {
    std::vector<Envelope> bad = events;
    c.damage(&bad[6]);  // position 7, in the second batch of 4
    const std::string dir = tmp.path() + "/" + c.what;
    Result<uint64_t> head = ImportEnvelopes(dir, From(bad), 4);
    ASSERT_FALSE(head.ok()) << c.what;
    EXPECT_NE(head.status().message().find("position 7"), std::string::npos) << c.what << ": " << head.status().ToString();
    Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(dir, StoreOptions{.sync = false});
    ASSERT_TRUE(store.ok()) << c.what;
    EXPECT_EQ((*store)->Head(), 4u) << c.what;
  }
}

TEST(ImportEnvelopesTest, RefusesAStoreOpenElsewhere) {
  TempDir tmp;
  const std::vector<Envelope> events = SourceEvents(tmp.path() + "/source", 3);
  Result<std::unique_ptr<EventStore>> open = OpenRocksEventStore(tmp.path() + "/target", StoreOptions{.sync = false});
  ASSERT_TRUE(open.ok());
  Result<uint64_t> head = ImportEnvelopes(tmp.path() + "/target", From(events));
  ASSERT_FALSE(head.ok());
  EXPECT_TRUE(head.status().code() == Status::Code::kUnavailable) << head.status().ToString();
  EXPECT_EQ((*open)->Head(), 0u);
}

}  // namespace
}  // namespace redledger::testing
