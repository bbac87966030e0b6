#include "store/append_planner.h"

#include <algorithm>
#include <limits>
#include <unordered_set>
#include <utility>

#include "redledger/codec.h"
#include "redledger/encoding.h"

namespace redledger::store {
namespace {

std::string PartField(size_t part, std::string_view name) {
  return "parts[" + std::to_string(part) + "]." + std::string(name);
}

std::string EventField(size_t part, size_t event, std::string_view name) {
  return PartField(part, "events[" + std::to_string(event) + "]." + std::string(name));
}

Status ValidateStreamName(const StoreOptions& options, const std::string& stream, size_t part) {
  const std::string field = PartField(part, "stream");
  if (stream.empty()) return Status::InvalidArgument("stream name is empty", field);
  if (stream.size() > options.max_stream_name_bytes) {
    return Status::InvalidArgument("stream name is " + std::to_string(stream.size()) + " bytes; the limit is " +
                                       std::to_string(options.max_stream_name_bytes),
                                   field);
  }
  // NUL separates the stream from the version in the stream index key.
  if (stream.find('\0') != std::string::npos || !IsValidUtf8(stream)) {
    return Status::InvalidArgument("stream name must be UTF-8 text without NUL", field);
  }
  return Status::OK();
}

Status ValidateExpected(const ExpectedVersion& expected, size_t part) {
  const std::string field = PartField(part, "expected");
  switch (expected.kind) {
    case ExpectedVersion::Kind::kExact:
      return Status::OK();
    case ExpectedVersion::Kind::kAny:
    case ExpectedVersion::Kind::kNoStream:
    case ExpectedVersion::Kind::kStreamExists:
      if (expected.version != 0) {
        return Status::InvalidArgument("an expected version number is allowed only with kExact", field);
      }
      return Status::OK();
  }
  return Status::InvalidArgument("unknown expected version kind", field);
}

// The bytes an event contributes before encoding; a cheap bound checked
// before canonicalising, so a huge payload is refused without parsing it.
size_t RawEventBytes(const NewEvent& e) {
  return e.type.size() + e.event_id.size() + e.data.size() + e.personal.size() + e.actor.id.size() +
         e.actor.role.size() + e.actor.unit.value_or("").size() + e.correlation_id.value_or("").size() +
         e.causation_id.value_or("").size();
}

Status ValidateEvent(const StoreOptions& options, NewEvent* e, size_t part, size_t index) {
  if (!IsUuid(e->event_id)) {
    return Status::InvalidArgument("event_id must be a lower-case UUID", EventField(part, index, "event_id"));
  }
  if (e->type.empty()) return Status::InvalidArgument("event type is empty", EventField(part, index, "type"));
  if (RawEventBytes(*e) > options.max_event_bytes) {
    return Status::PayloadTooLarge("event " + e->event_id + " exceeds " + std::to_string(options.max_event_bytes) +
                                   " bytes");
  }
  Result<std::string> canonical = CanonicalizeJson(e->data);
  if (!canonical.ok()) {
    Status s = canonical.status();
    const std::string field = EventField(part, index, "data");
    if (s.code() == Status::Code::kInvalidJson) return Status::InvalidJson(field + ": " + s.message());
    return Status::InvalidArgument(s.message(), field);
  }
  if (canonical->empty() || canonical->front() != '{') {
    return Status::InvalidArgument("event data must be a JSON object", EventField(part, index, "data"));
  }
  e->data = std::move(canonical).value();
  return Status::OK();
}

bool Satisfies(const ExpectedVersion& expected, uint64_t current) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::kAny:
      return true;
    case ExpectedVersion::Kind::kNoStream:
      return current == 0;
    case ExpectedVersion::Kind::kStreamExists:
      return current > 0;
    case ExpectedVersion::Kind::kExact:
      return current == expected.version;
  }
  return false;
}

std::string Describe(const ExpectedVersion& expected) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::kAny:
      return "any";
    case ExpectedVersion::Kind::kNoStream:
      return "no stream";
    case ExpectedVersion::Kind::kStreamExists:
      return "an existing stream";
    case ExpectedVersion::Kind::kExact:
      return "version " + std::to_string(expected.version);
  }
  return "?";
}

}  // namespace

