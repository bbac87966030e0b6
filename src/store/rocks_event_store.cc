// The RocksDB EventStore.
//
// Column families and keys (integers are unsigned big-endian, so keys sort
// like the numbers they hold):
//
//   log       : Position                  -> EncodeEnvelope(envelope)
//   streams   : Stream 0x00 Version       -> Position
//   heads     : Stream                    -> Version
//   event_ids : Uuid                      -> Position
//   tree      : Level Index               -> Hash            (redledger/merkle.h)
//   meta      : "head"                    -> Position         (last position)
//               "recorded_at"             -> Micros           (of the last event, as u64)
//
//   Position, Version, Index, Micros := 8 bytes
//   Level  := 1 byte
//   Stream := 1..max_stream_name_bytes bytes of UTF-8 without NUL
//   Uuid   := the 16 bytes a lower-case UUID text spells
//   Hash   := 32 bytes
//
// Every group commit writes all of its keys in ONE WriteBatch, so the log, the
// indexes, the tree and the meta head never disagree after a crash. Readers
// see positions up to the published head only, which with sync=true means
// only synced data.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "redledger/codec.h"
#include "store/group_commit.h"
#include "store/head_cache.h"
#include "store/rocks_event_store.h"

namespace redledger {
namespace {

enum Cf : size_t { kLog, kStreams, kHeads, kEventIds, kTree, kMeta, kCfCount };

const char kMetaHead[] = "head";
const char kMetaRecordedAt[] = "recorded_at";

// The one place rocksdb::Status becomes a redledger Status.
Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  std::string msg = what + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsIOError() || s.IsNoSpace()) return Status::IOError(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsShutdownInProgress() || s.IsTimedOut()) return Status::Unavailable(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  return Status::IOError(msg);
}

std::string U64Key(uint64_t v) {
  std::string k;
  PutBigEndian64(&k, v);
  return k;
}

std::string StreamKey(const std::string& stream, uint64_t version) {
  std::string k = stream;
  k.push_back('\0');
  PutBigEndian64(&k, version);
  return k;
}

// Past every key of `stream` in the streams CF (NUL is the separator, 0x01 > NUL).
std::string StreamEnd(const std::string& stream) { return stream + '\x01'; }

std::string EventIdKey(const std::string& event_id) {
  std::string hex;
  for (char c : event_id) {
    if (c != '-') hex.push_back(c);
  }
  Result<std::string> raw = HexDecode(hex);
  // Stored ids are validated UUIDs; any other text would be keyed as itself.
  return raw.ok() && raw->size() == 16 ? std::move(raw).value() : event_id;
}

std::string TreeKey(uint8_t level, uint64_t index) {
  std::string k(1, static_cast<char>(level));
  PutBigEndian64(&k, index);
  return k;
}

Result<uint64_t> DecodeU64(const rocksdb::Slice& value, const std::string& what) {
  if (value.size() != 8) return Status::Corruption(what + ": expected 8 bytes, found " + std::to_string(value.size()));
  return GetBigEndian64(value.data());
}

Status CorruptAt(uint64_t position, const std::string& why) {
  return Status::Corruption("event at position " + std::to_string(position) + ": " + why);
}

// Decodes a log value stored under `position` into `e`; with `check_hash`,
// also recomputes the leaf hash and compares it with the stored one.
Status DecodeLogValue(uint64_t position, const rocksdb::Slice& bytes, bool check_hash, Envelope* e) {
  Status s = DecodeEnvelopeInto(std::string_view(bytes.data(), bytes.size()), e);
  if (!s.ok()) return CorruptAt(position, s.message());
  if (e->position != position) return CorruptAt(position, "stored under the wrong key");
  if (check_hash && LeafHash(*e) != e->hash) return CorruptAt(position, "hash mismatch");
  return Status::OK();
}

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache, bool point_lookups,
                                       int append_prefix) {
  rocksdb::ColumnFamilyOptions cf;
  if (append_prefix >= 0) {
    // Keys after this prefix only ever grow: insertion hints make each
    // memtable insert O(1) instead of a skip-list search.
    cf.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(append_prefix));
  }
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (point_lookups) {
    // Most lookups of new event ids and new streams miss: bloom filters make a
    // miss cost no disk read, in SST files and in the memtable.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    cf.memtable_whole_key_filtering = true;
    cf.memtable_prefix_bloom_size_ratio = 0.02;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

class RocksEventStore final : public EventStore, private store::BatchSink {
 public:
  RocksEventStore(const StoreOptions& options, rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
                  std::string secondary_dir)
      : options_(options),
        db_(db),
        handles_(std::move(handles)),
        secondary_dir_(std::move(secondary_dir)),
        heads_cache_(options.head_cache_entries) {}

  ~RocksEventStore() override {
    committer_.reset();  // answers every queued append while the database is open
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    delete db_;
    if (!secondary_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(secondary_dir_, ignored);
    }
  }

  // Reads the meta head, checks it against the log and loads the tree frontier.
  Status Start() {
    Result<store::LogTip> tip = LoadTip();
    if (!tip.ok()) return tip.status();
    head_.store(tip->head, std::memory_order_release);
    if (!options_.read_only) committer_ = std::make_unique<store::GroupCommitter>(options_, static_cast<store::BatchSink*>(this), std::move(*tip));
    return Status::OK();
  }

  Result<AppendResult> Append(std::vector<AppendPart> parts) override {
    if (committer_ == nullptr) return Status::Unavailable("the store is open read-only");
    return committer_->Append(std::move(parts));
  }
  void AppendAsync(std::vector<AppendPart> parts, AppendCallback done) override {
    if (committer_ == nullptr) {
      done(Status::Unavailable("the store is open read-only"));
      return;
    }
    committer_->Submit(std::move(parts), std::move(done));
  }

  uint64_t Head() const override { return head_.load(std::memory_order_acquire); }

  Result<uint64_t> StreamVersion(const std::string& stream) const override {
    const uint64_t head = Head();
    std::optional<store::HeadCache::Head> cached = heads_cache_.Get(stream);
    if (cached && cached->position <= head) return cached->version;
    return VisibleVersion(stream, head);
  }

  Result<std::vector<Envelope>> ReadAll(uint64_t after, size_t limit) const override {
    std::vector<Envelope> out;
    const uint64_t head = Head();
    if (after >= head || limit == 0) return out;
    const uint64_t end = after + std::min<uint64_t>(limit, head - after);
    Status s = IterateLog(after, end, /*check_hash=*/true, [&out](Envelope& e) {
      out.push_back(std::move(e));
      return true;
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<std::vector<Envelope>> ReadStream(const std::string& stream, uint64_t from_version, Direction dir,
                                           size_t limit) const override {
    Result<std::vector<uint64_t>> positions = StreamPositions(stream, from_version, dir, limit);
    if (!positions.ok()) return positions.status();
    std::vector<Envelope> out;
    out.reserve(positions->size());
    for (uint64_t p : *positions) {
      Result<Envelope> e = ReadAt(p);
      if (!e.ok()) return e.status().IsNotFound() ? CorruptAt(p, "indexed by stream " + stream + " but missing")
                                                  : e.status();
      if (e->stream != stream) return CorruptAt(p, "indexed by stream " + stream + " but stored in " + e->stream);
      out.push_back(std::move(e).value());
    }
    return out;
  }

  Result<Envelope> ReadAt(uint64_t position) const override {
    if (position == 0 || position > Head()) {
      return Status::NotFound("no event at position " + std::to_string(position));
    }
    return ReadLogAt(position);
  }

  // ReadAt without the published-head bound.
  Result<Envelope> ReadLogAt(uint64_t position) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kLog], U64Key(position), &value);
    if (s.IsNotFound()) return CorruptAt(position, "missing from the log");
    if (!s.ok()) return FromRocks(s, "reading position " + std::to_string(position));
    Envelope e;
    REDLEDGER_RETURN_IF_ERROR(DecodeLogValue(position, value, /*check_hash=*/true, &e));
    return e;
  }

  Status Scan(uint64_t after, uint64_t until, const std::function<bool(const Envelope&)>& fn) const override {
    const uint64_t end = std::min(until, Head());
    if (after >= end) return Status::OK();
    return IterateLog(after, end, /*check_hash=*/false, [&fn](Envelope& e) { return fn(e); });
  }

  merkle::NodeReader TreeReader() const override {
    rocksdb::DB* db = db_;
    rocksdb::ColumnFamilyHandle* tree = handles_[kTree];
    return [db, tree](uint8_t level, uint64_t index) -> Result<Hash256> {
      const std::string what = "tree node " + std::to_string(level) + "/" + std::to_string(index);
      rocksdb::PinnableSlice value;
      rocksdb::Status s = db->Get(rocksdb::ReadOptions(), tree, TreeKey(level, index), &value);
      if (!s.ok()) return FromRocks(s, what);
      if (value.size() != 32) return Status::Corruption(what + ": not 32 bytes");
      Hash256 h;
      std::copy(value.data(), value.data() + 32, h.begin());
      return h;
    };
  }

  ListenerId AddListener(Listener fn) override {
    // A read-only store never commits, so its listeners are never called.
    if (committer_ == nullptr) return 0;
    return committer_->AddListener(std::move(fn));
  }
  void RemoveListener(ListenerId id) override {
    if (committer_ != nullptr) committer_->RemoveListener(id);
  }

 private:
  Result<store::LogTip> LoadTip() const {
    store::LogTip tip;
    Result<uint64_t> head = ReadMeta(kMetaHead);
    if (!head.ok()) return head.status();
    Result<uint64_t> recorded_at = ReadMeta(kMetaRecordedAt);
    if (!recorded_at.ok()) return recorded_at.status();
    tip.head = *head;
    tip.last_recorded_at = static_cast<Micros>(*recorded_at);

    // The last log key must be the meta head: both are written in one batch.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kLog]));
    it->SeekToLast();
    uint64_t last = 0;
    if (it->Valid()) {
      Result<uint64_t> k = DecodeU64(it->key(), "log key");
      if (!k.ok()) return k.status();
      last = *k;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the log's last key");
    if (last != tip.head) {
      return Status::Corruption("log ends at position " + std::to_string(last) + " but its head is " +
                                std::to_string(tip.head));
    }
    Result<merkle::CompactRange> tree = merkle::CompactRange::Load(tip.head, TreeReader());
    if (!tree.ok()) return tree.status();
    tip.tree = std::move(tree).value();
    return tip;
  }

  Result<uint64_t> ReadMeta(const char* key) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kMeta], key, &value);
    if (s.IsNotFound()) return uint64_t{0};
    if (!s.ok()) return FromRocks(s, std::string("reading meta ") + key);
    return DecodeU64(value, std::string("meta ") + key);
  }

  // The last version of `stream` whose position is at most `head`: what
  // readers see while later versions are written but not yet durable.
  Result<uint64_t> VisibleVersion(const std::string& stream, uint64_t head) const {
    const std::string lower = StreamKey(stream, 0), upper = StreamEnd(stream);
    rocksdb::Slice lower_slice(lower), upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_slice;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[kStreams]));
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      Result<uint64_t> position = DecodeU64(it->value(), "stream index of " + stream);
      if (!position.ok()) return position.status();
      if (*position <= head) return GetBigEndian64(it->key().data() + it->key().size() - 8);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading stream " + stream);
    return uint64_t{0};
  }

  Result<uint64_t> ReadHead(const std::string& stream) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kHeads], stream, &value);
    if (s.IsNotFound()) return uint64_t{0};
    if (!s.ok()) return FromRocks(s, "reading the head of " + stream);
    return DecodeU64(value, "head of " + stream);
  }

  // Calls fn with positions after+1..end in order, decoding each into the
  // same Envelope (fn may move from it); a missing position is corruption.
  // REQUIRES: after < end <= Head().
  Status IterateLog(uint64_t after, uint64_t end, bool check_hash, const std::function<bool(Envelope&)>& fn) const {
    const std::string upper = U64Key(end + 1);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    if (!check_hash) {
      // A rebuild scan reads everything once: do not evict the hot set for it.
      ro.fill_cache = false;
      ro.readahead_size = 2 << 20;
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[kLog]));
    uint64_t expected = after + 1;
    Envelope e;
    for (it->Seek(U64Key(expected)); it->Valid(); it->Next()) {
      Result<uint64_t> key = DecodeU64(it->key(), "log key");
      if (!key.ok()) return key.status();
      if (*key != expected) return CorruptAt(expected, "missing from the log");
      REDLEDGER_RETURN_IF_ERROR(DecodeLogValue(expected, it->value(), check_hash, &e));
      ++expected;
      if (!fn(e)) return Status::OK();
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
    if (expected != end + 1) return CorruptAt(expected, "missing from the log");
    return Status::OK();
  }

  // The positions of a stream's events as ReadStream orders them, limited to
  // the published head.
  Result<std::vector<uint64_t>> StreamPositions(const std::string& stream, uint64_t from_version, Direction dir,
                                                size_t limit) const {
    std::vector<uint64_t> out;
    if (limit == 0) return out;
    const uint64_t head = Head();
    const bool forward = dir == Direction::kForward;
    const std::string lower = StreamKey(stream, forward ? std::max<uint64_t>(from_version, 1) : 0);
    const std::string upper = (forward || from_version == 0 || from_version == UINT64_MAX)
                                  ? StreamEnd(stream)
                                  : StreamKey(stream, from_version + 1);
    rocksdb::Slice lower_slice(lower), upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_slice;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[kStreams]));
    if (forward) {
      it->Seek(lower);
    } else {
      it->SeekToLast();
    }
    for (; it->Valid() && out.size() < limit; forward ? it->Next() : it->Prev()) {
      Result<uint64_t> position = DecodeU64(it->value(), "stream index of " + stream);
      if (!position.ok()) return position.status();
      if (*position > head) {
        if (forward) break;  // written by a commit not yet published
        continue;
      }
      out.push_back(*position);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading stream " + stream);
    return out;
  }

  // store::CommittedState, called by the writer thread.
  Result<uint64_t> StreamHead(const std::string& stream) override {
    if (std::optional<store::HeadCache::Head> cached = heads_cache_.Get(stream)) return cached->version;
    Result<uint64_t> v = ReadHead(stream);
    if (v.ok()) heads_cache_.Put(stream, {*v, *v == 0 ? 0 : store::HeadCache::kUnknownPosition});
    return v;
  }
  Result<std::optional<uint64_t>> EventPosition(const std::string& event_id) override {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kEventIds], EventIdKey(event_id), &value);
    if (s.IsNotFound()) return std::optional<uint64_t>();
    if (!s.ok()) return FromRocks(s, "looking up event id " + event_id);
    Result<uint64_t> position = DecodeU64(value, "position of event id " + event_id);
    if (!position.ok()) return position.status();
    return std::optional<uint64_t>(*position);
  }
  Result<Envelope> EnvelopeAt(uint64_t position) override { return ReadLogAt(position); }

  // store::BatchSink
  Status Write(const std::vector<const store::SealedBatch*>& group) override {
    rocksdb::WriteBatch wb;
    rocksdb::Status s;
    std::string position;
    for (const store::SealedBatch* batch : group) {
      const std::vector<Envelope>& events = *batch->events;
      for (size_t i = 0; i < events.size() && s.ok(); ++i) {
        const Envelope& e = events[i];
        position = U64Key(e.position);
        s = wb.Put(handles_[kLog], position, batch->encoded[i]);
        if (s.ok()) s = wb.Put(handles_[kStreams], StreamKey(e.stream, e.version), position);
        if (s.ok()) s = wb.Put(handles_[kEventIds], EventIdKey(e.event_id), position);
      }
      for (auto it = batch->heads.begin(); it != batch->heads.end() && s.ok(); ++it) {
        s = wb.Put(handles_[kHeads], it->first, U64Key(it->second));
      }
      for (size_t i = 0; i < batch->nodes.size() && s.ok(); ++i) {
        const merkle::Node& n = batch->nodes[i];
        s = wb.Put(handles_[kTree], TreeKey(n.level, n.index),
                   rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
      }
    }
    const store::LogTip& tip = group.back()->tip;
    if (s.ok()) s = wb.Put(handles_[kMeta], kMetaHead, U64Key(tip.head));
    if (s.ok()) s = wb.Put(handles_[kMeta], kMetaRecordedAt, U64Key(static_cast<uint64_t>(tip.last_recorded_at)));
    if (!s.ok()) return FromRocks(s, "building the write batch");
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    s = db_->Write(wo, &wb);
    if (!s.ok()) return FromRocks(s, "writing positions up to " + std::to_string(tip.head));
    // The planner reads heads through this cache once it prunes its overlay.
    for (const store::SealedBatch* batch : group) {
      const std::vector<Envelope>& events = *batch->events;
      for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (batch->heads.at(it->stream) == it->version) heads_cache_.Put(it->stream, {it->version, it->position});
      }
    }
    return Status::OK();
  }

  void Publish(uint64_t head) override { head_.store(head, std::memory_order_release); }

  const StoreOptions options_;
  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // indexed by Cf
  const std::string secondary_dir_;                          // a secondary's own files, removed on close
  mutable store::HeadCache heads_cache_;
  std::atomic<uint64_t> head_{0};  // published: readers see positions 1..head_
  std::unique_ptr<store::GroupCommitter> committer_;  // null when read-only
};

