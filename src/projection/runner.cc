// ProjectionRunner: copies of projections, their threads, checkpoints,
// rebuild-and-swap and read-your-writes waits.
//
// Key layout of the projection database (one default column family):
//   "m" "next"             -> BE64 the next copy id
//   "m" "active/" name     -> BE64 copy id ‖ BE64 code version   the live copy
//   "m" "building/" name   -> BE64 copy id ‖ BE64 code version   a rebuild in progress
//   "p" ‖ BE64(copy id) ‖ 0x00       -> BE64 checkpoint (last applied position)
//   "p" ‖ BE64(copy id) ‖ key        -> the projection's own keys
// A batch's keys and its checkpoint are one WriteBatch.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "projection/kv.h"
#include "projection/projection_base.h"
#include "projection/read_models.h"

namespace redledger {

using namespace projection_internal;

namespace {

const std::string kNextKey = "mnext";
std::string ActiveKey(std::string_view name) { return "mactive/" + std::string(name); }
std::string BuildingKey(std::string_view name) { return "mbuilding/" + std::string(name); }
std::string CopyPrefix(uint64_t id) { return KeyBE("p", id); }
const std::string kCheckpoint(1, '\0');

// One copy of a projection's state. Retiring it deletes its keys once the
// last holder (the worker or a query's StateReader) lets go.
struct Copy {
  rocksdb::DB* db;
  uint64_t id;
  std::string prefix;
  std::atomic<bool> retired{false};
  Copy(rocksdb::DB* d, uint64_t i) : db(d), id(i), prefix(CopyPrefix(i)) {}
  ~Copy() {
    // On failure the keys stay behind as an orphan copy, which the next Open deletes.
    if (retired) db->DeleteRange(rocksdb::WriteOptions(), db->DefaultColumnFamily(), prefix, PrefixEnd(prefix)).ok();
  }
};

}  // namespace

class ProjectionRunner::Impl final : public StateSource {
 public:
  struct Worker;
  struct Slot {
    std::unique_ptr<Projection> code;
    std::shared_ptr<Worker> live;
    std::shared_ptr<Worker> building;
  };

  struct Worker {
    Impl* impl;
    Slot* slot;
    std::shared_ptr<Copy> copy;
    std::atomic<uint64_t> applied{0};
    std::atomic<bool> live{false};
    std::atomic<bool> stop{false};
    DemandFoldCache folds;
    std::thread thread;
    std::once_flag joined;
    std::mutex status_mu;
    Status status;  // guarded by status_mu: the last batch's error, OK after a success

    Worker(Impl* i, Slot* s, std::shared_ptr<Copy> c, uint64_t from, bool is_live)
        : impl(i), slot(s), copy(std::move(c)), applied(from), live(is_live),
          folds(i->store_, i->options_.demand_cache_entries) {}
    void Start() { thread = std::thread([this] { Run(); }); }
    // Safe to call from several threads at once (shutdown racing a swap).
    void Stop() {
      stop = true;
      impl->WakeAll();
      std::call_once(joined, [this] {
        if (thread.joinable()) thread.join();
      });
    }
    void Run();
    Status ApplyBatch(ApplyContext* ctx, uint64_t until);
  };

  Impl(EventStore* store, const ProjectionOptions& options) : store_(store), options_(options) {}
  ~Impl() override;

  Status Open(const std::string& dir);
  uint64_t Applied() const override;
  Result<StateReader> Live(std::string_view name) const override;
  const ProjectionOptions& options() const override { return options_; }

  Status WaitFor(uint64_t position, std::chrono::milliseconds max) const;
  Status Rebuild(std::string_view name);
  std::vector<ProjectionInfo> Info() const;
  Status Health() const;
  SubscriptionId Subscribe(ChangeFn fn);
  void Unsubscribe(SubscriptionId id);
  const ReadModels& views() const { return *views_; }

  void WakeAll() {
    { std::lock_guard<std::mutex> l(head_mu_); }
    head_cv_.notify_all();
  }

 private:
  friend struct Worker;
  Result<uint64_t> NewCopyId();
  Result<uint64_t> Checkpoint(const Copy& c) const;
  Status DeleteOrphans();
  void AfterBatch(Worker* w, std::vector<ProjectionChange> changes);
  void MaybeSwap(Worker* w);
  // Blocks until the head passes `applied` or `stop`; returns the head.
  uint64_t WaitHead(uint64_t applied, const std::atomic<bool>& stop);

