// Small byte/text encodings shared by every module: hex, base64, UUIDs,
// UTF-8 checks and big-endian integers for sortable keys.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "redledger/status.h"

namespace redledger {

using Hash256 = std::array<uint8_t, 32>;

std::string HexEncode(std::string_view bytes);  // lower-case
std::string HexEncode(const Hash256& h);
Result<std::string> HexDecode(std::string_view hex);
Result<Hash256> ParseHash256(std::string_view hex);

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// Number of Unicode code points; REQUIRES: IsValidUtf8(s).
size_t Utf8Length(std::string_view s);

// Lower-case canonical UUID text, "xxxxxxxx-xxxx-Mxxx-Nxxx-xxxxxxxxxxxx".
std::string NewUuidV4();
// RFC 4122 name-based UUID (SHA-1) in `namespace_uuid` (a UUID text).
std::string UuidV5(std::string_view namespace_uuid, std::string_view name);
bool IsUuid(std::string_view text);  // lower-case canonical form only

// Random bytes from the OS CSPRNG.
std::string RandomBytes(size_t n);

// SHA-256 of bytes.
Hash256 Sha256(std::string_view bytes);

// Big-endian fixed-width integers: keys that sort like the numbers.
void PutBigEndian64(std::string* dst, uint64_t v);
uint64_t GetBigEndian64(const char* p);  // REQUIRES: 8 readable bytes

}  // namespace redledger
