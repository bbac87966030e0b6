// Shared helpers for the event store tests: event builders, and one "kind"
// per EventStore implementation for typed tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "redledger/encoding.h"
#include "redledger/event_store.h"
#include "support/temp_dir.h"

namespace redledger::testing {

inline NewEvent Ev(std::string type = "test.happened", std::string data = "{}") {
  NewEvent e;
  e.type = std::move(type);
  e.event_id = NewUuidV4();
  e.actor = Actor{"tester", "admin", std::nullopt};
  e.data = std::move(data);
  return e;
}

inline AppendPart Part(std::string stream, ExpectedVersion expected, size_t events = 1) {
  AppendPart p{std::move(stream), expected, {}};
  for (size_t i = 0; i < events; ++i) p.events.push_back(Ev());
  return p;
}

inline std::vector<AppendPart> One(std::string stream, ExpectedVersion expected, size_t events = 1) {
  std::vector<AppendPart> parts;
  parts.push_back(Part(std::move(stream), expected, events));
  return parts;
}

struct MemoryStoreKind {
  static constexpr const char* kName = "memory";
  Result<std::unique_ptr<EventStore>> Open(const StoreOptions& options) { return NewMemoryEventStore(options); }
};

struct RocksStoreKind {
  static constexpr const char* kName = "rocksdb";
  TempDir dir;
  Result<std::unique_ptr<EventStore>> Open(const StoreOptions& options) {
    return OpenRocksEventStore(dir.path(), options);
  }
};

using StoreKinds = ::testing::Types<MemoryStoreKind, RocksStoreKind>;

struct StoreKindNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

}  // namespace redledger::testing
