// The audit trail: position indexes by actor, site and event type.
//
//   "D" ‖ demand_id                                -> str site_id
//   "X" ‖ "a/" actor_id ‖ 0x00 ‖ BE64(position)     -> entry
//   "X" ‖ "s/" site_id  ‖ 0x00 ‖ BE64(position)     -> entry
//   "X" ‖ "t/" type     ‖ 0x00 ‖ BE64(position)     -> entry
//   entry := str type ‖ str actor_id ‖ str site_id ‖ bool access_stream
//
// An event's site: its demand's site (demand streams), the stream's site
// (site-<id>), or `site_id` of unit.paired; none otherwise. A query reads the
// most selective index and checks the other filters against the entry; a
// time range is a position range because recorded_at never decreases. With
// no filter it reads the log itself.
#include <boost/json.hpp>

#include "projection/kv.h"
#include "projection/projection_base.h"
#include "redledger/domain.h"

namespace redledger::projection_internal {

namespace {

std::string IndexPrefix(std::string_view kind, std::string_view value) {
  std::string k = "X";
  k.append(kind);
  k.append(value);
  k.push_back('\0');
  return k;
}

std::optional<std::string> DataSite(const Envelope& e) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(e.data, ec);
  const boost::json::value* s = !ec && v.is_object() ? v.as_object().if_contains("site_id") : nullptr;
  if (!s || !s->is_string()) return std::nullopt;
  return std::string(s->as_string());
}

class AuditProjection final : public Projection {
 public:
  std::string_view name() const override { return kAuditName; }
  uint32_t version() const override { return 1; }
  bool folds_demands() const override { return false; }

  Status Apply(const Envelope& e, ApplyContext* ctx) override {
    std::string site;
    std::string_view demand_id = DemandIdOfStream(e.stream);
    if (!demand_id.empty()) {
      std::string key = "D" + std::string(demand_id);
      if (e.type == "demand.raised") {
        site = DataSite(e).value_or("");
        ctx->PutReadable(key, site);
      } else {
        auto stored = ctx->Get(key);
        if (!stored.ok()) return stored.status();
        site = stored->value_or("");
      }
    } else if (e.stream.rfind("site-", 0) == 0) {
      site = e.stream.substr(5);
    } else if (e.type == "unit.paired") {
      site = DataSite(e).value_or("");
    }
    ValueWriter w;
    w.Str(e.type).Str(e.actor.id).Str(site).Bool(e.stream == "access");
    std::string entry = w.Done();
    ctx->Put(KeyBE(IndexPrefix("a/", e.actor.id), e.position), entry);
    ctx->Put(KeyBE(IndexPrefix("t/", e.type), e.position), entry);
    if (!site.empty()) ctx->Put(KeyBE(IndexPrefix("s/", site), e.position), entry);
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Projection> NewAuditProjection() { return std::make_unique<AuditProjection>(); }

Result<AuditPage> ReadAudit(const StateReader& r, const EventStore& store, const AuditQuery& q, uint64_t first,
                            uint64_t last) {
  AuditPage page;
  std::vector<uint64_t> positions;
  bool more = false;
  if (first > last) return page;
  if (!q.actor && !q.site_id && !q.type) {
    uint64_t after = first - 1;
    while (!more && after < last) {
      auto events = store.ReadAll(after, std::min<uint64_t>(q.limit + 1, last - after));
      if (!events.ok()) return events.status();
      if (events->empty()) break;
      for (Envelope& e : *events) {
        after = e.position;
        if (e.stream == "access" && !q.include_access) continue;
        if (page.items.size() == q.limit) {
          more = true;
          break;
        }
        page.items.push_back(std::move(e));
      }
    }
  } else {
    std::string prefix = q.actor ? IndexPrefix("a/", *q.actor)
                         : q.site_id ? IndexPrefix("s/", *q.site_id)
                                     : IndexPrefix("t/", *q.type);
    auto it = r.Scan(prefix, KeyBE(prefix, last + 1));
    for (it->Seek(KeyBE(prefix, first)); it->Valid(); it->Next()) {
      ValueReader in(it->value());
      std::string type = in.Str(), actor = in.Str(), site = in.Str();
      bool access = in.Bool();
      if (!in.ok()) return Status::Corruption("audit: malformed entry");
      if ((q.type && type != *q.type) || (q.actor && actor != *q.actor) || (q.site_id && site != *q.site_id) ||
          (access && !q.include_access)) {
        continue;
      }
      if (positions.size() == q.limit) {
        more = true;
        break;
      }
      positions.push_back(GetBigEndian64(it->key().data() + prefix.size()));
    }
    REDLEDGER_RETURN_IF_ERROR(it->status());
    for (uint64_t p : positions) {
      auto e = store.ReadAt(p);
      if (!e.ok()) return e.status();
      page.items.push_back(std::move(*e));
    }
  }
  if (more && !page.items.empty()) page.next_cursor = MakeCursor(last, page.items.back().position);
  return page;
}

}  // namespace redledger::projection_internal
