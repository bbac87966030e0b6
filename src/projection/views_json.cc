// The JSON forms of the read models (shapes in redledger/views.h). Built as
// text directly: every answer is small and flat, and AppendJsonString does
// RFC 8785 escaping.
#include <initializer_list>

#include "redledger/codec.h"
#include "redledger/views.h"

namespace redledger {

namespace {

// Writes one JSON object; keys are emitted in call order.
class Obj {
 public:
  explicit Obj(std::string* out) : out_(out) { out_->push_back('{'); }
  Obj& Key(std::string_view k) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendJsonString(out_, k);
    out_->push_back(':');
    return *this;
  }
  Obj& Str(std::string_view k, std::string_view v) {
    Key(k);
    AppendJsonString(out_, v);
    return *this;
  }
  Obj& OptStr(std::string_view k, const std::optional<std::string>& v) {
    if (v) return Str(k, *v);
    Key(k);
    out_->append("null");
    return *this;
  }
  Obj& Int(std::string_view k, int64_t v) {
    Key(k);
    out_->append(std::to_string(v));
    return *this;
  }
  Obj& OptInt(std::string_view k, const std::optional<int64_t>& v) {
    Key(k);
    out_->append(v ? std::to_string(*v) : "null");
    return *this;
  }
  Obj& Bool(std::string_view k, bool v) {
    Key(k);
    out_->append(v ? "true" : "false");
    return *this;
  }
  Obj& Time(std::string_view k, Micros t) { return Str(k, FormatRfc3339(t)); }
  Obj& OptTime(std::string_view k, const std::optional<Micros>& t) {
    if (t) return Time(k, *t);
    Key(k);
    out_->append("null");
    return *this;
  }
  // The value is written by the caller right after.
  std::string* Raw(std::string_view k) {
    Key(k);
    return out_;
  }
  void Done() { out_->push_back('}'); }

 private:
  std::string* out_;
  bool first_ = true;
};

template <typename T, typename F>
void Array(std::string* out, const std::vector<T>& items, F each) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out->push_back(',');
    each(out, items[i]);
  }
  out->push_back(']');
}

void ListItemJson(std::string* out, const DemandListItem& i) {
  Obj o(out);
  o.Str("demand_id", i.demand_id).Str("site_id", i.site_id).Str("category", i.category).Str("title", i.title);
  o.Str("urgency", i.urgency).Str("status", i.status).OptStr("assigned_unit", i.assigned_unit);
  o.Bool("overdue", i.overdue).Time("raised_at", i.raised_at);
  o.Done();
}

void EnvelopesJson(std::string* out, const std::vector<Envelope>& events) {
  Array(out, events, [](std::string* o, const Envelope& e) { o->append(EnvelopeJson(e, true)); });
}

}  // namespace

std::optional<int64_t> SiteLedger::AvgAcceptSeconds() const {
  if (accept_count == 0) return std::nullopt;
  return accept_seconds_total / accept_count;
}

std::optional<int64_t> SiteLedger::AvgResolveSeconds() const {
  if (resolve_count == 0) return std::nullopt;
  return resolve_seconds_total / resolve_count;
}

std::string DemandViewJson(const DemandView& v, const DemandViewRender& render) {
  const DemandState& s = v.state;
  std::string out;
  Obj o(&out);
  o.Str("demand_id", s.id).Str("site_id", s.site_id).Str("category", s.category).Str("title", s.title);
  o.Str("description", s.description);
  {
    Obj loc(o.Raw("location"));
    loc.Str("compound_id", s.compound_id).Str("building", s.building).OptStr("grid_id", s.grid_id);
    loc.Done();
  }
  o.Str("channel", s.channel).Str("urgency", s.urgency).Str("status", DemandStatusName(s.status));
  o.Int("version", static_cast<int64_t>(s.version)).Time("raised_at", s.raised_at);
  o.OptTime("accepted_at", s.accepted_at).OptTime("resolved_at", s.resolved_at).OptTime("closed_at", s.closed_at);
  o.OptStr("assigned_unit", s.assigned_unit).Time("response_due_at", s.response_due_at);
  o.OptTime("resolve_due_at", s.resolve_due_at).Bool("overdue", s.Overdue()).Bool("publicized", s.publicized);
  o.Int("reopen_count", s.reopen_count).Int("return_count", s.return_count).Int("extensions", s.extensions);
  if (s.evaluation) {
    Obj ev(o.Raw("evaluation"));
    ev.Str("rating", s.evaluation->rating).OptInt("score", s.evaluation->score);
    ev.OptStr("comment", s.evaluation->comment).Time("at", s.evaluation->at);
    ev.Done();
  } else {
    o.Raw("evaluation")->append("null");
  }
  {
    Obj rep(o.Raw("reporter"));
    rep.Str("subject_id", s.reporter_subject_id).OptStr("name", render.reporter_name);
    rep.OptStr("phone", render.reporter_phone);
    rep.Done();
  }
  o.OptStr("close_reason", s.close_reason).OptStr("duplicate_of", s.duplicate_of);
  Array(o.Raw("linked_reporters"), s.linked_reporters,
        [](std::string* out, const std::string& id) { AppendJsonString(out, id); });
  std::vector<DemandNote> notes;
  for (const DemandNote& n : v.notes) {
    if (n.visibility == "public" || render.internal_notes) notes.push_back(n);
  }
  Array(o.Raw("notes"), notes, [](std::string* out, const DemandNote& n) {
    Obj no(out);
    no.Str("kind", n.kind).Str("visibility", n.visibility).Str("note", n.note).OptStr("unit_id", n.unit_id);
    no.Str("actor_id", n.actor_id).Time("at", n.at).Int("position", static_cast<int64_t>(n.position));
    no.Done();
  });
  Array(o.Raw("attachments"), s.attachments, [](std::string* out, const Attachment& a) {
    Obj ao(out);
    ao.Str("url", a.url).Str("sha256", a.sha256);
    ao.Done();
  });
  o.Done();
  return out;
}

