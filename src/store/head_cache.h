// HeadCache: a bounded LRU of stream -> (version, position of that version)
// over the heads column family, so the writer checks expected versions of busy
// streams without a disk read, and readers learn whether that version is
// published yet, while memory stays bounded however many streams exist.
//
// Only the writer thread inserts (from what it read or wrote), so a reader can
// never put back a stale version. Thread safety: all methods are safe to call
// concurrently (one mutex).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace redledger::store {

class HeadCache {
 public:
  // capacity 0 disables the cache.
  explicit HeadCache(size_t capacity) : capacity_(capacity) {}

  struct Head {
    uint64_t version = 0;
    uint64_t position = kUnknownPosition;  // of the event with that version
  };
  static constexpr uint64_t kUnknownPosition = UINT64_MAX;

  std::optional<Head> Get(const std::string& stream);
  void Put(const std::string& stream, Head head);
  size_t size() const;

 private:
  using Entry = std::pair<std::string, Head>;
  const size_t capacity_;
  mutable std::mutex mu_;  // guards order_, index_
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace redledger::store
