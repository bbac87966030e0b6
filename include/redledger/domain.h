// The pure domain's common vocabulary: what a decision produces, how it
// becomes NewEvents for the store, and the stream names of DESIGN §2.
//
// Decide functions (demand.h, registry.h, policy.h, access.h) are pure: no
// I/O, no clock, no randomness. They return DomainEvents; the caller adds the
// envelope's actor, correlation and event ids (ToNewEvents) and encrypts the
// personal part before appending.
//
// Event types and the fields of each event's `data` are written down as a
// grammar at the top of src/domain/events.cc.
//
// Thread safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/envelope.h"
#include "redledger/event_store.h"
#include "redledger/principal.h"

namespace redledger {

// One event a decision wants appended.
struct DomainEvent {
  std::string stream;       // e.g. "demand-d7k2m9q4"
  std::string type;         // e.g. "demand.raised"
  std::string data;         // JSON object (canonical key order)
  std::string personal;     // plaintext JSON object to encrypt; empty = none
  std::string subject_id;   // whose key encrypts `personal`; set iff personal is
};

// What a command carries besides its body (DESIGN §4).
struct CommandMeta {
  std::optional<std::string> idempotency_key;
  std::optional<std::string> correlation_id;
  std::optional<std::string> causation_id;
  std::optional<uint64_t> expected_version;  // If-Match
};

// Stream names.
std::string DemandStream(std::string_view demand_id);
std::string SiteStream(std::string_view site_id);
std::string UnitStream(std::string_view unit_id);
std::string SubjectStream(std::string_view subject_id);
inline constexpr std::string_view kPolicyStream = "policy";
inline constexpr std::string_view kAccessStream = "access";
// The id part of "demand-<id>"; empty when `stream` is not a demand stream.
std::string_view DemandIdOfStream(std::string_view stream);

// The event id of the index-th event of a command: UUIDv5 of (principal,
// idempotency key, index) when a key is given, so a retry racing the first
// attempt names the same events; otherwise a random UUIDv4.
std::string CommandEventId(std::string_view principal_id, const std::optional<std::string>& idempotency_key,
                           size_t index);

// An id for a new object (demand, compound, grid, ...): `prefix` + 12
// base32 characters, derived from (principal, idempotency key, salt) when a
// key is given, so a retry maps to the same id; random otherwise.
std::string NewObjectId(std::string_view prefix, std::string_view principal_id,
                        const std::optional<std::string>& idempotency_key, std::string_view salt);

// Envelope fields for the decided events, in order. `personal` is copied as
// given: the caller replaces it with ciphertext first.
std::vector<NewEvent> ToNewEvents(const std::vector<DomainEvent>& events, const Actor& actor,
                                  std::string_view principal_id, const CommandMeta& meta);

// True for ids the API accepts from clients (site_id, unit_id): 1..64 of
// [a-z0-9_-], starting with a letter or digit.
bool IsValidClientId(std::string_view id);

}  // namespace redledger
