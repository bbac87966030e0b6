// Helpers shared by the proof tests that run over real event stores.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>

#include "redledger/checkpoint.h"
#include "redledger/event_store.h"
#include "redledger/merkle.h"
#include "store/store_test_util.h"

namespace redledger::testing {

constexpr uint64_t kLogEvents = 40;

// Appends kLogEvents events over five streams, one append each; event i
// carries {"tag":"event-<i, 3 digits>"}.
inline void FillLog(EventStore* store) {
  for (uint64_t i = 1; i <= kLogEvents; ++i) {
    char tag[32];
    std::snprintf(tag, sizeof tag, "{\"tag\":\"event-%03llu\"}", static_cast<unsigned long long>(i));
    std::vector<AppendPart> parts;
    parts.push_back(AppendPart{"demand-" + std::to_string(i % 5), ExpectedVersion::Any(), {Ev("demand.raised", tag)}});
    Result<AppendResult> r = store->Append(std::move(parts));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->last_position, i);
  }
}

// The (unsigned) checkpoint of the store's first `size` events.
inline Checkpoint CheckpointOf(const EventStore& store, uint64_t size) {
  Result<Hash256> root = merkle::RootAt(size, store.TreeReader());
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  return Checkpoint{"redledger", size, root.ok() ? *root : Hash256{}, 0};
}

}  // namespace redledger::testing
