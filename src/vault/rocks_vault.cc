// The vault on RocksDB and OpenSSL (the one file that uses them here).
//
// Column families:
//   default         "hmac_secret" -> 32 random bytes (made on first open)
//   keys            subject_id -> 32-byte AES-256-GCM key
//   phones          HMAC-SHA256(secret, normalised phone) (32 bytes) -> subject_id
//   subject_phones  subject_id ‖ 0x00 ‖ hmac -> ""
// Sealed value: nonce(12) ‖ ciphertext ‖ tag(16); AAD = subject_id.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <array>
#include <memory>
#include <unordered_map>
#include <mutex>
#include <vector>

#include "redledger/encoding.h"
#include "redledger/vault.h"

namespace redledger {

namespace {

constexpr size_t kKeyBytes = 32, kNonceBytes = 12, kTagBytes = 16;

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  return Status::IOError(std::string(what) + ": " + s.ToString());
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Result<std::string> Seal(std::string_view key, std::string_view aad, std::string_view plain) {
  std::string nonce = RandomBytes(kNonceBytes);
  std::string out = nonce;
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  CipherCtx c;
  int len = 0, total = 0;
  bool ok = c.ctx && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, U(key), U(nonce)) == 1 &&
            EVP_EncryptUpdate(c.ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(c.ctx, dst + kNonceBytes, &len, U(plain), static_cast<int>(plain.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(c.ctx, dst + kNonceBytes + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + kNonceBytes + total) == 1;
  if (!ok || static_cast<size_t>(total) != plain.size()) return Status::Internal("AES-256-GCM encryption failed");
  return out;
}

Result<std::string> Unseal(std::string_view key, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) return Status::Corruption("sealed value is too short");
  std::string_view nonce = sealed.substr(0, kNonceBytes);
  std::string_view body = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string out(body.size(), '\0');
  CipherCtx c;
  int len = 0;
  bool ok = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, U(key), U(nonce)) == 1 &&
            EVP_DecryptUpdate(c.ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &len, U(body),
                              static_cast<int>(body.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1;
  unsigned char scratch[16];
  // The tag check happens here: any damage, wrong key or wrong subject fails it.
  ok = ok && EVP_DecryptFinal_ex(c.ctx, scratch, &len) == 1;
  if (!ok) return Status::Corruption("sealed value does not authenticate");
  return out;
}

class RocksVault final : public Vault {
 public:
  RocksVault(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs, VaultOptions options)
      : db_(std::move(db)), cfs_(std::move(cfs)), options_(options) {}
  ~RocksVault() override {
    for (auto* cf : cfs_) db_->DestroyColumnFamilyHandle(cf).PermitUncheckedError();
  }

  Status Init() {
    std::string secret;
    auto s = db_->Get(rocksdb::ReadOptions(), cfs_[0], "hmac_secret", &secret);
    if (s.IsNotFound()) {
      secret = RandomBytes(kKeyBytes);
      REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Put(WriteOpts(), cfs_[0], "hmac_secret", secret), "vault init"));
    } else {
      REDLEDGER_RETURN_IF_ERROR(FromRocks(s, "vault init"));
    }
    if (secret.size() != kKeyBytes) return Status::Corruption("vault HMAC secret has the wrong size");
    hmac_secret_ = std::move(secret);
    return Status::OK();
  }

  Result<std::string> Encrypt(std::string_view subject, std::string_view plaintext) override {
    auto key = KeyFor(subject, /*create=*/true);
    if (!key.ok()) return key.status();
    return Seal(*key, subject, plaintext);
  }

  Result<std::string> Decrypt(std::string_view subject, std::string_view sealed) const override {
    auto key = const_cast<RocksVault*>(this)->KeyFor(subject, /*create=*/false);
    if (!key.ok()) return key.status();
    return Unseal(*key, subject, sealed);
  }

  Result<std::string> SubjectForPhone(std::string_view phone, std::string_view new_subject) override {
    std::string mac = Hmac(phone);
    std::lock_guard<std::mutex> lock(Stripe(mac));  // one assignment per phone
    std::string existing;
    auto s = db_->Get(rocksdb::ReadOptions(), cfs_[kPhones], mac, &existing);
    if (s.ok()) return existing;
    if (!s.IsNotFound()) return FromRocks(s, "vault phone lookup");
    rocksdb::WriteBatch batch;
    batch.Put(cfs_[kPhones], mac, new_subject);
    batch.Put(cfs_[kSubjectPhones], std::string(new_subject) + '\0' + mac, "");
    REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(WriteOpts(), &batch), "vault phone assignment"));
    return std::string(new_subject);
  }

