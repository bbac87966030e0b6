// Many appenders with expected versions over overlapping streams, against
// every implementation: afterwards the log must be gap-free, every stream
// 1..n, every acknowledged append readable, every refused one absent.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include "redledger/event_store.h"
#include "store_test_util.h"

namespace redledger {
namespace {

using testing::Part;

constexpr int kThreads = 8;
constexpr int kAppendsPerThread = 10'000;
constexpr int kStreams = 24;

struct Acked {
  std::vector<std::string> event_ids;
  std::vector<std::string> streams;
  uint64_t first_position = 0;
};

struct ThreadLog {
  std::vector<Acked> acked;
  std::vector<std::string> refused_ids;
  size_t refused_appends = 0;
};

template <typename Kind>
class EventStoreConcurrencyTest : public ::testing::Test {
 protected:
  Kind kind_;
};

TYPED_TEST_SUITE(EventStoreConcurrencyTest, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(EventStoreConcurrencyTest, ConcurrentAppendsWithExpectedVersionsStayGapFree) {
  // Relaxed durability keeps this under half a minute on a loaded 2-core
  // machine; durability has its own tests (rocks_event_store_test.cc).
  StoreOptions options;
  options.sync = false;
  auto opened = this->kind_.Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<EventStore> store = std::move(opened).value();

  std::vector<ThreadLog> logs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      ThreadLog& log = logs[t];
      for (int i = 0; i < kAppendsPerThread; ++i) {
        // Every fifth append is a two-part command over two streams.
        const int nparts = i % 5 == 0 ? 2 : 1;
        std::vector<AppendPart> parts;
        std::set<std::string> used;
        for (int p = 0; p < nparts; ++p) {
          std::string stream;
          do {
            stream = "demand-" + std::to_string(rng() % kStreams);
          } while (used.count(stream));
          used.insert(stream);
          Result<uint64_t> v = store->StreamVersion(stream);
          ASSERT_TRUE(v.ok());
          parts.push_back(Part(stream, ExpectedVersion::Exact(*v)));
        }
        Result<AppendResult> r = store->Append(parts);
        if (r.ok()) {
          Acked a;
          a.first_position = r->first_position;
          for (const AppendPart& part : parts) {
            a.event_ids.push_back(part.events[0].event_id);
            a.streams.push_back(part.stream);
          }
          ASSERT_FALSE(r->duplicate);
          ASSERT_EQ(r->last_position - r->first_position + 1, a.event_ids.size());
          log.acked.push_back(std::move(a));
        } else {
          ASSERT_TRUE(r.status().IsVersionConflict()) << r.status().ToString();
          ++log.refused_appends;
          for (const AppendPart& part : parts) log.refused_ids.push_back(part.events[0].event_id);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  Result<std::vector<Envelope>> all = store->ReadAll(0, SIZE_MAX);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::map<std::string, uint64_t> stream_versions;
  std::map<std::string, uint64_t> position_of;  // event id -> position
  for (size_t i = 0; i < all->size(); ++i) {
    const Envelope& e = (*all)[i];
    ASSERT_EQ(e.position, i + 1) << "gap or reordering in the log";
    ASSERT_EQ(e.version, ++stream_versions[e.stream]) << "gap in " << e.stream;
    ASSERT_TRUE(position_of.emplace(e.event_id, e.position).second) << "event stored twice";
  }
  EXPECT_EQ(store->Head(), all->size());

  size_t acked_events = 0, acked_appends = 0, refused = 0;
  for (const ThreadLog& log : logs) {
    refused += log.refused_appends;
    for (const Acked& a : log.acked) {
      ++acked_appends;
      for (size_t k = 0; k < a.event_ids.size(); ++k) {
        ++acked_events;
        auto it = position_of.find(a.event_ids[k]);
        ASSERT_NE(it, position_of.end()) << "acknowledged event missing";
        EXPECT_EQ(it->second, a.first_position + k);
        EXPECT_EQ((*all)[it->second - 1].stream, a.streams[k]);
      }
    }
    for (const std::string& id : log.refused_ids) {
      EXPECT_EQ(position_of.count(id), 0u) << "a refused append wrote " << id;
    }
  }
  EXPECT_EQ(acked_events, all->size());
  EXPECT_EQ(acked_appends + refused, static_cast<size_t>(kThreads) * kAppendsPerThread);
  for (const auto& [stream, version] : stream_versions) {
    EXPECT_EQ(*store->StreamVersion(stream), version);
    Result<std::vector<Envelope>> events = store->ReadStream(stream, 1, EventStore::Direction::kForward, SIZE_MAX);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), version);
    for (size_t v = 0; v < events->size(); ++v) EXPECT_EQ((*events)[v].version, v + 1);
  }
  // Conflicts happened, so refused appends were really exercised.
  EXPECT_GT(refused, 0u);
  this->RecordProperty("acknowledged_appends", static_cast<int>(acked_appends));
}

}  // namespace
}  // namespace redledger
