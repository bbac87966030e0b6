#include "proof/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace redledger::proof {
namespace {

// The most recent OpenSSL error, for messages; clears the queue.
std::string OpenSslError(const char* what) {
  std::string msg = what;
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return msg;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

void Ed25519PrivateKey::Free::operator()(void* pkey) const { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey)); }

Result<Ed25519PrivateKey> Ed25519PrivateKey::Wrap(void* raw) {
  std::shared_ptr<void> pkey(raw, Free());
  EVP_PKEY* key = static_cast<EVP_PKEY*>(raw);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) return Status::InvalidArgument("the key is not an Ed25519 key");
  std::string pub(kEd25519PublicKeyBytes, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 ||
      len != kEd25519PublicKeyBytes) {
    return Status::Internal(OpenSslError("reading the Ed25519 public key"));
  }
  return Ed25519PrivateKey(std::move(pkey), std::move(pub));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return Status::Internal(OpenSslError("generating an Ed25519 key"));
  return Wrap(key);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Status::Internal(OpenSslError("reading a PEM key"));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return Status::InvalidArgument(OpenSslError("not a PEM private key"));
  return Wrap(key);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(std::string_view seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (key == nullptr) return Status::InvalidArgument(OpenSslError("not an Ed25519 private key"));
  return Wrap(key);
}

Result<std::string> Ed25519PrivateKey::ToPem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), static_cast<EVP_PKEY*>(pkey_.get()), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    return Status::Internal(OpenSslError("writing the key as PEM"));
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<std::string> Ed25519PrivateKey::Sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureBytes, '\0');
  size_t len = sig.size();
  // Ed25519 hashes internally: no digest is named, and the message goes in whole.
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_.get())) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != kEd25519SignatureBytes) {
    return Status::Internal(OpenSslError("signing with Ed25519"));
  }
  return sig;
}

bool VerifyEd25519(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != kEd25519PublicKeyBytes || signature.size() != kEd25519SignatureBytes) return false;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()), public_key.size()));
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  const bool ok =
      key != nullptr && ctx != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();  // a failed verification leaves an error queued
  return ok;
}

}  // namespace redledger::proof
