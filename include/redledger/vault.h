// Vault: personal data keys kept outside the log (DESIGN §2 "Personal data").
//
// A RocksDB database of its own (opened at a path of its own, e.g.
// <data-dir>/vault) with three column families:
//   keys    subject_id                -> 32-byte AES-256-GCM key
//   phones  HMAC-SHA256(secret, phone) -> subject_id
//   subject_phones  subject_id ‖ 0x00 ‖ hmac -> ""   (what erasure unlinks)
// and, in the default column family, the vault-wide HMAC secret.
//
// Sealed form (the envelope's `personal`): nonce(12) ‖ ciphertext ‖ tag(16),
// AES-256-GCM with the subject id as additional authenticated data, so a
// sealed value moved to another subject does not open.
//
// Keys are stored unwrapped: protect the vault directory like the data
// directory (or better, on another volume).
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "redledger/status.h"

namespace redledger {

struct VaultOptions {
  // Sync each write (new key, new phone mapping, erasure). Default: true.
  bool sync = true;
};

class Vault {
 public:
  // Opens (creating if missing) the vault in `dir`.
  static Result<std::unique_ptr<Vault>> Open(const std::string& dir, const VaultOptions& options);
  virtual ~Vault() = default;

  // Seals `plaintext` under the subject's key, creating the key on first use.
  virtual Result<std::string> Encrypt(std::string_view subject_id, std::string_view plaintext) = 0;
  // Opens a sealed value. NotFound when the subject has no key (never had one
  // or was erased); Corruption when the value is damaged or sealed under
  // another key or subject — never garbage.
  virtual Result<std::string> Decrypt(std::string_view subject_id, std::string_view sealed) const = 0;

  // The subject assigned to a normalised phone number; assigns `new_subject`
  // on first use and returns it. Two racing calls agree on one subject.
  virtual Result<std::string> SubjectForPhone(std::string_view normalized_phone, std::string_view new_subject) = 0;
  // The subject assigned to a phone, if any.
  virtual Result<std::optional<std::string>> FindSubjectForPhone(std::string_view normalized_phone) const = 0;

  // Destroys the subject's key and unlinks its phone numbers, then compacts
  // the key ranges so the key bytes leave the files. Its sealed values can
  // never be opened again. Idempotent.
  virtual Status EraseSubject(std::string_view subject_id) = 0;
  virtual bool HasKey(std::string_view subject_id) const = 0;
};

}  // namespace redledger
