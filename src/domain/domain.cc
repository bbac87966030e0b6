#include "redledger/domain.h"

#include "redledger/encoding.h"

namespace redledger {

namespace {
// The UUIDv5 namespace of command event ids (a fixed random UUID: changing
// it would change every derived id).
constexpr std::string_view kCommandNamespace = "6f1c0b7e-3d52-4a8e-9b61-2c7f5e0a9d34";

std::string Base32(std::string_view bytes, size_t chars) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // no l, o, 0, 1
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5 && out.size() < chars) {
      out += kAlphabet[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
}  // namespace

std::string DemandStream(std::string_view id) { return "demand-" + std::string(id); }
std::string SiteStream(std::string_view id) { return "site-" + std::string(id); }
std::string UnitStream(std::string_view id) { return "unit-" + std::string(id); }
std::string SubjectStream(std::string_view id) { return "subject-" + std::string(id); }

std::string_view DemandIdOfStream(std::string_view stream) {
  constexpr std::string_view kPrefix = "demand-";
  if (stream.substr(0, kPrefix.size()) != kPrefix) return {};
  return stream.substr(kPrefix.size());
}

std::string CommandEventId(std::string_view principal_id, const std::optional<std::string>& key, size_t index) {
  if (!key) return NewUuidV4();
  // Length-prefixed parts, so ("ab","c") and ("a","bc") differ.
  std::string name = std::to_string(principal_id.size()) + ":" + std::string(principal_id) + "|" +
                     std::to_string(key->size()) + ":" + *key + "|" + std::to_string(index);
  return UuidV5(kCommandNamespace, name);
}

std::string NewObjectId(std::string_view prefix, std::string_view principal_id, const std::optional<std::string>& key,
                        std::string_view salt) {
  std::string bytes;
  if (key) {
    Hash256 h = Sha256(std::to_string(principal_id.size()) + ":" + std::string(principal_id) + "|" +
                       std::to_string(key->size()) + ":" + *key + "|" + std::string(salt));
    bytes.assign(reinterpret_cast<const char*>(h.data()), h.size());
  } else {
    bytes = RandomBytes(8);
  }
  return std::string(prefix) + Base32(bytes, 12);
}

std::vector<NewEvent> ToNewEvents(const std::vector<DomainEvent>& events, const Actor& actor,
                                  std::string_view principal_id, const CommandMeta& meta) {
  std::vector<NewEvent> out;
  out.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    NewEvent n;
    n.type = events[i].type;
    n.event_id = CommandEventId(principal_id, meta.idempotency_key, i);
    n.actor = actor;
    n.correlation_id = meta.correlation_id;
    n.causation_id = meta.causation_id;
    n.data = events[i].data;
    n.personal = events[i].personal;
    out.push_back(std::move(n));
  }
  return out;
}

bool IsValidClientId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_'))) return false;
  }
  return true;
}

}  // namespace redledger