  Result<std::optional<std::string>> FindSubjectForPhone(std::string_view phone) const override {
    std::string subject;
    auto s = db_->Get(rocksdb::ReadOptions(), cfs_[kPhones], Hmac(phone), &subject);
    if (s.IsNotFound()) return std::optional<std::string>();
    REDLEDGER_RETURN_IF_ERROR(FromRocks(s, "vault phone lookup"));
    return std::optional<std::string>(std::move(subject));
  }

  Status EraseSubject(std::string_view subject) override {
    std::lock_guard<std::mutex> lock(Stripe(subject));
    Forget(subject);
    std::string prefix = std::string(subject) + '\0';
    std::string end = std::string(subject) + '\x01';
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kSubjectPhones]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      batch.Delete(cfs_[kPhones], it->key().ToString().substr(prefix.size()));
    }
    REDLEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "vault erase scan"));
    batch.DeleteRange(cfs_[kSubjectPhones], prefix, end);
    batch.Delete(cfs_[kKeys], subject);
    REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(WriteOpts(), &batch), "vault erase"));
    // Push the deletions through the files so the key bytes are gone from disk.
    rocksdb::CompactRangeOptions copts;
    copts.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    rocksdb::Slice b(subject), e(end);
    REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->CompactRange(copts, cfs_[kKeys], &b, &e), "vault erase compaction"));
    REDLEDGER_RETURN_IF_ERROR(FromRocks(db_->CompactRange(copts, cfs_[kPhones], nullptr, nullptr), "vault erase compaction"));
    return FromRocks(db_->CompactRange(copts, cfs_[kSubjectPhones], &b, &e), "vault erase compaction");
  }

  bool HasKey(std::string_view subject) const override {
    std::string v;
    return db_->Get(rocksdb::ReadOptions(), cfs_[kKeys], subject, &v).ok();
  }

 private:
  enum Cf { kDefault = 0, kKeys = 1, kPhones = 2, kSubjectPhones = 3 };

  rocksdb::WriteOptions WriteOpts() const {
    rocksdb::WriteOptions w;
    w.sync = options_.sync;
    return w;
  }

  Result<std::string> KeyFor(std::string_view subject, bool create) {
    if (auto cached = Cached(subject)) return *cached;
    // The stripe makes two first uses agree on one key, and keeps a read
    // racing an erasure from caching the destroyed key. Other subjects
    // proceed in parallel, so RocksDB can group their synced writes.
    std::lock_guard<std::mutex> lock(Stripe(subject));
    std::string key;
    auto s = db_->Get(rocksdb::ReadOptions(), cfs_[kKeys], subject, &key);
    if (s.IsNotFound() && create) {
      key = RandomBytes(kKeyBytes);
      s = db_->Put(WriteOpts(), cfs_[kKeys], subject, key);
    }
    if (s.IsNotFound()) return Status::NotFound("no key for subject " + std::string(subject));
    REDLEDGER_RETURN_IF_ERROR(FromRocks(s, "vault key"));
    if (key.size() != kKeyBytes) return Status::Corruption("vault key has the wrong size");
    Remember(subject, key);
    return key;
  }

  std::mutex& Stripe(std::string_view name) const { return stripes_[std::hash<std::string_view>()(name) % kStripes]; }

  std::optional<std::string> Cached(std::string_view subject) const {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(std::string(subject));
    if (it == cache_.end()) return std::nullopt;
    return it->second;
  }
  void Remember(std::string_view subject, const std::string& key) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cache_.size() >= kCacheEntries) cache_.clear();  // crude, but bounded
    cache_.emplace(std::string(subject), key);
  }
  void Forget(std::string_view subject) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    cache_.erase(std::string(subject));
  }

  std::string Hmac(std::string_view phone) const {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), hmac_secret_.data(), static_cast<int>(hmac_secret_.size()), U(phone), phone.size(), mac, &len);
    return std::string(reinterpret_cast<char*>(mac), len);
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  VaultOptions options_;
  std::string hmac_secret_;
  static constexpr size_t kStripes = 64;
  static constexpr size_t kCacheEntries = 100'000;
  // Serialise, per subject or phone HMAC, key creation, phone assignment and erasure.
  mutable std::array<std::mutex, kStripes> stripes_;
  mutable std::mutex cache_mu_;  // guards cache_
  std::unordered_map<std::string, std::string> cache_;  // subject -> key, bounded by kCacheEntries
};

}  // namespace

Result<std::unique_ptr<Vault>> Vault::Open(const std::string& dir, const VaultOptions& options) {
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "keys", "phones", "subject_phones"}) {
    descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_opts, dir, descs, &handles, &raw);
  REDLEDGER_RETURN_IF_ERROR(FromRocks(s, "open vault " + dir));
  auto vault = std::make_unique<RocksVault>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), options);
  REDLEDGER_RETURN_IF_ERROR(vault->Init());
  return std::unique_ptr<Vault>(std::move(vault));
}

}  // namespace redledger
