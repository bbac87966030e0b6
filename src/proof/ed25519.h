// Ed25519 through OpenSSL 3's EVP interface: the one file pair of the proof
// module that includes OpenSSL; its errors become Status values here.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "redledger/status.h"

namespace redledger::proof {

constexpr size_t kEd25519PublicKeyBytes = 32;
constexpr size_t kEd25519SignatureBytes = 64;

// A private key. Thread safety: immutable; Sign may be called concurrently.
class Ed25519PrivateKey {
 public:
  static Result<Ed25519PrivateKey> Generate();
  // PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes it.
  static Result<Ed25519PrivateKey> FromPem(std::string_view pem);
  // The RFC 8032 32-byte private key (seed).
  static Result<Ed25519PrivateKey> FromSeed(std::string_view seed);

  Result<std::string> ToPem() const;
  const std::string& public_key() const { return public_key_; }  // 32 bytes
  Result<std::string> Sign(std::string_view message) const;      // 64 bytes

 private:
  struct Free {
    void operator()(void* pkey) const;
  };
  Ed25519PrivateKey(std::shared_ptr<void> pkey, std::string public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  static Result<Ed25519PrivateKey> Wrap(void* pkey);

  std::shared_ptr<void> pkey_;  // EVP_PKEY, kept out of this header
  std::string public_key_;
};

// True when `signature` is a valid RFC 8032 signature of `message` by
// `public_key` (32 bytes). False for malformed keys or signatures.
bool VerifyEd25519(std::string_view public_key, std::string_view message, std::string_view signature);

}  // namespace redledger::proof
