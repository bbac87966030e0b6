// The demand lists: one versioned index per filter bucket.
//
//   key   := "L" ‖ bucket ‖ 0x00 ‖ BE64(~raised_position) ‖ BE64(from_position)
//   value := 0x01 ‖ row        the demand is in the bucket from `from_position` on
//          | 0x00              the demand left the bucket at `from_position`
//   row   := str demand_id ‖ str site_id ‖ str category ‖ str title ‖ str urgency ‖
//            str status ‖ optstr assigned_unit ‖ bool overdue ‖ i64 raised_at ‖
//            u64 raised_position                              (kv.h encodings)
//   bucket := "a" | "s/" site | "s/" site "/st/" status | "s/" site "/o" |
//             "st/" status | "u/" unit | "o"
//             status: a status name or "open"; "o": overdue
//
// A demand's entries in a bucket are adjacent (same raised position) and
// sorted by position, so the answer as of P is its last entry at or before
// P. Entries are only ever added, which makes as-of answers immutable, and
// ~raised_position orders every bucket newest first. A new entry is written
// only when a list field (status, assigned unit, overdue) changes.
#include <algorithm>
#include <set>

#include "projection/kv.h"
#include "projection/projection_base.h"
#include "redledger/domain.h"

namespace redledger::projection_internal {

namespace {

DemandListItem RowOf(const DemandFold& f) {
  const DemandState& s = f.state;
  return DemandListItem{s.id,      s.site_id,       s.category, s.title, s.urgency, DemandStatusName(s.status),
                        s.assigned_unit, s.Overdue(), s.raised_at, f.raised_position};
}

std::string EncodeRow(const DemandListItem& r) {
  ValueWriter w;
  w.Bool(true).Str(r.demand_id).Str(r.site_id).Str(r.category).Str(r.title).Str(r.urgency).Str(r.status);
  w.OptStr(r.assigned_unit).Bool(r.overdue).I64(r.raised_at).U64(r.raised_position);
  return w.Done();
}

// False for a "left" marker; Corruption-worthy values set !ok on the reader.
bool DecodeRow(std::string_view v, DemandListItem* r, bool* ok) {
  ValueReader in(v);
  if (!in.Bool()) {
    *ok = in.ok();
    return false;
  }
  r->demand_id = in.Str();
  r->site_id = in.Str();
  r->category = in.Str();
  r->title = in.Str();
  r->urgency = in.Str();
  r->status = in.Str();
  r->assigned_unit = in.OptStr();
  r->overdue = in.Bool();
  r->raised_at = in.I64();
  r->raised_position = in.U64();
  *ok = in.ok();
  return true;
}

bool IsOpenName(std::string_view s) { return s == "raised" || s == "accepted" || s == "assigned"; }

std::set<std::string> BucketsOf(const DemandListItem& r) {
  std::set<std::string> b = {"a", "s/" + r.site_id, "s/" + r.site_id + "/st/" + r.status, "st/" + r.status};
  if (IsOpenName(r.status)) {
    b.insert("s/" + r.site_id + "/st/open");
    b.insert("st/open");
  }
  if (r.assigned_unit) b.insert("u/" + *r.assigned_unit);
  if (r.overdue) {
    b.insert("o");
    b.insert("s/" + r.site_id + "/o");
  }
  return b;
}

std::string EntryKey(std::string_view bucket, uint64_t raised_position, uint64_t from) {
  std::string k = "L";
  k.append(bucket);
  k.push_back('\0');
  PutBigEndian64(&k, ~raised_position);
  PutBigEndian64(&k, from);
  return k;
}

class DemandListProjection final : public Projection {
 public:
  std::string_view name() const override { return kDemandListName; }
  uint32_t version() const override { return 1; }
  bool folds_demands() const override { return true; }

