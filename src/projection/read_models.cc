#include "projection/read_models.h"

#include "projection/kv.h"
#include "redledger/domain.h"

namespace redledger::projection_internal {

namespace {

Status CheckLimit(size_t limit) {
  if (limit < 1 || limit > 1000) return Status::InvalidArgument("limit must be 1..1000", "limit");
  return Status::OK();
}

bool IsStatusFilter(std::string_view s) {
  if (s == "open") return true;
  for (DemandStatus st : {DemandStatus::kRaised, DemandStatus::kAccepted, DemandStatus::kAssigned,
                          DemandStatus::kResolved, DemandStatus::kClosed, DemandStatus::kDeclined}) {
    if (s == DemandStatusName(st)) return true;
  }
  return false;
}

class ReadModelsImpl final : public ReadModels {
 public:
  ReadModelsImpl(const EventStore* store, const StateSource* source) : store_(store), source_(source) {}

  uint64_t Applied() const override { return source_->Applied(); }

  Result<uint64_t> PositionAt(Micros t) const override {
    // recorded_at never decreases along the log: binary search for the last
    // position at or before t.
    uint64_t lo = 0, hi = store_->Head();
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo + 1) / 2;
      auto e = store_->ReadAt(mid);
      if (!e.ok()) return e.status();
      if (e->recorded_at <= t) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  Result<DemandView> Demand(std::string_view demand_id, std::optional<uint64_t> as_of) const override {
    auto p = StorePosition(as_of);
    if (!p.ok()) return p.status();
    auto f = LoadDemandFold(*store_, DemandStream(demand_id), 0, *p);
    if (!f.ok()) return f.status();
    if (f->state.version == 0) return Status::NotFound("no demand " + std::string(demand_id));
    DemandView v;
    v.as_of = *p;
    v.state = std::move(f->state);
    v.reporter_personal = std::move(f->reporter_personal);
    v.notes = std::move(f->notes);
    return v;
  }

  Result<DemandHistory> History(std::string_view demand_id, std::optional<uint64_t> as_of) const override {
    auto p = StorePosition(as_of);
    if (!p.ok()) return p.status();
    DemandHistory h;
    h.as_of = *p;
    std::string stream = DemandStream(demand_id);
    constexpr size_t kChunk = 256;
    bool done = false;
    for (uint64_t from = 1; !done;) {
      auto events = store_->ReadStream(stream, from, EventStore::Direction::kForward, kChunk);
      if (!events.ok()) return events.status();
      for (Envelope& e : *events) {
        if (e.position > *p) {
          done = true;
          break;
        }
        h.events.push_back(std::move(e));
      }
      if (events->size() < kChunk) done = true;
      from += events->size();
    }
    if (h.events.empty()) return Status::NotFound("no demand " + std::string(demand_id));
    return h;
  }

  Result<DemandPage> Demands(const DemandQuery& q) const override {
    REDLEDGER_RETURN_IF_ERROR(CheckLimit(q.limit));
    if (q.status && !IsStatusFilter(*q.status)) return Status::InvalidArgument("unknown status", "status");
    uint64_t before = 0;
    auto p = CursorPosition(q.cursor, q.as_of, &before);
    if (!p.ok()) return p.status();
    auto r = source_->Live(kDemandListName);
    if (!r.ok()) return r.status();
    ListScan scan = PlanDemandList(q);
    scan.as_of = *p;
    scan.before_raised = before;
    scan.limit = q.limit;
    bool more = false;
    auto items = ScanDemandList(*r, scan, &more);
    if (!items.ok()) return items.status();
    DemandPage page;
    page.as_of = *p;
    page.items = std::move(*items);
    if (more) page.next_cursor = MakeCursor(*p, page.items.back().raised_position);
    return page;
  }

  Result<SiteLedger> Ledger(std::string_view site_id, std::optional<uint64_t> as_of) const override {
    uint64_t before = 0;
    auto p = CursorPosition(std::nullopt, as_of, &before);
    if (!p.ok()) return p.status();
    auto ledger = source_->Live(kLedgerName);
    if (!ledger.ok()) return ledger.status();
    auto lists = source_->Live(kDemandListName);
    if (!lists.ok()) return lists.status();
    return ReadLedger(*ledger, *lists, site_id, *p, source_->options());
  }

  Result<AuditPage> Audit(const AuditQuery& q) const override {
    REDLEDGER_RETURN_IF_ERROR(CheckLimit(q.limit));
    uint64_t first = 1, last = source_->Applied();
    if (q.cursor) {
      uint64_t bound = 0, after = 0;
      if (!ParseCursor(*q.cursor, &bound, &after) || bound > last) {
        return Status::InvalidArgument("malformed cursor", "cursor");
      }
      last = bound;
      first = after + 1;
    }
    if (q.from) {
      auto p = PositionAt(*q.from - 1);
      if (!p.ok()) return p.status();
      first = std::max(first, *p + 1);
    }
    if (q.to) {
      auto p = PositionAt(*q.to);
      if (!p.ok()) return p.status();
      last = std::min(last, *p);
    }
    auto r = source_->Live(kAuditName);
    if (!r.ok()) return r.status();
    return ReadAudit(*r, *store_, q, first, last);
  }

  Result<PublicBoard> Board(std::string_view site_id, const std::optional<std::string>& cursor,
                            size_t limit) const override {
    REDLEDGER_RETURN_IF_ERROR(CheckLimit(limit));
    uint64_t zero = 0, before = 0;
    if (cursor && !ParseCursor(*cursor, &zero, &before)) return Status::InvalidArgument("malformed cursor", "cursor");
    auto r = source_->Live(kBoardName);
    if (!r.ok()) return r.status();
    return ReadBoard(*r, site_id, before, limit);
  }

 private:
  Result<uint64_t> StorePosition(std::optional<uint64_t> as_of) const {
    uint64_t head = store_->Head();
    if (as_of && *as_of > head) return Status::ValidationFailed("as_of", "beyond the log head");
    return as_of.value_or(head);
  }

  // The position a projection-backed query answers at: the cursor's, the
  // given as_of, or the applied position.
  Result<uint64_t> CursorPosition(const std::optional<std::string>& cursor, std::optional<uint64_t> as_of,
                                  uint64_t* before) const {
    uint64_t applied = source_->Applied();
    if (cursor) {
      uint64_t p = 0;
      if (!ParseCursor(*cursor, &p, before) || p > applied) return Status::InvalidArgument("malformed cursor", "cursor");
      return p;
    }
    if (as_of && *as_of > applied) {
      return Status::Unavailable("projections have not applied position " + std::to_string(*as_of) + " yet");
    }
    return as_of.value_or(applied);
  }

  const EventStore* store_;
  const StateSource* source_;
};

}  // namespace

std::unique_ptr<ReadModels> NewReadModels(const EventStore* store, const StateSource* source) {
  return std::make_unique<ReadModelsImpl>(store, source);
}

}  // namespace redledger::projection_internal
