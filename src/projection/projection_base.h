// Internal: what a projection is to the runner, and how it reads and writes
// its state.
//
// A projection's keys live under its copy's prefix ("p" ‖ BE32(copy id));
// the runner adds the prefix, so a projection sees only its own key space.
// The key ‖ value grammar of each projection is at the top of its .cc file.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "projection/demand_fold.h"
#include "redledger/projection.h"

namespace redledger::projection_internal {

// Converts a RocksDB status into ours (the one place that does so).
Status FromRocks(const rocksdb::Status& s);

// One batch of a projection copy: writes collected in a WriteBatch that the
// runner commits together with the checkpoint; reads see the batch's own
// writes first.
class ApplyContext {
 public:
  ApplyContext(rocksdb::DB* db, std::string prefix, DemandFoldCache* folds, const ProjectionOptions* options)
      : db_(db), prefix_(std::move(prefix)), folds_(folds), options_(options) {}

  void Put(std::string_view key, std::string_view value);
  // A Put whose value Get must see within the batch (the others skip the overlay).
  void PutReadable(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  Result<std::optional<std::string>> Get(std::string_view key);
  // The demand's fold after `e`; `before` sees it before `e`.
  Result<const DemandFold*> Fold(const Envelope& e, const std::function<void(const DemandFold&)>& before) {
    return folds_->Apply(e, before);
  }
  void Changed(ProjectionChange::Kind kind, std::string id);
  const ProjectionOptions& options() const { return *options_; }

  // For the runner.
  rocksdb::WriteBatch* batch() { return &batch_; }
  const std::string& prefix() const { return prefix_; }
  std::vector<ProjectionChange> TakeChanges();
  void Reset();

 private:
  rocksdb::DB* db_;
  std::string prefix_;
  DemandFoldCache* folds_;
  const ProjectionOptions* options_;
  rocksdb::WriteBatch batch_;
  std::unordered_map<std::string, std::optional<std::string>> overlay_;  // this batch's writes
  std::vector<ProjectionChange> changes_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  // Bump when the state's layout or meaning changes: the stored copy is then rebuilt.
  virtual uint32_t version() const = 0;
  // Whether Apply folds demand streams (it then gets a DemandFoldCache).
  virtual bool folds_demands() const = 0;
  virtual Status Apply(const Envelope& e, ApplyContext* ctx) = 0;
};

// Applies the events in (after, until] to `p` and commits their writes with
// the checkpoint (key prefix ‖ 0x00 -> BE64(until)) in one WriteBatch.
// Unavailable when `stop` turns true midway (nothing is written then).
Status ApplyRange(const EventStore& store, rocksdb::DB* db, Projection* p, ApplyContext* ctx, uint64_t after,
                  uint64_t until, const std::atomic<bool>* stop);

// A live copy's state for queries. Holding one keeps the copy's keys from
// being deleted by a swap that happens meanwhile.
class StateReader {
 public:
  StateReader(rocksdb::DB* db, std::string prefix, uint64_t applied, std::shared_ptr<const void> hold)
      : db_(db), prefix_(std::move(prefix)), applied_(applied), hold_(std::move(hold)) {}

  uint64_t applied() const { return applied_; }
  Result<std::optional<std::string>> Get(std::string_view key) const;
  // An iterator over keys in [lower, upper); keys it yields are stripped of the prefix.
  class Iter {
   public:
    Iter(rocksdb::DB* db, const std::string& prefix, std::string_view lower, std::string_view upper);
    void Seek(std::string_view key);
    void SeekForPrev(std::string_view key);
    bool Valid() const { return it_->Valid(); }
    void Next() { it_->Next(); }
    void Prev() { it_->Prev(); }
    std::string_view key() const;
    std::string_view value() const;
    Status status() const { return FromRocks(it_->status()); }

   private:
    size_t prefix_len_;
    std::string lower_, upper_;
    rocksdb::Slice lower_slice_, upper_slice_;
    std::string prefix_;
    std::unique_ptr<rocksdb::Iterator> it_;
  };
  std::unique_ptr<Iter> Scan(std::string_view lower, std::string_view upper) const {
    return std::make_unique<Iter>(db_, prefix_, lower, upper);
  }

 private:
  rocksdb::DB* db_;
  std::string prefix_;
  uint64_t applied_;
  std::shared_ptr<const void> hold_;
};

// Where the queries find live copies (implemented by the runner).
class StateSource {
 public:
  virtual ~StateSource() = default;
  // NotFound for an unknown projection name.
  virtual Result<StateReader> Live(std::string_view name) const = 0;
  virtual uint64_t Applied() const = 0;
  virtual const ProjectionOptions& options() const = 0;
};

// The projections (each in its own file, with its queries).
std::unique_ptr<Projection> NewDemandListProjection();
std::unique_ptr<Projection> NewLedgerProjection();
std::unique_ptr<Projection> NewAuditProjection();
std::unique_ptr<Projection> NewBoardProjection();

inline constexpr std::string_view kDemandListName = "demand_list";
inline constexpr std::string_view kLedgerName = "ledger";
inline constexpr std::string_view kAuditName = "audit";
inline constexpr std::string_view kBoardName = "board";

// Reads a list bucket at `as_of` (see demand_list.cc). Items newest first,
// starting below `before_raised` (exclusive; 0 = from the newest).
struct ListScan {
  std::string bucket;
  uint64_t as_of = 0;
  uint64_t before_raised = 0;
  size_t limit = 100;
  std::optional<std::string> status, unit_id, site_id;  // post-filters
  std::optional<bool> overdue;
};
Result<std::vector<DemandListItem>> ScanDemandList(const StateReader& r, const ListScan& scan, bool* more);
// The bucket a query reads and the post-filters it applies.
ListScan PlanDemandList(const DemandQuery& q);

Result<SiteLedger> ReadLedger(const StateReader& ledger, const StateReader& lists, std::string_view site_id,
                              uint64_t as_of, const ProjectionOptions& options);
Result<AuditPage> ReadAudit(const StateReader& r, const EventStore& store, const AuditQuery& q, uint64_t first,
                            uint64_t last);
Result<PublicBoard> ReadBoard(const StateReader& r, std::string_view site_id, uint64_t before_raised, size_t limit);

}  // namespace redledger::projection_internal
