// ImportEnvelopes: writes verified envelopes from another log into a RocksDB
// store verbatim, in the key layout documented at the top of
// rocks_event_store.cc (log, streams, heads, event_ids, tree, meta), so the
// store opened afterwards cannot tell imported events from appended ones.
//
// It opens the database as the only writer (RocksDB's lock refuses a second
// one), so no EventStore's in-memory tip can go stale behind its back.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <set>

#include "redledger/codec.h"
#include "redledger/event_store.h"
#include "store/rocks_event_store.h"

namespace redledger {
namespace {

// Column family indexes in RocksColumnFamilyNames() order.
enum Cf : size_t { kLog, kStreams, kHeads, kEventIds, kTree, kMeta, kCfCount };

std::string U64Key(uint64_t v) {
  std::string k;
  PutBigEndian64(&k, v);
  return k;
}

std::string ImportError(const rocksdb::Status& s, const std::string& what) {
  return what + ": " + s.ToString();
}

class Importer {
 public:
  ~Importer() {
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    if (db_ != nullptr) db_->Close().PermitUncheckedError();
    delete db_;
  }

  Status Open(const std::string& dir) {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    for (const std::string& name : store::RocksColumnFamilyNames()) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::Status s = rocksdb::DB::Open(options, dir, cfs, &handles_, &db_);
    if (!s.ok()) {
      // A held LOCK file means another process (the server) has the store open.
      if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
        return Status::Unavailable("the store in " + dir + " is in use (stop the server first): " + s.ToString());
      }
      return Status::IOError(ImportError(s, "opening the store in " + dir));
    }
    db_->DestroyColumnFamilyHandle(handles_[0]).PermitUncheckedError();
    handles_.erase(handles_.begin());
    Result<uint64_t> head = ReadU64(kMeta, "head");
    if (!head.ok()) return head.status();
    Result<uint64_t> recorded_at = ReadU64(kMeta, "recorded_at");
    if (!recorded_at.ok()) return recorded_at.status();
    head_ = *head;
    last_recorded_at_ = static_cast<Micros>(*recorded_at);
    Result<merkle::CompactRange> tree = merkle::CompactRange::Load(head_, [this](uint8_t level, uint64_t index) -> Result<Hash256> {
      std::string key(1, static_cast<char>(level));
      PutBigEndian64(&key, index);
      std::string value;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kTree], key, &value);
      if (!s.ok() || value.size() != 32) return Status::Corruption("tree node " + std::to_string(level) + "/" + std::to_string(index) + " unreadable");
      Hash256 h;
      std::copy(value.begin(), value.end(), h.begin());
      return h;
    });
    if (!tree.ok()) return tree.status();
    tree_ = std::move(tree).value();
    return Status::OK();
  }

  uint64_t head() const { return head_; }

  // Checks `e` against the store and the events before it in this import,
  // and adds it to the pending batch.
  Status Add(const Envelope& e) {
    const std::string at = "position " + std::to_string(e.position) + ": ";
    if (e.position != head_ + 1) {
      return Status::InvalidArgument(at + "expected position " + std::to_string(head_ + 1));
    }
    if (e.stream.empty() || e.stream.size() > 200 || e.stream.find('\0') != std::string::npos ||
        !IsValidUtf8(e.stream)) {
      return Status::InvalidArgument(at + "invalid stream name");
    }
    if (!IsUuid(e.event_id)) return Status::InvalidArgument(at + "event_id is not a lower-case UUID");
    if (e.recorded_at < last_recorded_at_) return Status::InvalidArgument(at + "recorded_at goes back in time");
    Result<std::string> canonical = CanonicalizeJson(e.data);
    if (!canonical.ok() || *canonical != e.data) return Status::InvalidArgument(at + "data is not canonical JSON");
    if (LeafHash(e) != e.hash) return Status::Corruption(at + "hash mismatch");
    Result<uint64_t> version = StreamVersion(e.stream);
    if (!version.ok()) return version.status();
    if (e.version != *version + 1) {
      return Status::InvalidArgument(at + "stream " + e.stream + " is at version " + std::to_string(*version) +
                                     ", not " + std::to_string(e.version - 1));
    }
    const std::string id_key = EventIdKey(e.event_id);
    std::string ignored;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kEventIds], id_key, &ignored);
    if (s.ok() || pending_ids_.count(id_key) != 0) return Status::InvalidArgument(at + "event_id " + e.event_id + " is already stored");
    if (!s.IsNotFound()) return Status::IOError(ImportError(s, at + "looking up the event id"));

    const std::string position = U64Key(e.position);
    std::string stream_key = e.stream;
    stream_key.push_back('\0');
    PutBigEndian64(&stream_key, e.version);
    batch_.Put(handles_[kLog], position, EncodeEnvelope(e)).PermitUncheckedError();
    batch_.Put(handles_[kStreams], stream_key, position).PermitUncheckedError();
    batch_.Put(handles_[kEventIds], id_key, position).PermitUncheckedError();
    for (const merkle::Node& n : tree_.Append(e.hash)) {
      std::string key(1, static_cast<char>(n.level));
      PutBigEndian64(&key, n.index);
      batch_.Put(handles_[kTree], key, rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()))
          .PermitUncheckedError();
    }
    pending_ids_.insert(id_key);
    pending_heads_[e.stream] = e.version;
    head_ = e.position;
    last_recorded_at_ = e.recorded_at;
    return Status::OK();
  }

  size_t pending() const { return pending_ids_.size(); }

  // Writes the pending batch with the heads and meta, synced.
  Status Flush() {
    if (pending_ids_.empty()) return Status::OK();
    for (const auto& [stream, version] : pending_heads_) {
      batch_.Put(handles_[kHeads], stream, U64Key(version)).PermitUncheckedError();
    }
    batch_.Put(handles_[kMeta], "head", U64Key(head_)).PermitUncheckedError();
    batch_.Put(handles_[kMeta], "recorded_at", U64Key(static_cast<uint64_t>(last_recorded_at_))).PermitUncheckedError();
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Write(wo, &batch_);
    if (!s.ok()) return Status::IOError(ImportError(s, "writing positions up to " + std::to_string(head_)));
    batch_.Clear();
    pending_ids_.clear();
    for (auto& [stream, version] : pending_heads_) stream_heads_[stream] = version;
    pending_heads_.clear();
    return Status::OK();
  }

 private:
  Result<uint64_t> ReadU64(Cf cf, const std::string& key) const {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[cf], key, &value);
    if (s.IsNotFound()) return uint64_t{0};
    if (!s.ok()) return Status::IOError(ImportError(s, "reading " + key));
    if (value.size() != 8) return Status::Corruption(key + ": expected 8 bytes");
    return GetBigEndian64(value.data());
  }

  Result<uint64_t> StreamVersion(const std::string& stream) {
    if (auto it = pending_heads_.find(stream); it != pending_heads_.end()) return it->second;
    if (auto it = stream_heads_.find(stream); it != stream_heads_.end()) return it->second;
    Result<uint64_t> v = ReadU64(kHeads, stream);
    if (v.ok()) stream_heads_[stream] = *v;
    return v;
  }

  // The 16 bytes a UUID spells (the event_ids key). REQUIRES: IsUuid(id).
  static std::string EventIdKey(const std::string& id) {
    std::string hex;
    for (char c : id) {
      if (c != '-') hex.push_back(c);
    }
    return HexDecode(hex).value();
  }

  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // indexed by Cf
  uint64_t head_ = 0;
  Micros last_recorded_at_ = 0;
  merkle::CompactRange tree_;
  rocksdb::WriteBatch batch_;
  std::set<std::string> pending_ids_;
  std::map<std::string, uint64_t> pending_heads_;
  std::map<std::string, uint64_t> stream_heads_;  // versions read or written so far
};

}  // namespace

Result<uint64_t> ImportEnvelopes(const std::string& dir, const std::function<Result<bool>(Envelope*)>& next,
                                 size_t batch_events) {
  Importer importer;
  REDLEDGER_RETURN_IF_ERROR(importer.Open(dir));
  for (;;) {
    Envelope e;
    Result<bool> more = next(&e);
    if (!more.ok()) return more.status();
    if (!*more) break;
    REDLEDGER_RETURN_IF_ERROR(importer.Add(e));
    if (importer.pending() >= std::max<size_t>(batch_events, 1)) REDLEDGER_RETURN_IF_ERROR(importer.Flush());
  }
  REDLEDGER_RETURN_IF_ERROR(importer.Flush());
  return importer.head();
}

}  // namespace redledger
