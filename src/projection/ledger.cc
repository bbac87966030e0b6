// The site ledger (一本账): counts per site, versioned by position, and the
// site's resolutions.
//
//   "C" ‖ site                          -> counts   the latest counts
//   "G" ‖ site ‖ 0x00 ‖ BE64(position)  -> counts   the counts from `position` on
//   "R" ‖ site ‖ 0x00 ‖ BE64(position)  -> resolution (demand.resolved at `position`)
//   counts     := i64 × 13: raised accepted assigned resolved closed declined
//                 total open overdue accept_count accept_seconds_total
//                 resolve_count resolve_seconds_total
//   resolution := str demand_id ‖ str title ‖ str unit_id ‖ str summary ‖
//                 i64 resolved_at ‖ bool on_time
//
// A "G" version is written only when the counts change; the counts as of P
// are the last version at or before P (one SeekForPrev). Open and overdue
// items come from the demand lists at the same position.
#include <boost/json.hpp>

#include "projection/kv.h"
#include "projection/projection_base.h"
#include "redledger/domain.h"

namespace redledger::projection_internal {

namespace {

std::string SiteKey(char tag, std::string_view site) {
  std::string k(1, tag);
  k.append(site);
  k.push_back('\0');
  return k;
}

std::string EncodeCounts(const SiteLedger& l) {
  ValueWriter w;
  const StatusCounts& c = l.counts;
  for (int64_t v : {c.raised, c.accepted, c.assigned, c.resolved, c.closed, c.declined, l.total, l.open, l.overdue,
                    l.accept_count, l.accept_seconds_total, l.resolve_count, l.resolve_seconds_total}) {
    w.I64(v);
  }
  return w.Done();
}

bool DecodeCounts(std::string_view v, SiteLedger* l) {
  ValueReader in(v);
  StatusCounts& c = l->counts;
  for (int64_t* f : {&c.raised, &c.accepted, &c.assigned, &c.resolved, &c.closed, &c.declined, &l->total, &l->open,
                     &l->overdue, &l->accept_count, &l->accept_seconds_total, &l->resolve_count,
                     &l->resolve_seconds_total}) {
    *f = in.I64();
  }
  return in.ok();
}

int64_t* CountOf(StatusCounts* c, DemandStatus s) {
  switch (s) {
    case DemandStatus::kRaised: return &c->raised;
    case DemandStatus::kAccepted: return &c->accepted;
    case DemandStatus::kAssigned: return &c->assigned;
    case DemandStatus::kResolved: return &c->resolved;
    case DemandStatus::kClosed: return &c->closed;
    case DemandStatus::kDeclined: return &c->declined;
    case DemandStatus::kNone: return nullptr;
  }
  return nullptr;
}

void Count(SiteLedger* l, const DemandState& s, int64_t sign) {
  if (s.version == 0) return;
  if (int64_t* c = CountOf(&l->counts, s.status)) *c += sign;
  if (IsOpen(s.status)) l->open += sign;
  if (s.Overdue()) l->overdue += sign;
}

bool OnTime(const Envelope& e) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(e.data, ec);
  const boost::json::value* f = !ec && v.is_object() ? v.as_object().if_contains("on_time") : nullptr;
  return f && f->is_bool() && f->as_bool();
}

class LedgerProjection final : public Projection {
 public:
  std::string_view name() const override { return kLedgerName; }
  uint32_t version() const override { return 1; }
  bool folds_demands() const override { return true; }