  EventStore* store_;
  ProjectionOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  EventStore::ListenerId listener_ = 0;
  bool listening_ = false;

  mutable std::mutex mu_;  // guards slots_[*].live / .building and next_copy_
  std::vector<std::unique_ptr<Slot>> slots_;
  uint64_t next_copy_ = 1;

  std::mutex head_mu_;  // guards nothing but the wakeup of workers
  std::condition_variable head_cv_;
  std::atomic<uint64_t> head_{0};

  mutable std::mutex applied_mu_;  // pairs with applied_cv_ for WaitFor
  mutable std::condition_variable applied_cv_;

  std::mutex subs_mu_;  // guards subs_, next_sub_
  std::map<SubscriptionId, std::shared_ptr<ChangeFn>> subs_;
  SubscriptionId next_sub_ = 1;

  std::unique_ptr<ReadModels> views_;
};

ProjectionRunner::Impl::~Impl() {
  if (listening_) store_->RemoveListener(listener_);
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& s : slots_) {
      if (s->live) workers.push_back(s->live);
      if (s->building) workers.push_back(s->building);
    }
  }
  for (auto& w : workers) w->Stop();
  workers.clear();
  for (auto& s : slots_) {
    s->live.reset();
    s->building.reset();
  }
  views_.reset();
}

Result<uint64_t> ProjectionRunner::Impl::Checkpoint(const Copy& c) const {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), c.prefix + kCheckpoint, &v);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s);
  if (v.size() != 8) return Status::Corruption("projection checkpoint is malformed");
  return GetBigEndian64(v.data());
}

Result<uint64_t> ProjectionRunner::Impl::NewCopyId() {
  uint64_t id = next_copy_++;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), kNextKey, KeyBE("", next_copy_))));
  return id;
}

Status ProjectionRunner::Impl::Open(const std::string& dir) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* raw = nullptr;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(o, dir, &raw)));
  db_.reset(raw);

  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kNextKey, &v);
  if (s.ok() && v.size() == 8) next_copy_ = GetBigEndian64(v.data());
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s);

  std::vector<std::unique_ptr<Projection>> codes;
  codes.push_back(NewDemandListProjection());
  codes.push_back(NewLedgerProjection());
  codes.push_back(NewAuditProjection());
  codes.push_back(NewBoardProjection());
  for (auto& code : codes) {
    auto slot = std::make_unique<Slot>();
    slot->code = std::move(code);
    Projection& p = *slot->code;
    // The live copy: kept when its code version matches, else replaced.
    for (bool building : {false, true}) {
      std::string key = building ? BuildingKey(p.name()) : ActiveKey(p.name());
      rocksdb::Status gs = db_->Get(rocksdb::ReadOptions(), key, &v);
      if (!gs.ok() && !gs.IsNotFound()) return FromRocks(gs);
      std::shared_ptr<Copy> copy;
      if (gs.ok() && v.size() == 16 && GetBigEndian64(v.data() + 8) == p.version()) {
        copy = std::make_shared<Copy>(db_.get(), GetBigEndian64(v.data()));
      } else if (!building) {
        auto id = NewCopyId();
        if (!id.ok()) return id.status();
        copy = std::make_shared<Copy>(db_.get(), *id);
        std::string meta = KeyBE(KeyBE("", *id), p.version());
        REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), key, meta)));
      } else if (gs.ok()) {
        REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Delete(rocksdb::WriteOptions(), key)));
      }
      if (!copy) continue;
      auto cp = Checkpoint(*copy);
      if (!cp.ok()) return cp.status();
      auto w = std::make_shared<Worker>(this, slot.get(), copy, *cp, !building);
      (building ? slot->building : slot->live) = w;
    }
    slots_.push_back(std::move(slot));
  }
  REDLEDGER_RETURN_IF_ERROR(DeleteOrphans());

  views_ = NewReadModels(store_, this);
  listener_ = store_->AddListener([this](const CommitNotice& n) {
    uint64_t h = head_.load();
    while (h < n.last_position && !head_.compare_exchange_weak(h, n.last_position)) {
    }
    WakeAll();
  });
  listening_ = true;
  uint64_t h = head_.load();
  uint64_t store_head = store_->Head();
  while (h < store_head && !head_.compare_exchange_weak(h, store_head)) {
  }
  for (auto& s : slots_) {
    if (s->live) s->live->Start();
    if (s->building) s->building->Start();
  }
  return Status::OK();
}

