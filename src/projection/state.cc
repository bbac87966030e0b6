// ApplyContext and StateReader: a projection copy's key space in RocksDB.
#include "projection/kv.h"
#include "projection/projection_base.h"

namespace redledger::projection_internal {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  if (s.IsIOError()) return Status::IOError(s.ToString());
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsShutdownInProgress()) {
    return Status::Unavailable(s.ToString());
  }
  return Status::Internal(s.ToString());
}

void ApplyContext::Put(std::string_view key, std::string_view value) {
  std::string k = prefix_;
  k.append(key);
  batch_.Put(k, rocksdb::Slice(value.data(), value.size()));
}

void ApplyContext::PutReadable(std::string_view key, std::string_view value) {
  Put(key, value);
  overlay_[std::string(key)] = std::string(value);
}

void ApplyContext::Delete(std::string_view key) {
  std::string k = prefix_;
  k.append(key);
  batch_.Delete(k);
  overlay_[std::string(key)] = std::nullopt;
}

Result<std::optional<std::string>> ApplyContext::Get(std::string_view key) {
  auto it = overlay_.find(std::string(key));
  if (it != overlay_.end()) return it->second;
  std::string k = prefix_;
  k.append(key);
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), k, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

void ApplyContext::Changed(ProjectionChange::Kind kind, std::string id) {
  for (const ProjectionChange& c : changes_) {
    if (c.kind == kind && c.id == id) return;
  }
  changes_.push_back(ProjectionChange{kind, std::move(id), 0});
}

std::vector<ProjectionChange> ApplyContext::TakeChanges() {
  std::vector<ProjectionChange> out;
  out.swap(changes_);
  return out;
}

void ApplyContext::Reset() {
  batch_.Clear();
  overlay_.clear();
  changes_.clear();
}

Status ApplyRange(const EventStore& store, rocksdb::DB* db, Projection* p, ApplyContext* ctx, uint64_t after,
                  uint64_t until, const std::atomic<bool>* stop) {
  uint64_t last = after;
  Status apply;
  Status scan = store.Scan(after, until, [&](const Envelope& e) {
    if (e.position != last + 1) {
      apply = Status::Corruption("projection " + std::string(p->name()) + ": position " + std::to_string(e.position) +
                                 " follows " + std::to_string(last));
      return false;
    }
    apply = p->Apply(e, ctx);
    last = e.position;
    return apply.ok() && !(stop && stop->load());
  });
  REDLEDGER_RETURN_IF_ERROR(scan);
  REDLEDGER_RETURN_IF_ERROR(apply);
  if (last != until) return Status::Unavailable("projection " + std::string(p->name()) + " stopped mid-batch");
  ctx->batch()->Put(ctx->prefix() + std::string(1, '\0'), KeyBE("", until));
  return FromRocks(db->Write(rocksdb::WriteOptions(), ctx->batch()));
}

Result<std::optional<std::string>> StateReader::Get(std::string_view key) const {
  std::string k = prefix_;
  k.append(key);
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), k, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

StateReader::Iter::Iter(rocksdb::DB* db, const std::string& prefix, std::string_view lower, std::string_view upper)
    : prefix_len_(prefix.size()), lower_(prefix + std::string(lower)), upper_(prefix + std::string(upper)),
      lower_slice_(lower_), upper_slice_(upper_), prefix_(prefix) {
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice_;
  ro.iterate_upper_bound = &upper_slice_;
  it_.reset(db->NewIterator(ro));
}

void StateReader::Iter::Seek(std::string_view key) { it_->Seek(prefix_ + std::string(key)); }
void StateReader::Iter::SeekForPrev(std::string_view key) { it_->SeekForPrev(prefix_ + std::string(key)); }
std::string_view StateReader::Iter::key() const {
  rocksdb::Slice k = it_->key();
  return std::string_view(k.data() + prefix_len_, k.size() - prefix_len_);
}
std::string_view StateReader::Iter::value() const {
  rocksdb::Slice v = it_->value();
  return std::string_view(v.data(), v.size());
}

}  // namespace redledger::projection_internal
