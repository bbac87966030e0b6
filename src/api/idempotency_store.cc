// IdempotencyStore on RocksDB (the one file of the api module that uses it).
//
// Keys, in the default column family:
//   'r' ‖ principal ‖ 0x00 ‖ key        -> record
//   'e' ‖ BE64(expires_at) ‖ principal ‖ 0x00 ‖ key -> ""   (the sweep's index)
// Record: BE64(expires_at) ‖ request hash(32) ‖ BE64(status) ‖ body.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "redledger/api.h"

namespace redledger::api {

struct IdempotencyStore::Rep {
  std::unique_ptr<rocksdb::DB> db;
  const Clock* clock;
  Micros ttl;
};

namespace {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  return Status::IOError("idempotency store: " + s.ToString());
}

std::string RecordKey(std::string_view principal, std::string_view key) {
  std::string k = "r";
  k.append(principal).push_back('\0');
  k.append(key);
  return k;
}

std::string ExpiryKey(Micros expires, std::string_view record_key) {
  std::string k = "e";
  PutBigEndian64(&k, static_cast<uint64_t>(expires));
  k.append(record_key.substr(1));
  return k;
}

}  // namespace

IdempotencyStore::IdempotencyStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
IdempotencyStore::~IdempotencyStore() = default;

Result<std::unique_ptr<IdempotencyStore>> IdempotencyStore::Open(const std::string& dir, const Clock* clock,
                                                                 std::chrono::seconds ttl) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir, &db)));
  auto rep = std::make_unique<Rep>();
  rep->db.reset(db);
  rep->clock = clock;
  rep->ttl = static_cast<Micros>(ttl.count()) * kMicrosPerSecond;
  return std::unique_ptr<IdempotencyStore>(new IdempotencyStore(std::move(rep)));
}

Result<std::optional<IdempotencyStore::Record>> IdempotencyStore::Find(std::string_view principal_id,
                                                                       std::string_view key) const {
  std::string value;
  rocksdb::Status s = rep_->db->Get(rocksdb::ReadOptions(), RecordKey(principal_id, key), &value);
  if (s.IsNotFound()) return std::optional<Record>();
  REDLEDGER_RETURN_IF_ERROR(FromRocks(s));
  if (value.size() < 48) return Status::Corruption("idempotency record too short");
  auto expires = static_cast<Micros>(GetBigEndian64(value.data()));
  if (expires <= rep_->clock->NowMicros()) return std::optional<Record>();
  Record r;
  std::copy(value.begin() + 8, value.begin() + 40, r.request_hash.begin());
  r.status = static_cast<int>(GetBigEndian64(value.data() + 40));
  r.body = value.substr(48);
  return std::optional<Record>(std::move(r));
}

Status IdempotencyStore::Put(std::string_view principal_id, std::string_view key, const Record& record) {
  Micros expires = rep_->clock->NowMicros() + rep_->ttl;
  std::string rk = RecordKey(principal_id, key);
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(expires));
  value.append(reinterpret_cast<const char*>(record.request_hash.data()), record.request_hash.size());
  PutBigEndian64(&value, static_cast<uint64_t>(record.status));
  value.append(record.body);
  rocksdb::WriteBatch batch;
  batch.Put(rk, value);
  batch.Put(ExpiryKey(expires, rk), "");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(rep_->db->Write(wo, &batch));
}

Result<size_t> IdempotencyStore::Sweep() {
  std::string upper = "e";
  PutBigEndian64(&upper, static_cast<uint64_t>(rep_->clock->NowMicros()) + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(rep_->db->NewIterator(ro));
  rocksdb::WriteBatch batch;
  size_t swept = 0;
  for (it->Seek("e"); it->Valid(); it->Next()) {
    std::string_view ek(it->key().data(), it->key().size());
    std::string rk = "r" + std::string(ek.substr(9));
    // A later Put for the key moved its expiry: delete the record only when
    // this index entry is still its own.
    std::string value;
    rocksdb::Status s = rep_->db->Get(rocksdb::ReadOptions(), rk, &value);
    if (s.ok() && value.size() >= 8 && value.compare(0, 8, ek.substr(1, 8)) == 0) batch.Delete(rk);
    batch.Delete(ek);
    ++swept;
  }
  REDLEDGER_RETURN_IF_ERROR(FromRocks(it->status()));
  if (swept == 0) return swept;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(rep_->db->Write(rocksdb::WriteOptions(), &batch)));
  return swept;
}

}  // namespace redledger::api
