// Signed checkpoints of the log and the JSON form of its proofs (DESIGN §2).
//
// A checkpoint is a C2SP signed note (c2sp.org/signed-note,
// c2sp.org/tlog-checkpoint) whose text is
//
//   <origin>\n<tree size, decimal>\n<base64 root>\ntime <RFC 3339>\n
//
// signed with Ed25519: after the text, an empty line, then
// "— <key name> <base64(key id ‖ signature)>\n", where key id is the first 4
// bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key). The verifier key text
// is "<name>+<8 hex digits of key id>+<base64(0x01 ‖ public key)>", the form
// golang.org/x/mod/sumdb/note reads, so standard tooling can check our notes.
//
// Thread safety: Signer is immutable after Open and safe for concurrent use;
// the rest are pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/encoding.h"
#include "redledger/status.h"

namespace redledger {

struct Checkpoint {
  std::string origin;  // the log's name (--log-origin), also the key name
  uint64_t size = 0;   // tree size
  Hash256 root{};      // RFC 6962 root of the first `size` leaves
  Micros time = 0;     // the "time" extension line; 0 when the note has none

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text a checkpoint is signed as. REQUIRES: origin is a valid key
// name (non-empty UTF-8 without spaces, '+' or control characters).
std::string CheckpointText(const Checkpoint& c);

class Signer {
 public:
  // Loads the Ed25519 private key (PKCS#8 PEM) at `key_path`, creating a new
  // one on first use: written to a temporary file with mode 0600, synced, then
  // linked into place, so a crash or a concurrent start never leaves a partial
  // or second key. Refuses a key file readable by group or others. Writes the
  // verifier key, followed by a newline, to `<key_path>.pub` (atomically, when
  // it differs). `name` is the key name (the log origin): non-empty UTF-8
  // without spaces, '+' or control characters. IOError when files cannot be
  // read or written; InvalidArgument for a bad name or a key that is not Ed25519.
  static Result<std::unique_ptr<Signer>> Open(const std::string& key_path, const std::string& name);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // The signed note of `c`. InvalidArgument when c.origin differs from the
  // key name (the log signs only its own checkpoints).
  Result<std::string> Sign(const Checkpoint& c) const;
  // "<name>+<hex key id>+<base64(0x01 ‖ public key)>".
  const std::string& VerifierKey() const { return verifier_key_; }
  const std::string& name() const { return name_; }

 private:
  struct Key;
  Signer(std::unique_ptr<Key> key, std::string name, std::string verifier_key);

  std::unique_ptr<Key> key_;
  std::string name_;
  std::string verifier_key_;
};

// The text of a signed note that carries a valid signature by
// `verifier_key`; signatures by other keys are ignored (C2SP signed-note).
// InvalidArgument when the note or the key text is malformed; Corruption when
// the key's signature is missing or does not verify.
Result<std::string> OpenSignedNote(std::string_view note, std::string_view verifier_key);

// OpenSignedNote, then parses the text as a checkpoint (origin, size, root,
// optional extension lines of which "time <RFC 3339>" is read). The origin
// must equal the key name.
Result<Checkpoint> VerifyCheckpoint(std::string_view note, std::string_view verifier_key);

// Proof JSON (DESIGN §2), hashes in lower-case hex:
//   inclusion:   {"hashes":[…],"leaf_index":i,"tree_size":n}
//   consistency: {"from_size":m,"hashes":[…],"to_size":n}
// (keys in RFC 8785 order, so the text is canonical).
struct InclusionProofData {
  uint64_t leaf_index = 0;  // position − 1
  uint64_t tree_size = 0;
  std::vector<Hash256> hashes;
  friend bool operator==(const InclusionProofData&, const InclusionProofData&) = default;
};

struct ConsistencyProofData {
  uint64_t from_size = 0;
  uint64_t to_size = 0;
  std::vector<Hash256> hashes;
  friend bool operator==(const ConsistencyProofData&, const ConsistencyProofData&) = default;
};

std::string ProofJson(const InclusionProofData& p);
std::string ProofJson(const ConsistencyProofData& p);
// InvalidJson when unparseable; InvalidArgument (naming the field) when a
// field is missing, of the wrong type or not a 64-character hex hash.
Result<InclusionProofData> ParseInclusionProofJson(std::string_view json);
Result<ConsistencyProofData> ParseConsistencyProofJson(std::string_view json);

// An inclusion proof of `leaf_hash` checked against a verified checkpoint of
// the same tree size. Corruption when it does not check.
Status CheckInclusion(const InclusionProofData& p, const Hash256& leaf_hash, const Checkpoint& c);
// A consistency proof checked between two verified checkpoints whose sizes
// are the proof's. Corruption when it does not check.
Status CheckConsistency(const ConsistencyProofData& p, const Checkpoint& older, const Checkpoint& newer);

}  // namespace redledger