std::string DemandHistoryJson(const DemandHistory& h) {
  std::string out;
  Obj o(&out);
  EnvelopesJson(o.Raw("events"), h.events);
  o.Done();
  return out;
}

std::string DemandPageJson(const DemandPage& p) {
  std::string out;
  Obj o(&out);
  Array(o.Raw("items"), p.items, ListItemJson);
  o.OptStr("next_cursor", p.next_cursor);
  o.Done();
  return out;
}

std::string SiteLedgerJson(const SiteLedger& l) {
  std::string out;
  Obj o(&out);
  o.Str("site_id", l.site_id).Int("position", static_cast<int64_t>(l.as_of));
  {
    const StatusCounts& c = l.counts;
    Obj co(o.Raw("counts"));
    co.Int("raised", c.raised).Int("accepted", c.accepted).Int("assigned", c.assigned);
    co.Int("resolved", c.resolved).Int("closed", c.closed).Int("declined", c.declined);
    co.Done();
  }
  o.Int("total", l.total).Int("open", l.open).Int("overdue", l.overdue);
  Array(o.Raw("open_items"), l.open_items, ListItemJson);
  Array(o.Raw("overdue_items"), l.overdue_items, ListItemJson);
  Array(o.Raw("recent_resolutions"), l.recent_resolutions, [](std::string* out, const LedgerResolution& r) {
    Obj ro(out);
    ro.Str("demand_id", r.demand_id).Str("title", r.title).Str("unit_id", r.unit_id).Str("summary", r.summary);
    ro.Time("resolved_at", r.resolved_at).Bool("on_time", r.on_time).Int("position", static_cast<int64_t>(r.position));
    ro.Done();
  });
  o.OptInt("avg_accept_seconds", l.AvgAcceptSeconds()).OptInt("avg_resolve_seconds", l.AvgResolveSeconds());
  o.Int("accept_count", l.accept_count).Int("resolve_count", l.resolve_count);
  o.Done();
  return out;
}

std::string AuditPageJson(const AuditPage& p) {
  std::string out;
  Obj o(&out);
  EnvelopesJson(o.Raw("items"), p.items);
  o.OptStr("next_cursor", p.next_cursor);
  o.Done();
  return out;
}

std::string PublicBoardJson(const PublicBoard& b) {
  std::string out;
  Obj o(&out);
  o.Str("site_id", b.site_id);
  Array(o.Raw("items"), b.items, [](std::string* out, const BoardItem& i) {
    Obj io(out);
    io.Str("demand_id", i.demand_id).Str("category", i.category).Str("title", i.title).Str("status", i.status);
    io.Str("compound_id", i.compound_id).Time("raised_at", i.raised_at).OptTime("accepted_at", i.accepted_at);
    io.OptTime("resolved_at", i.resolved_at).OptTime("closed_at", i.closed_at).Str("notice", i.notice);
    io.Time("publicized_at", i.publicized_at).Time("publicized_until", i.publicized_until);
    Array(io.Raw("notes"), i.notes, [](std::string* out, const BoardNote& n) {
      Obj no(out);
      no.Str("note", n.note).Time("at", n.at);
      no.Done();
    });
    io.OptStr("outcome", i.outcome).OptStr("rating", i.rating).OptInt("score", i.score);
    io.Done();
  });
  o.OptStr("next_cursor", b.next_cursor);
  o.Done();
  return out;
}

}  // namespace redledger