  Status Apply(const Envelope& e, ApplyContext* ctx) override {
    if (DemandIdOfStream(e.stream).empty()) return Status::OK();
    std::optional<DemandListItem> was;
    auto after = ctx->Fold(e, [&](const DemandFold& before) {
      if (before.state.version > 0) was = RowOf(before);
    });
    if (!after.ok()) return after.status();
    ctx->Changed(ProjectionChange::Kind::kDemand, (*after)->state.id);
    DemandListItem now = RowOf(**after);
    std::set<std::string> old_buckets;
    if (was) {
      if (*was == now) return Status::OK();
      old_buckets = BucketsOf(*was);
    }
    std::set<std::string> new_buckets = BucketsOf(now);
    std::string row = EncodeRow(now);
    for (const std::string& b : new_buckets) ctx->Put(EntryKey(b, now.raised_position, e.position), row);
    for (const std::string& b : old_buckets) {
      if (!new_buckets.count(b)) ctx->Put(EntryKey(b, now.raised_position, e.position), std::string(1, '\0'));
    }
    return Status::OK();
  }
};

bool Passes(const DemandListItem& r, const ListScan& s) {
  if (s.site_id && r.site_id != *s.site_id) return false;
  if (s.unit_id && r.assigned_unit != s.unit_id) return false;
  if (s.overdue && r.overdue != *s.overdue) return false;
  if (s.status) {
    if (*s.status == "open" ? !IsOpenName(r.status) : r.status != *s.status) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Projection> NewDemandListProjection() { return std::make_unique<DemandListProjection>(); }

ListScan PlanDemandList(const DemandQuery& q) {
  ListScan s;
  s.site_id = q.site_id;
  s.status = q.status;
  s.unit_id = q.unit_id;
  s.overdue = q.overdue;
  if (q.overdue == true) {
    s.bucket = q.site_id ? "s/" + *q.site_id + "/o" : "o";
  } else if (q.site_id && q.status) {
    s.bucket = "s/" + *q.site_id + "/st/" + *q.status;
  } else if (q.site_id) {
    s.bucket = "s/" + *q.site_id;
  } else if (q.unit_id) {
    s.bucket = "u/" + *q.unit_id;
  } else if (q.status) {
    s.bucket = "st/" + *q.status;
  } else {
    s.bucket = "a";
  }
  return s;
}

Result<std::vector<DemandListItem>> ScanDemandList(const StateReader& r, const ListScan& scan, bool* more) {
  *more = false;
  std::vector<DemandListItem> out;
  std::string prefix = "L" + scan.bucket;
  prefix.push_back('\0');
  uint64_t newest = scan.before_raised ? std::min(scan.as_of, scan.before_raised - 1) : scan.as_of;
  if (newest == 0) return out;
  auto it = r.Scan(prefix, PrefixEnd(prefix));
  it->Seek(KeyBE(prefix, ~newest));
  // The current group (one demand): its last entry at or before as_of.
  std::string group;
  std::string chosen;
  auto finish = [&]() -> Status {
    if (chosen.empty()) return Status::OK();
    DemandListItem item;
    bool ok = true;
    bool member = DecodeRow(chosen, &item, &ok);
    if (!ok) return Status::Corruption("demand list: malformed entry");
    if (member && Passes(item, scan)) {
      if (out.size() == scan.limit) {
        *more = true;
      } else {
        out.push_back(std::move(item));
      }
    }
    chosen.clear();
    return Status::OK();
  };
  for (; it->Valid() && !*more; it->Next()) {
    std::string_view k = it->key();
    if (k.size() != prefix.size() + 16) return Status::Corruption("demand list: malformed key");
    std::string_view g = k.substr(prefix.size(), 8);
    if (g != group) {
      REDLEDGER_RETURN_IF_ERROR(finish());
      group.assign(g);
    }
    if (GetBigEndian64(k.data() + prefix.size() + 8) <= scan.as_of) chosen.assign(it->value());
  }
  if (!*more) REDLEDGER_RETURN_IF_ERROR(finish());
  REDLEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace redledger::projection_internal
