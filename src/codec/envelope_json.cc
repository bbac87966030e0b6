// The envelope's JSON form and its leaf hash (DESIGN §2).
//
// Members are written in RFC 8785 order (keys sorted by UTF-16 code units;
// all envelope keys are ASCII), and `data` is already canonical, so the
// canonical JSON is assembled directly, without a parse.
#include <boost/json.hpp>

#include "redledger/codec.h"

namespace redledger {
namespace {

void AppendOptional(std::string* out, const std::optional<std::string>& v) {
  if (v)
    AppendJsonString(out, *v);
  else
    out->append("null");
}

// The members from "actor" to "event_id", shared by the canonical and the full form.
void AppendHead(std::string* out, const Envelope& e) {
  out->append("{\"actor\":{\"id\":");
  AppendJsonString(out, e.actor.id);
  out->append(",\"role\":");
  AppendJsonString(out, e.actor.role);
  out->append(",\"unit\":");
  AppendOptional(out, e.actor.unit);
  out->append("},\"causation_id\":");
  AppendOptional(out, e.causation_id);
  out->append(",\"correlation_id\":");
  AppendOptional(out, e.correlation_id);
  out->append(",\"data\":");
  out->append(e.data);
  out->append(",\"event_id\":");
  AppendJsonString(out, e.event_id);
}

// The members from "personal" to the end.
void AppendTail(std::string* out, const Envelope& e, bool include_personal) {
  if (include_personal && !e.personal.empty()) {
    out->append(",\"personal\":\"");
    out->append(Base64Encode(e.personal));
    out->push_back('"');
  }
  out->append(",\"position\":");
  out->append(std::to_string(e.position));
  out->append(",\"recorded_at\":\"");
  out->append(FormatRfc3339(e.recorded_at));
  out->append("\",\"schema\":");
  out->append(std::to_string(e.schema));
  out->append(",\"stream\":");
  AppendJsonString(out, e.stream);
  out->append(",\"type\":");
  AppendJsonString(out, e.type);
  out->append(",\"version\":");
  out->append(std::to_string(e.version));
  out->push_back('}');
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return Status::InvalidArgument("missing member", std::string(key));
  if (it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return Status::InvalidArgument("must be a string or null", std::string(key));
  return std::optional<std::string>(std::string(it->value().get_string()));
}

Result<std::string> RequiredString(const boost::json::object& o, std::string_view key) {
  auto v = OptionalString(o, key);
  if (!v.ok()) return v.status();
  if (!v.value()) return Status::InvalidArgument("must be a string", std::string(key));
  return std::move(*v.value());
}

Result<uint64_t> RequiredUint(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return Status::InvalidArgument("missing member", std::string(key));
  if (it->value().is_int64() && it->value().get_int64() >= 0) return static_cast<uint64_t>(it->value().get_int64());
  if (it->value().is_uint64()) return it->value().get_uint64();
  return Status::InvalidArgument("must be a non-negative integer", std::string(key));
}

}  // namespace

std::string CanonicalEnvelopeJson(const Envelope& e) {
  std::string out;
  out.reserve(256 + e.data.size() + e.personal.size() * 4 / 3);
  AppendHead(&out, e);
  AppendTail(&out, e, /*include_personal=*/true);
  return out;
}

Hash256 LeafHash(const Envelope& e) {
  std::string buf(1, '\0');  // RFC 6962 leaf prefix
  buf.reserve(257 + e.data.size() + e.personal.size() * 4 / 3);
  AppendHead(&buf, e);
  AppendTail(&buf, e, /*include_personal=*/true);
  return Sha256(buf);
}

std::string EnvelopeJson(const Envelope& e, bool include_personal) {
  std::string out;
  out.reserve(320 + e.data.size() + e.personal.size() * 4 / 3);
  AppendHead(&out, e);
  out.append(",\"hash\":\"");
  out.append(HexEncode(e.hash));
  out.push_back('"');
  AppendTail(&out, e, include_personal);
  return out;
}

Result<Envelope> EnvelopeFromJson(std::string_view json) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  boost::json::value v = boost::json::parse(json, ec, {}, opts);
  if (ec) return Status::InvalidJson("envelope is not JSON: " + ec.message());
  if (!v.is_object()) return Status::InvalidJson("envelope is not a JSON object");
  const auto& o = v.get_object();
  static const char* kKnown[] = {"actor", "causation_id", "correlation_id", "data", "event_id", "hash",
                                 "personal", "position", "recorded_at", "schema", "stream", "type", "version"};
  for (const auto& kv : o) {
    bool known = false;
    for (const char* k : kKnown) known |= kv.key() == k;
    if (!known) return Status::InvalidArgument("unknown envelope member", std::string(kv.key()));
  }
  Envelope e;
  auto position = RequiredUint(o, "position");
  auto version = RequiredUint(o, "version");
  auto schema = RequiredUint(o, "schema");
  auto stream = RequiredString(o, "stream");
  auto type = RequiredString(o, "type");
  auto event_id = RequiredString(o, "event_id");
  auto recorded = RequiredString(o, "recorded_at");
  auto hash = RequiredString(o, "hash");
  auto corr = OptionalString(o, "correlation_id");
  auto caus = OptionalString(o, "causation_id");
  for (const Status& s : {position.status(), version.status(), schema.status(), stream.status(), type.status(),
                          event_id.status(), recorded.status(), hash.status(), corr.status(), caus.status()})
    if (!s.ok()) return s;
  auto at = ParseRfc3339(*recorded);
  if (!at.ok()) return Status::InvalidArgument(at.status().message(), "recorded_at");
  auto h = ParseHash256(*hash);
  if (!h.ok()) return Status::InvalidArgument(h.status().message(), "hash");
  e.position = *position;
  e.version = *version;
  e.schema = static_cast<uint32_t>(*schema);
  e.stream = std::move(*stream);
  e.type = std::move(*type);
  e.event_id = std::move(*event_id);
  e.recorded_at = *at;
  e.hash = *h;
  e.correlation_id = std::move(*corr);
  e.causation_id = std::move(*caus);

  auto actor_it = o.find("actor");
  if (actor_it == o.end() || !actor_it->value().is_object()) return Status::InvalidArgument("must be an object", "actor");
  const auto& actor = actor_it->value().get_object();
  auto aid = RequiredString(actor, "id");
  auto arole = RequiredString(actor, "role");
  auto aunit = OptionalString(actor, "unit");
  for (const Status& s : {aid.status(), arole.status(), aunit.status()})
    if (!s.ok()) return Status::InvalidArgument(s.message(), "actor." + s.field());
  e.actor = Actor{std::move(*aid), std::move(*arole), std::move(*aunit)};

  auto data_it = o.find("data");
  if (data_it == o.end() || !data_it->value().is_object()) return Status::InvalidArgument("must be an object", "data");
  auto data = CanonicalizeJson(boost::json::serialize(data_it->value()));
  if (!data.ok()) return Status::InvalidArgument(data.status().message(), "data");
  e.data = std::move(*data);

  if (auto p = o.find("personal"); p != o.end()) {
    if (!p->value().is_string()) return Status::InvalidArgument("must be a base64 string", "personal");
    auto bytes = Base64Decode(p->value().get_string());
    if (!bytes.ok() || bytes->empty()) return Status::InvalidArgument("must be non-empty base64", "personal");
    e.personal = std::move(*bytes);
  }
  return e;
}

}  // namespace redledger
