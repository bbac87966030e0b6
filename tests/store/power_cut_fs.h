// PowerCutFileSystem: a rocksdb::FileSystemWrapper that simulates losing
// power, as RocksDB's own FaultInjectionTestFS does. It remembers, for every
// file written through it, how many bytes were last made durable by Sync or
// Fsync. PowerCut() makes the file system refuse all further writes (the
// machine is off); after the store is closed, DropUnsyncedData() truncates
// every file to its durable size — what a disk holds after the page cache is
// lost — and Restore() powers the machine back on.
//
// Simplifications: directory entries are assumed durable (RocksDB fsyncs its
// directories), and RangeSync does not count as durable.
//
// Thread safety: safe for RocksDB's concurrent use (one mutex).
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace redledger::testing {

class PowerCutFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerCutFileSystem(std::shared_ptr<rocksdb::FileSystem> base) : FileSystemWrapper(base) {}

  const char* Name() const override { return "PowerCutFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override;

  // From now on every write, sync, rename and delete fails.
  void PowerCut() { powered_.store(false); }
  // Truncates every tracked file to its synced size; returns how many bytes
  // were dropped. REQUIRES: the store using this file system is closed.
  uint64_t DropUnsyncedData();
  void Restore() { powered_.store(true); }

  bool powered() const { return powered_.load(); }
  // Called by the file wrappers.
  void Appended(const std::string& f, uint64_t bytes);
  void Synced(const std::string& f);

 private:
  struct Sizes {
    uint64_t written = 0;
    uint64_t synced = 0;
  };
  rocksdb::IOStatus Wrap(const std::string& f, rocksdb::IOStatus s, uint64_t initial_size,
                         std::unique_ptr<rocksdb::FSWritableFile>* r);

  std::atomic<bool> powered_{true};
  std::mutex mu_;                       // guards files_
  std::map<std::string, Sizes> files_;  // files written since the last power cut
};

}  // namespace redledger::testing
