// C2SP signed notes with Ed25519 keys (c2sp.org/signed-note): key names, key
// ids, verifier key text and signature lines. OpenSignedNote, the reading
// side, is public (redledger/checkpoint.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "redledger/status.h"

namespace redledger::proof {

// The signature type byte of Ed25519 in key ids and verifier keys.
constexpr uint8_t kEd25519SignatureType = 0x01;

// Non-empty UTF-8 without Unicode spaces, '+' or control characters.
bool IsValidKeyName(std::string_view name);

// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public_key)[:4], big-endian.
uint32_t KeyId(std::string_view name, std::string_view public_key);

// "<name>+<8 hex digits>+<base64(0x01 ‖ public key)>". REQUIRES: IsValidKeyName(name).
std::string VerifierKeyText(std::string_view name, std::string_view public_key);

struct VerifierKey {
  std::string name;
  uint32_t id = 0;
  std::string public_key;  // 32 bytes
};
// InvalidArgument unless well-formed, Ed25519 and its id matches name and key.
Result<VerifierKey> ParseVerifierKey(std::string_view text);

// The note: text, an empty line, "— <name> <base64(id ‖ signature)>\n".
// REQUIRES: text ends in "\n".
std::string SignedNote(std::string_view text, std::string_view name, uint32_t id, std::string_view signature);

}  // namespace redledger::proof