// Deletes the keys of copies no meta key names (left by a crash mid-swap).
Status ProjectionRunner::Impl::DeleteOrphans() {
  std::vector<uint64_t> used;
  for (auto& s : slots_) {
    if (s->live) used.push_back(s->live->copy->id);
    if (s->building) used.push_back(s->building->copy->id);
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("p"); it->Valid() && it->key().starts_with("p") && it->key().size() >= 9;) {
    uint64_t id = GetBigEndian64(it->key().data() + 1);
    std::string prefix = CopyPrefix(id);
    if (std::find(used.begin(), used.end(), id) == used.end()) {
      REDLEDGER_RETURN_IF_ERROR(FromRocks(
          db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(), prefix, PrefixEnd(prefix))));
    }
    it->Seek(PrefixEnd(prefix));
  }
  return FromRocks(it->status());
}

uint64_t ProjectionRunner::Impl::WaitHead(uint64_t applied, const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> l(head_mu_);
  head_cv_.wait(l, [&] { return stop.load() || head_.load() > applied; });
  return head_.load();
}

void ProjectionRunner::Impl::Worker::Run() {
  ApplyContext ctx(impl->db_.get(), copy->prefix, &folds, &impl->options_);
  while (!stop) {
    uint64_t head = impl->WaitHead(applied, stop);
    if (stop) break;
    uint64_t until = std::min<uint64_t>(head, applied + impl->options_.batch_events);
    Status st = ApplyBatch(&ctx, until);
    {
      std::lock_guard<std::mutex> l(status_mu);
      status = st;
    }
    if (!st.ok()) {
      // Discard the batch; retry after a pause (a transient I/O error heals,
      // a corrupt event keeps the projection stopped there, visibly).
      ctx.Reset();
      folds.Clear();
      std::unique_lock<std::mutex> l(impl->head_mu_);
      impl->head_cv_.wait_for(l, std::chrono::seconds(1), [&] { return stop.load(); });
      continue;
    }
    applied = until;
    std::vector<ProjectionChange> changes = ctx.TakeChanges();
    ctx.Reset();
    for (ProjectionChange& c : changes) c.position = until;
    impl->AfterBatch(this, std::move(changes));
  }
}

Status ProjectionRunner::Impl::Worker::ApplyBatch(ApplyContext* ctx, uint64_t until) {
  return ApplyRange(*impl->store_, impl->db_.get(), slot->code.get(), ctx, applied, until, &stop);
}

void ProjectionRunner::Impl::AfterBatch(Worker* w, std::vector<ProjectionChange> changes) {
  { std::lock_guard<std::mutex> l(applied_mu_); }
  applied_cv_.notify_all();
  if (!w->live) {
    MaybeSwap(w);
    return;
  }
  if (changes.empty()) return;
  std::vector<std::shared_ptr<ChangeFn>> fns;
  {
    std::lock_guard<std::mutex> l(subs_mu_);
    for (auto& [id, fn] : subs_) fns.push_back(fn);
  }
  for (auto& fn : fns) (*fn)(changes);
}

void ProjectionRunner::Impl::MaybeSwap(Worker* w) {
  std::shared_ptr<Worker> old;
  {
    std::lock_guard<std::mutex> l(mu_);
    Slot* s = w->slot;
    if (s->building.get() != w || w->applied < s->live->applied) return;
    Projection& p = *s->code;
    rocksdb::WriteBatch b;
    b.Put(ActiveKey(p.name()), KeyBE(KeyBE("", w->copy->id), p.version()));
    b.Delete(BuildingKey(p.name()));
    if (!db_->Write(rocksdb::WriteOptions(), &b).ok()) return;  // retried after the next batch
    old = std::move(s->live);
    s->live = std::move(s->building);
    w->live = true;
  }
  old->Stop();
  old->copy->retired = true;
}

uint64_t ProjectionRunner::Impl::Applied() const {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t m = UINT64_MAX;
  for (auto& s : slots_) m = std::min<uint64_t>(m, s->live->applied);
  return slots_.empty() ? 0 : m;
}