  Status Apply(const Envelope& e, ApplyContext* ctx) override {
    if (DemandIdOfStream(e.stream).empty()) return Status::OK();
    DemandState before;  // only the fields Count and the resolve check read
    auto after_or = ctx->Fold(e, [&](const DemandFold& f) {
      before.version = f.state.version;
      before.status = f.state.status;
      before.resolved_at = f.state.resolved_at;
      before.response_due_at = f.state.response_due_at;
      before.resolve_due_at = f.state.resolve_due_at;
      before.overdue_marked_for = f.state.overdue_marked_for;
    });
    if (!after_or.ok()) return after_or.status();
    const DemandFold& after = **after_or;
    const DemandState& s = after.state;
    std::string current_key = "C" + s.site_id;
    auto stored = ctx->Get(current_key);
    if (!stored.ok()) return stored.status();
    SiteLedger l;
    if (*stored && !DecodeCounts(**stored, &l)) return Status::Corruption("ledger: malformed counts");
    std::string old = *stored ? **stored : EncodeCounts(l);
    Count(&l, before, -1);
    Count(&l, s, +1);
    if (e.type == "demand.raised") ++l.total;
    if (e.type == "demand.accepted" && s.accepted_at) {
      ++l.accept_count;
      l.accept_seconds_total += (*s.accepted_at - s.raised_at) / kMicrosPerSecond;
    }
    if (e.type == "demand.resolved") {
      if (!before.resolved_at) {
        ++l.resolve_count;
        l.resolve_seconds_total += (e.recorded_at - s.raised_at) / kMicrosPerSecond;
      }
      ValueWriter w;
      w.Str(s.id).Str(s.title).Str(s.assigned_unit.value_or("")).Str(after.resolution_summary.value_or(""));
      w.I64(e.recorded_at).Bool(OnTime(e));
      ctx->Put(KeyBE(SiteKey('R', s.site_id), e.position), w.Done());
      ctx->Changed(ProjectionChange::Kind::kLedger, s.site_id);
    }
    std::string now = EncodeCounts(l);
    if (now != old || !*stored) {
      ctx->PutReadable(current_key, now);
      ctx->Put(KeyBE(SiteKey('G', s.site_id), e.position), now);
      ctx->Changed(ProjectionChange::Kind::kLedger, s.site_id);
    }
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Projection> NewLedgerProjection() { return std::make_unique<LedgerProjection>(); }

Result<SiteLedger> ReadLedger(const StateReader& ledger, const StateReader& lists, std::string_view site_id,
                              uint64_t as_of, const ProjectionOptions& options) {
  SiteLedger l;
  l.site_id = std::string(site_id);
  l.as_of = as_of;
  std::string g = SiteKey('G', site_id);
  {
    auto it = ledger.Scan(g, PrefixEnd(g));
    it->SeekForPrev(KeyBE(g, as_of));
    if (it->Valid() && !DecodeCounts(it->value(), &l)) return Status::Corruption("ledger: malformed counts");
    REDLEDGER_RETURN_IF_ERROR(it->status());
  }
  std::string r = SiteKey('R', site_id);
  {
    auto it = ledger.Scan(r, PrefixEnd(r));
    for (it->SeekForPrev(KeyBE(r, as_of)); it->Valid() && l.recent_resolutions.size() < options.ledger_resolutions;
         it->Prev()) {
      ValueReader in(it->value());
      LedgerResolution res;
      res.demand_id = in.Str();
      res.title = in.Str();
      res.unit_id = in.Str();
      res.summary = in.Str();
      res.resolved_at = in.I64();
      res.on_time = in.Bool();
      res.position = GetBigEndian64(it->key().data() + r.size());
      if (!in.ok()) return Status::Corruption("ledger: malformed resolution");
      l.recent_resolutions.push_back(std::move(res));
    }
    REDLEDGER_RETURN_IF_ERROR(it->status());
  }
  bool more = false;
  ListScan open;
  open.bucket = "s/" + std::string(site_id) + "/st/open";
  open.as_of = as_of;
  open.limit = options.ledger_items;
  auto open_items = ScanDemandList(lists, open, &more);
  if (!open_items.ok()) return open_items.status();
  l.open_items = std::move(*open_items);
  ListScan overdue = open;
  overdue.bucket = "s/" + std::string(site_id) + "/o";
  auto overdue_items = ScanDemandList(lists, overdue, &more);
  if (!overdue_items.ok()) return overdue_items.status();
  l.overdue_items = std::move(*overdue_items);
  return l;
}

}  // namespace redledger::projection_internal