Status ValidateAppend(const StoreOptions& options, std::vector<AppendPart>* parts) {
  if (parts->empty()) return Status::InvalidArgument("an append needs at least one part", "parts");
  size_t total = 0;
  for (const AppendPart& part : *parts) total += part.events.size();
  if (total > options.max_events_per_append) {
    return Status::InvalidArgument("an append holds " + std::to_string(total) + " events; the limit is " +
                                       std::to_string(options.max_events_per_append),
                                   "parts");
  }
  std::unordered_set<std::string_view> ids;
  for (size_t p = 0; p < parts->size(); ++p) {
    AppendPart& part = (*parts)[p];
    REDLEDGER_RETURN_IF_ERROR(ValidateStreamName(options, part.stream, p));
    REDLEDGER_RETURN_IF_ERROR(ValidateExpected(part.expected, p));
    if (part.events.empty()) return Status::InvalidArgument("a part needs at least one event", PartField(p, "events"));
    for (size_t i = 0; i < part.events.size(); ++i) {
      REDLEDGER_RETURN_IF_ERROR(ValidateEvent(options, &part.events[i], p, i));
      if (!ids.insert(part.events[i].event_id).second) {
        return Status::InvalidArgument("event_id " + part.events[i].event_id + " appears twice in one append",
                                       EventField(p, i, "event_id"));
      }
    }
  }
  return Status::OK();
}

AppendPlanner::AppendPlanner(const StoreOptions& options, const Clock* clock, LogTip tip)
    : options_(options), clock_(clock), tip_(std::move(tip)), written_head_(tip_.head) {}

Result<uint64_t> AppendPlanner::CurrentVersion(const std::string& stream, CommittedState& state) const {
  if (auto it = open_heads_.find(stream); it != open_heads_.end()) return it->second;
  if (auto it = heads_.find(stream); it != heads_.end()) return it->second.version;
  return state.StreamHead(stream);
}

Result<std::optional<uint64_t>> AppendPlanner::FindEventId(const std::string& event_id,
                                                            CommittedState& state) const {
  auto it = ids_.find(event_id);
  if (it != ids_.end()) return std::optional<uint64_t>(it->second);
  return state.EventPosition(event_id);
}

Result<Envelope> AppendPlanner::EventAt(uint64_t position, CommittedState& state) const {
  if (position <= written_head_) return state.EnvelopeAt(position);
  for (const auto& events : sealed_) {
    if (position <= events->back().position) return (*events)[position - events->front().position];
  }
  return open_events_[position - open_events_.front().position];
}

Result<std::optional<AppendResult>> AppendPlanner::FindRetry(const std::vector<AppendPart>& parts,
                                                             CommittedState& state) const {
  size_t total = 0, stored = 0;
  std::string missing_id;
  AppendResult original;
  original.duplicate = true;
  original.first_position = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> part_last(parts.size(), 0);
  for (size_t p = 0; p < parts.size(); ++p) {
    for (const NewEvent& e : parts[p].events) {
      ++total;
      Result<std::optional<uint64_t>> pos = FindEventId(e.event_id, state);
      if (!pos.ok()) return pos.status();
      if (!pos->has_value()) {
        if (missing_id.empty()) missing_id = e.event_id;
        continue;
      }
      ++stored;
      original.first_position = std::min(original.first_position, **pos);
      original.last_position = std::max(original.last_position, **pos);
      part_last[p] = std::max(part_last[p], **pos);
    }
  }
  if (stored == 0) return std::optional<AppendResult>();
  if (stored != total) {
    return Status::InvalidArgument(std::to_string(stored) + " of " + std::to_string(total) +
                                   " event ids are already stored (not " + missing_id +
                                   "); a retry must repeat the whole append");
  }
  for (size_t p = 0; p < parts.size(); ++p) {
    Result<Envelope> last = EventAt(part_last[p], state);
    if (!last.ok()) return last.status();
    if (last->stream != parts[p].stream) {
      return Status::InvalidArgument("event ids of stream " + parts[p].stream + " are stored in stream " +
                                     last->stream);
    }
    original.stream_versions.push_back(last->version);
    original.recorded_at = last->recorded_at;  // one recorded_at per append
  }
  return std::optional<AppendResult>(std::move(original));
}