Result<StateReader> ProjectionRunner::Impl::Live(std::string_view name) const {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& s : slots_) {
    if (s->code->name() == name) {
      const Worker& w = *s->live;
      return StateReader(db_.get(), w.copy->prefix, w.applied, w.copy);
    }
  }
  return Status::NotFound("no projection named " + std::string(name));
}

Status ProjectionRunner::Impl::WaitFor(uint64_t position, std::chrono::milliseconds max) const {
  std::unique_lock<std::mutex> l(applied_mu_);
  if (applied_cv_.wait_for(l, max, [&] { return Applied() >= position; })) return Status::OK();
  return Status::Unavailable("projections have not applied position " + std::to_string(position) + " yet");
}

Status ProjectionRunner::Impl::Rebuild(std::string_view name) {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard<std::mutex> l(mu_);
    Slot* slot = nullptr;
    for (auto& s : slots_) {
      if (s->code->name() == name) slot = s.get();
    }
    if (!slot) return Status::NotFound("no projection named " + std::string(name));
    if (slot->building) return Status::Unavailable("projection " + std::string(name) + " is already rebuilding");
    auto id = NewCopyId();
    if (!id.ok()) return id.status();
    auto copy = std::make_shared<Copy>(db_.get(), *id);
    REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Put(rocksdb::WriteOptions(), BuildingKey(name),
                                                 KeyBE(KeyBE("", *id), slot->code->version()))));
    w = std::make_shared<Worker>(this, slot, copy, 0, false);
    slot->building = w;
  }
  w->Start();
  return Status::OK();
}

std::vector<ProjectionInfo> ProjectionRunner::Impl::Info() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<ProjectionInfo> out;
  for (auto& s : slots_) {
    ProjectionInfo i{std::string(s->code->name()), s->code->version(), s->live->applied, s->building != nullptr, 0};
    if (s->building) i.rebuild_applied = s->building->applied;
    out.push_back(std::move(i));
  }
  return out;
}

Status ProjectionRunner::Impl::Health() const {
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& s : slots_) {
      workers.push_back(s->live);
      if (s->building) workers.push_back(s->building);
    }
  }
  for (auto& w : workers) {
    std::lock_guard<std::mutex> l(w->status_mu);
    if (!w->status.ok()) return w->status;
  }
  return Status::OK();
}

ProjectionRunner::SubscriptionId ProjectionRunner::Impl::Subscribe(ChangeFn fn) {
  std::lock_guard<std::mutex> l(subs_mu_);
  SubscriptionId id = next_sub_++;
  subs_[id] = std::make_shared<ChangeFn>(std::move(fn));
  return id;
}

void ProjectionRunner::Impl::Unsubscribe(SubscriptionId id) {
  std::lock_guard<std::mutex> l(subs_mu_);
  subs_.erase(id);
}

// ---- ProjectionRunner ----

Result<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Open(EventStore* store, const std::string& dir,
                                                                 const ProjectionOptions& options) {
  auto impl = std::make_unique<Impl>(store, options);
  REDLEDGER_RETURN_IF_ERROR(impl->Open(dir));
  return std::unique_ptr<ProjectionRunner>(new ProjectionRunner(std::move(impl)));
}

ProjectionRunner::ProjectionRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProjectionRunner::~ProjectionRunner() = default;
uint64_t ProjectionRunner::Applied() const { return impl_->Applied(); }
Status ProjectionRunner::WaitFor(uint64_t position, std::chrono::milliseconds max) const {
  return impl_->WaitFor(position, max);
}
Status ProjectionRunner::Rebuild(std::string_view name) { return impl_->Rebuild(name); }
std::vector<ProjectionInfo> ProjectionRunner::Info() const { return impl_->Info(); }
ProjectionRunner::SubscriptionId ProjectionRunner::Subscribe(ChangeFn fn) { return impl_->Subscribe(std::move(fn)); }
void ProjectionRunner::Unsubscribe(SubscriptionId id) { impl_->Unsubscribe(id); }
const ReadModels& ProjectionRunner::views() const { return impl_->views(); }
Status ProjectionRunner::health() const { return impl_->Health(); }

}  // namespace redledger
