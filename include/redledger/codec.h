// Codec: the envelope's binary storage form, its JSON form, RFC 8785
// canonical JSON and the RFC 6962 leaf hash.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger {

// Binary form stored in the log column family (grammar in src/codec/envelope_codec.cc).
std::string EncodeEnvelope(const Envelope& e);
// Corruption when the bytes do not decode or the format version is unknown.
Result<Envelope> DecodeEnvelope(std::string_view bytes);
// The same into `out`, reusing its strings' memory (for bulk scans); on
// error `out` holds a partial envelope.
Status DecodeEnvelopeInto(std::string_view bytes, Envelope* out);

// RFC 8785 (JCS) canonical JSON of an arbitrary JSON text. Only integers in
// ±(2^53−1) are allowed as numbers (DESIGN §2: no floating point); valid UTF-8
// only; `max_depth` bounds nesting. InvalidJson for unparseable text,
// InvalidArgument for floats, big integers or invalid UTF-8.
Result<std::string> CanonicalizeJson(std::string_view json, int max_depth = 32);

// Appends `s` as a JSON string literal, escaped as RFC 8785 requires.
void AppendJsonString(std::string* out, std::string_view s);

// Canonical JSON of the envelope without `hash` (what the leaf hash covers).
std::string CanonicalEnvelopeJson(const Envelope& e);
// SHA-256(0x00 ‖ CanonicalEnvelopeJson(e)).
Hash256 LeafHash(const Envelope& e);
// The envelope's JSON form with `hash` (canonical key order). `personal` is
// included as base64 when present; pass include_personal=false to drop it.
std::string EnvelopeJson(const Envelope& e, bool include_personal = true);
// Parses the JSON form (for import). Checks types; does not check the hash.
Result<Envelope> EnvelopeFromJson(std::string_view json);

}  // namespace redledger
