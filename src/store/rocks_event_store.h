// Internal entry points of the RocksDB EventStore for tests: they open the
// store over an injected rocksdb::Env (fault injection) and open its
// database raw (to damage stored values). Not part of the public API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "redledger/event_store.h"

namespace rocksdb {
class Env;
}

namespace redledger::store {

// OpenRocksEventStore with RocksDB's file access going through `env`.
// REQUIRES: `env` outlives the store.
Result<std::unique_ptr<EventStore>> OpenRocksEventStoreWithEnv(const std::string& dir, const StoreOptions& options,
                                                               rocksdb::Env* env);

// The store's column family names (besides RocksDB's "default").
const std::vector<std::string>& RocksColumnFamilyNames();

}  // namespace redledger::store