Result<std::string> MakeSecondaryDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "redledger-secondary-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Status::IOError("cannot create a directory for a read-only open");
  return pattern;
}

}  // namespace

namespace store {

const std::vector<std::string>& RocksColumnFamilyNames() {
  static const std::vector<std::string> names = {"log", "streams", "heads", "event_ids", "tree", "meta"};
  return names;
}

Result<std::unique_ptr<EventStore>> OpenRocksEventStoreWithEnv(const std::string& dir, const StoreOptions& options,
                                                               rocksdb::Env* env) {
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;
  if (env != nullptr) db_options.env = env;

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, CfOptions(cache, false, -1));
  for (size_t i = 0; i < kCfCount; ++i) {
    const bool point_lookups = i == kHeads || i == kEventIds;
    // log keys grow as a whole; tree keys grow within each level byte.
    const int append_prefix = i == kLog ? 0 : i == kTree ? 1 : -1;
    cfs.emplace_back(RocksColumnFamilyNames()[i], CfOptions(cache, point_lookups, append_prefix));
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  std::string secondary_dir;
  rocksdb::Status s;
  if (options.read_only) {
    // A secondary instance is RocksDB's supported way to read beside a
    // running writer; it sees the store as of this open.
    if (!std::filesystem::exists(dir)) return Status::NotFound("no store in " + dir);
    Result<std::string> sec = MakeSecondaryDir();
    if (!sec.ok()) return sec.status();
    secondary_dir = *sec;
    db_options.create_if_missing = false;
    db_options.max_open_files = -1;
    s = rocksdb::DB::OpenAsSecondary(db_options, dir, secondary_dir, cfs, &handles, &db);
    if (s.ok()) s = db->TryCatchUpWithPrimary();
  } else {
    s = rocksdb::DB::Open(db_options, dir, cfs, &handles, &db);
  }
  if (!s.ok()) {
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    delete db;
    std::error_code ignored;
    if (!secondary_dir.empty()) std::filesystem::remove_all(secondary_dir, ignored);
    return FromRocks(s, "opening the event store in " + dir);
  }
  // handles[0] is "default", unused; the store indexes its own families by Cf.
  db->DestroyColumnFamilyHandle(handles[0]).PermitUncheckedError();
  handles.erase(handles.begin());
  auto store = std::make_unique<RocksEventStore>(options, db, std::move(handles), std::move(secondary_dir));
  REDLEDGER_RETURN_IF_ERROR(store->Start());
  return std::unique_ptr<EventStore>(std::move(store));
}

}  // namespace store

Result<std::unique_ptr<EventStore>> OpenRocksEventStore(const std::string& dir, const StoreOptions& options) {
  return store::OpenRocksEventStoreWithEnv(dir, options, nullptr);
}

}  // namespace redledger
