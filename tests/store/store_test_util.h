// Shared helpers for the event store tests: temporary directories, event
// builders, and one "kind" per EventStore implementation for typed tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "redledger/encoding.h"
#include "redledger/event_store.h"

namespace redledger::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "redledger-store-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
