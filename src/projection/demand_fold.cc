#include "projection/demand_fold.h"

#include <boost/json.hpp>

namespace redledger::projection_internal {

namespace json = boost::json;

namespace {

std::string StrField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> OptStrField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// The note an event carries, if any: which field holds it and who may read it.
struct NoteSpec {
  std::string_view type, kind, field, visibility;
};
constexpr NoteSpec kNotes[] = {
    {"demand.accepted", "accept", "note", "internal"},
    {"demand.assigned", "assign", "note", "internal"},
    {"demand.declined", "decline", "reason", "public"},
    {"demand.returned", "return", "reason", "internal"},
    {"demand.publicized", "publicize", "notice", "public"},
    {"demand.progress_reported", "progress", "note", ""},  // its own visibility field
    {"demand.supervised", "supervise", "note", "internal"},
    {"demand.resolved", "resolve", "summary", "public"},
    {"demand.closed", "close", "note", "internal"},
};

}  // namespace

Status ApplyDemandEvent(DemandFold* f, const Envelope& e) {
  auto next = EvolveDemand(std::move(f->state), e);
  if (!next.ok()) return next.status();
  f->state = std::move(*next);
  if (e.type == "demand.raised") {
    f->raised_position = e.position;
    f->reporter_personal = e.personal;
  }
  const NoteSpec* spec = nullptr;
  for (const NoteSpec& s : kNotes) {
    if (s.type == e.type) spec = &s;
  }
  if (!spec) return Status::OK();
  boost::system::error_code ec;
  json::value v = json::parse(e.data, ec);
  if (ec || !v.is_object()) return Status::Corruption(e.stream + ": event data is not an object");
  const json::object& o = v.as_object();
  if (e.type == "demand.publicized") {
    f->notice = StrField(o, "notice");
    f->publicized_at = e.recorded_at;
    auto until = ParseRfc3339(StrField(o, "until"));
    if (!until.ok()) return Status::Corruption(e.stream + ": publicized without a valid `until`");
    f->publicized_until = *until;
  } else if (e.type == "demand.resolved") {
    f->resolution_summary = StrField(o, "summary");
  }
  std::optional<std::string> text = OptStrField(o, spec->field);
  if (!text) return Status::OK();  // a null note: nothing to show
  DemandNote n;
  n.kind = std::string(spec->kind);
  n.visibility = spec->visibility.empty() ? StrField(o, "visibility") : std::string(spec->visibility);
  if (n.visibility != "public") n.visibility = "internal";  // unknown means hidden
  n.note = std::move(*text);
  n.unit_id = OptStrField(o, "unit_id");
  n.actor_id = e.actor.id;
  n.at = e.recorded_at;
  n.position = e.position;
  f->notes.push_back(std::move(n));
  return Status::OK();
}

Result<DemandFold> LoadDemandFold(const EventStore& store, const std::string& stream, uint64_t through_version,
                                  uint64_t max_position) {
  DemandFold f;
  uint64_t from = 1;
  constexpr size_t kChunk = 256;
  while (true) {
    size_t want = kChunk;
    if (through_version != 0) {
      if (from > through_version) break;
      want = std::min<uint64_t>(kChunk, through_version - from + 1);
    }
    auto events = store.ReadStream(stream, from, EventStore::Direction::kForward, want);
    if (!events.ok()) return events.status();
    for (const Envelope& e : *events) {
      if (e.position > max_position) return f;
      REDLEDGER_RETURN_IF_ERROR(ApplyDemandEvent(&f, e));
    }
    if (events->size() < want) break;
    from += events->size();
  }
  return f;
}

Result<const DemandFold*> DemandFoldCache::Apply(const Envelope& e,
                                                 const std::function<void(const DemandFold&)>& before) {
  auto it = index_.find(e.stream);
  if (it != index_.end() && it->second->second.state.version + 1 != e.version) {
    lru_.erase(it->second);
    index_.erase(it);
    it = index_.end();
  }
  if (it == index_.end()) {
    // A stream's first event starts from the empty fold: nothing to read.
    auto loaded = e.version == 1 ? Result<DemandFold>(DemandFold{})
                                 : LoadDemandFold(*store_, e.stream, e.version - 1, e.position - 1);
    if (!loaded.ok()) return loaded.status();
    if (loaded->state.version + 1 != e.version) {
      return Status::Corruption(e.stream + ": stream does not reach version " + std::to_string(e.version - 1));
    }
    lru_.emplace_front(e.stream, std::move(*loaded));
    it = index_.emplace(e.stream, lru_.begin()).first;
    while (lru_.size() > capacity_ && lru_.size() > 1) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  } else if (it->second != lru_.begin()) {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  DemandFold& f = lru_.front().second;
  before(f);
  Status st = ApplyDemandEvent(&f, e);
  if (!st.ok()) {
    index_.erase(it);
    lru_.pop_front();
    return st;
  }
  return &f;
}

void DemandFoldCache::Clear() {
  lru_.clear();
  index_.clear();
}

}  // namespace redledger::projection_internal