Result<AppendResult> AppendPlanner::Plan(const std::vector<AppendPart>& parts, CommittedState& state) {
  Result<std::optional<AppendResult>> retry = FindRetry(parts, state);
  if (!retry.ok()) return retry.status();
  if (retry->has_value()) return std::move(**retry);

  // Check every part first (later parts see earlier parts of the same append).
  std::unordered_map<std::string, uint64_t> versions;
  AppendResult result;
  for (const AppendPart& part : parts) {
    uint64_t current = 0;
    if (auto it = versions.find(part.stream); it != versions.end()) {
      current = it->second;
    } else {
      Result<uint64_t> v = CurrentVersion(part.stream, state);
      if (!v.ok()) return v.status();
      current = *v;
    }
    if (!Satisfies(part.expected, current)) {
      return Status::VersionConflict("stream " + part.stream + " is at version " + std::to_string(current) +
                                         ", expected " + Describe(part.expected),
                                     current);
    }
    versions[part.stream] = current + part.events.size();
    result.stream_versions.push_back(current + part.events.size());
  }

  const Micros recorded_at = std::max(clock_->NowMicros(), tip_.last_recorded_at);
  merkle::CompactRange tree = tip_.tree;
  std::vector<Envelope> events;
  std::vector<std::string> encoded;
  std::vector<merkle::Node> nodes;
  uint64_t position = tip_.head;
  for (size_t p = 0; p < parts.size(); ++p) {
    const AppendPart& part = parts[p];
    uint64_t version = result.stream_versions[p] - part.events.size();
    for (const NewEvent& ne : part.events) {
      Envelope e;
      e.position = ++position;
      e.stream = part.stream;
      e.version = ++version;
      e.type = ne.type;
      e.schema = ne.schema;
      e.event_id = ne.event_id;
      e.recorded_at = recorded_at;
      e.actor = ne.actor;
      e.correlation_id = ne.correlation_id;
      e.causation_id = ne.causation_id;
      e.data = ne.data;
      e.personal = ne.personal;
      e.hash = LeafHash(e);
      std::string bytes = EncodeEnvelope(e);
      if (bytes.size() > options_.max_event_bytes) {
        return Status::PayloadTooLarge("event " + e.event_id + " encodes to " + std::to_string(bytes.size()) +
                                       " bytes; the limit is " + std::to_string(options_.max_event_bytes));
      }
      for (merkle::Node& n : tree.Append(e.hash)) nodes.push_back(n);
      events.push_back(std::move(e));
      encoded.push_back(std::move(bytes));
    }
  }

  // Nothing can fail from here on: add the append to the open batch.
  result.first_position = tip_.head + 1;
  result.last_position = position;
  result.recorded_at = recorded_at;
  tip_.head = position;
  tip_.last_recorded_at = recorded_at;
  tip_.tree = std::move(tree);
  for (auto& [stream, version] : versions) open_heads_[stream] = version;
  for (Envelope& e : events) {
    ids_.emplace(e.event_id, e.position);
    open_events_.push_back(std::move(e));
  }
  for (std::string& b : encoded) open_encoded_.push_back(std::move(b));
  open_nodes_.insert(open_nodes_.end(), nodes.begin(), nodes.end());
  return result;
}

SealedBatch AppendPlanner::Seal() {
  SealedBatch sealed;
  auto events = std::make_shared<const std::vector<Envelope>>(std::move(open_events_));
  // The last event of each stream in the batch carries its new head.
  for (auto it = events->rbegin(); it != events->rend(); ++it) {
    if (open_heads_.at(it->stream) == it->version) heads_[it->stream] = Head{it->version, it->position};
  }
  sealed.events = events;
  sealed.encoded = std::move(open_encoded_);
  sealed.heads = std::move(open_heads_);
  sealed.nodes = std::move(open_nodes_);
  sealed.tip = tip_;
  sealed_.push_back(std::move(events));
  open_events_.clear();
  open_encoded_.clear();
  open_heads_.clear();
  open_nodes_.clear();
  return sealed;
}

void AppendPlanner::Prune(uint64_t head) {
  if (head <= written_head_) return;
  written_head_ = head;
  while (!sealed_.empty() && sealed_.front()->back().position <= head) {
    for (const Envelope& e : *sealed_.front()) ids_.erase(e.event_id);
    sealed_.pop_front();
  }
  for (auto it = heads_.begin(); it != heads_.end();) {
    it = it->second.position <= head ? heads_.erase(it) : std::next(it);
  }
}

void AppendPlanner::Reset(LogTip tip) {
  tip_ = std::move(tip);
  written_head_ = tip_.head;
  heads_.clear();
  ids_.clear();
  sealed_.clear();
  open_events_.clear();
  open_encoded_.clear();
  open_heads_.clear();
  open_nodes_.clear();
}

}  // namespace redledger::store
