#include "power_cut_fs.h"

#include <filesystem>

namespace redledger::testing {
namespace {

rocksdb::IOStatus PoweredOff() { return rocksdb::IOStatus::IOError("simulated power cut"); }

// Forwards to the real file and reports appends and syncs to the file system.
class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> f, PowerCutFileSystem* fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    if (!fs_->powered()) return PoweredOff();
    rocksdb::IOStatus s = target()->Append(data, o, d);
    if (s.ok()) fs_->Appended(name_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& /*info*/, rocksdb::IODebugContext* d) override {
    return Append(data, o, d);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PowerCutFileSystem tracks appends only");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     const rocksdb::DataVerificationInfo&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PowerCutFileSystem tracks appends only");
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (!fs_->powered()) return PoweredOff();
    rocksdb::IOStatus s = target()->Sync(o, d);
    if (s.ok()) fs_->Synced(name_);
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (!fs_->powered()) return PoweredOff();
    rocksdb::IOStatus s = target()->Fsync(o, d);
    if (s.ok()) fs_->Synced(name_);
    return s;
  }
  // sync_file_range is not a durability guarantee; the wrapper's default
  // would forward it, so it is made a no-op here.
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return fs_->powered() ? rocksdb::IOStatus::OK() : PoweredOff();
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (!fs_->powered()) return PoweredOff();
    return target()->Flush(o, d);
  }

 private:
  PowerCutFileSystem* fs_;
  std::string name_;
};

}  // namespace

rocksdb::IOStatus PowerCutFileSystem::Wrap(const std::string& f, rocksdb::IOStatus s, uint64_t initial_size,
                                           std::unique_ptr<rocksdb::FSWritableFile>* r) {
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Bytes already in a reopened file were there before this session: durable.
    files_[f] = Sizes{initial_size, initial_size};
  }
  *r = std::make_unique<TrackedFile>(std::move(*r), this, f);
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                      rocksdb::IODebugContext* d) {
  if (!powered()) return PoweredOff();
  return Wrap(f, target()->NewWritableFile(f, o, r, d), 0, r);
}

rocksdb::IOStatus PowerCutFileSystem::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                         std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                         rocksdb::IODebugContext* d) {
  if (!powered()) return PoweredOff();
  uint64_t size = 0;
  if (!target()->GetFileSize(f, rocksdb::IOOptions(), &size, d).ok()) size = 0;
  return Wrap(f, target()->ReopenWritableFile(f, o, r, d), size, r);
}

rocksdb::IOStatus PowerCutFileSystem::ReuseWritableFile(const std::string& f, const std::string& old,
                                                        const rocksdb::FileOptions& o,
                                                        std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                        rocksdb::IODebugContext* d) {
  if (!powered()) return PoweredOff();
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(old);
  }
  return Wrap(f, target()->ReuseWritableFile(f, old, o, r, d), 0, r);
}

rocksdb::IOStatus PowerCutFileSystem::RenameFile(const std::string& from, const std::string& to,
                                                 const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) {
  if (!powered()) return PoweredOff();
  rocksdb::IOStatus s = target()->RenameFile(from, to, o, d);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(from);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(from);
    } else {
      files_.erase(to);
    }
  }
  return s;
}

rocksdb::IOStatus PowerCutFileSystem::DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                                                 rocksdb::IODebugContext* d) {
  if (!powered()) return PoweredOff();
  rocksdb::IOStatus s = target()->DeleteFile(f, o, d);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(f);
  }
  return s;
}

void PowerCutFileSystem::Appended(const std::string& f, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[f].written += bytes;
}

void PowerCutFileSystem::Synced(const std::string& f) {
  std::lock_guard<std::mutex> lock(mu_);
  Sizes& s = files_[f];
  s.synced = s.written;
}

uint64_t PowerCutFileSystem::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t dropped = 0;
  for (const auto& [name, sizes] : files_) {
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(name, ec);
    if (ec || size <= sizes.synced) continue;
    std::filesystem::resize_file(name, sizes.synced, ec);
    if (!ec) dropped += size - sizes.synced;
  }
  files_.clear();
  return dropped;
}

}  // namespace redledger::testing
