// Grammar (c2sp.org/signed-note):
//
//   note      := text "\n" signature+
//   text      := line+                (each line ends in "\n"; the text is
//                                      split from the signatures at the LAST
//                                      empty line)
//   signature := "— " name " " base64(key id:u32 big-endian ‖ sig) "\n"
//   vkey      := name "+" hex8(key id) "+" base64(type:u8 ‖ public key)
//
// The whole note is UTF-8 with no control character but "\n".
#include "proof/signed_note.h"

#include <vector>

#include "proof/ed25519.h"
#include "redledger/checkpoint.h"
#include "redledger/encoding.h"

namespace redledger::proof {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";  // U+2014, then a space
// Generous for one Ed25519 signature, and bounds what a verifier parses.
constexpr size_t kMaxNoteBytes = 256 * 1024;
constexpr size_t kMaxSignatures = 100;

// The code points of a valid UTF-8 string.
std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int j = 1; j < len; ++j) cp = cp << 6 | (static_cast<unsigned char>(s[i + j]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

bool IsUnicodeSpace(char32_t c) {
  return c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

uint32_t BigEndian32(std::string_view b) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[0])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[2])) << 8 | static_cast<unsigned char>(b[3]);
}

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift & 0xFF));
}

Status Malformed(const std::string& why) { return Status::InvalidArgument("malformed signed note: " + why); }

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || !IsValidUtf8(name)) return false;
  for (char32_t c : CodePoints(name)) {
    if (c < 0x20 || c == 0x7F || c == '+' || IsUnicodeSpace(c)) return false;
  }
  return true;
}

uint32_t KeyId(std::string_view name, std::string_view public_key) {
  std::string in(name);
  in.push_back('\n');
  in.push_back(static_cast<char>(kEd25519SignatureType));
  in.append(public_key);
  const Hash256 h = Sha256(in);
  return BigEndian32(std::string_view(reinterpret_cast<const char*>(h.data()), 4));
}

std::string VerifierKeyText(std::string_view name, std::string_view public_key) {
  std::string id;
  PutBigEndian32(&id, KeyId(name, public_key));
  std::string key(1, static_cast<char>(kEd25519SignatureType));
  key.append(public_key);
  return std::string(name) + "+" + HexEncode(id) + "+" + Base64Encode(key);
}

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  const Status bad = Status::InvalidArgument("malformed verifier key (want <name>+<hex key id>+<base64 key>)");
  const size_t plus1 = text.find('+');
  if (plus1 == std::string_view::npos) return bad;
  const size_t plus2 = text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) return bad;
  VerifierKey key;
  key.name = std::string(text.substr(0, plus1));
  if (!IsValidKeyName(key.name)) return bad;
  const std::string_view hex = text.substr(plus1 + 1, plus2 - plus1 - 1);
  Result<std::string> id = HexDecode(hex);
  if (hex.size() != 8 || !id.ok()) return bad;
  key.id = BigEndian32(*id);
  Result<std::string> material = Base64Decode(text.substr(plus2 + 1));
  if (!material.ok() || material->empty()) return bad;
  if (static_cast<uint8_t>((*material)[0]) != kEd25519SignatureType) {
    return Status::InvalidArgument("verifier key is not an Ed25519 key");
  }
  if (material->size() != 1 + kEd25519PublicKeyBytes) return bad;
  key.public_key = material->substr(1);
  if (KeyId(key.name, key.public_key) != key.id) {
    return Status::InvalidArgument("verifier key id does not match its name and key");
  }
  return key;
}

std::string SignedNote(std::string_view text, std::string_view name, uint32_t id, std::string_view signature) {
  std::string blob;
  PutBigEndian32(&blob, id);
  blob.append(signature);
  std::string note(text);
  note.push_back('\n');
  note.append(kEmDashSpace);
  note.append(name);
  note.push_back(' ');
  note.append(Base64Encode(blob));
  note.push_back('\n');
  return note;
}

}  // namespace redledger::proof

namespace redledger {

Result<std::string> OpenSignedNote(std::string_view note, std::string_view verifier_key) {
  Result<proof::VerifierKey> key = proof::ParseVerifierKey(verifier_key);
  if (!key.ok()) return key.status();
  if (note.size() > proof::kMaxNoteBytes) return proof::Malformed("too large");
  if (!IsValidUtf8(note)) return proof::Malformed("not UTF-8");
  for (char c : note) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      return proof::Malformed("control character");
    }
  }
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return proof::Malformed("no empty line before the signatures");
  const std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return proof::Malformed("signatures must end in a newline");

  bool verified = false;
  size_t count = 0;
  while (!sigs.empty()) {
    if (++count > proof::kMaxSignatures) return proof::Malformed("too many signatures");
    const size_t eol = sigs.find('\n');
    std::string_view line = sigs.substr(0, eol);
    sigs.remove_prefix(eol + 1);
    if (line.substr(0, proof::kEmDashSpace.size()) != proof::kEmDashSpace) {
      return proof::Malformed("signature line does not start with an em dash");
    }
    line.remove_prefix(proof::kEmDashSpace.size());
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return proof::Malformed("signature line has no signature");
    const std::string_view name = line.substr(0, space);
    Result<std::string> blob = Base64Decode(line.substr(space + 1));
    if (!proof::IsValidKeyName(name) || !blob.ok() || blob->size() < 5) {
      return proof::Malformed("bad signature line");
    }
    // Signatures by other keys (witnesses, rotated keys) are not ours to judge.
    if (name != key->name || proof::BigEndian32(*blob) != key->id) continue;
    if (!proof::VerifyEd25519(key->public_key, text, std::string_view(*blob).substr(4))) {
      return Status::Corruption("signature by " + key->name + " does not verify");
    }
    verified = true;
  }
  if (!verified) return Status::Corruption("note has no signature by " + key->name);
  return std::string(text);
}

}  // namespace redledger
