// The envelope of an event (DESIGN §2 "Events and the envelope").
//
// Plain data. `data` holds the RFC 8785 canonical JSON text of the event's
// payload object, so the canonical JSON of a whole envelope can be assembled
// without re-parsing it. `personal` holds raw bytes (nonce ‖ ciphertext ‖
// tag); the JSON form carries them base64-encoded and omits the field when it
// is empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "redledger/clock.h"
#include "redledger/encoding.h"

namespace redledger {

struct Actor {
  std::string id;
  std::string role;
  std::optional<std::string> unit;  // null unless the actor acts for a unit

  static Actor Scheduler() { return Actor{"scheduler", "system", std::nullopt}; }
  friend bool operator==(const Actor&, const Actor&) = default;
};

struct Envelope {
  uint64_t position = 0;   // global, gap-free, from 1
  std::string stream;      // "demand-<id>", "site-<id>", "policy", ...
  uint64_t version = 0;    // 1-based within the stream
  std::string type;        // dotted lower-case, e.g. "demand.raised"
  uint32_t schema = 1;     // payload version, for upcasting
  std::string event_id;    // lower-case UUID
  Micros recorded_at = 0;  // never earlier than the previous event's
  Actor actor;
  std::optional<std::string> correlation_id;
  std::optional<std::string> causation_id;
  std::string data = "{}";  // canonical JSON object
  std::string personal;     // opaque bytes; empty means none
  Hash256 hash{};           // RFC 6962 leaf hash of the canonical JSON without `hash`

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

}  // namespace redledger
