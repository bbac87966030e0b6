// The credentials store: the one file that uses RocksDB for tokens.
//
// Key layout (one RocksDB database, default column family):
//   't' ‖ hash[0,16)                       → hash[0,32) ‖ principal_id
//   'p' ‖ principal_id ‖ 0x00 ‖ hash[0,16)  → ""   (a principal's tokens, for removal)
// A lookup finds the entry by the first half of SHA-256(token), then compares
// the whole stored hash in constant time: the key lookup's timing can reveal
// at most a prefix of the hash of a guess, never anything about a real token.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "redledger/auth.h"

namespace redledger {
namespace {

constexpr size_t kKeyHashBytes = 16;

std::string TokenKey(const Hash256& h) {
  std::string k = "t";
  k.append(reinterpret_cast<const char*>(h.data()), kKeyHashBytes);
  return k;
}

std::string PrincipalPrefix(std::string_view principal_id) {
  std::string k = "p";
  k.append(principal_id);
  k.push_back('\0');
  return k;
}

Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::OK();
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  return Status::IOError(std::string(what) + ": " + s.ToString());
}

}  // namespace

struct CredentialStore::Rep {
  std::unique_ptr<rocksdb::DB> db;
};

CredentialStore::CredentialStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
CredentialStore::~CredentialStore() = default;

Result<std::unique_ptr<CredentialStore>> CredentialStore::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.OptimizeForSmallDb();  // a few thousand principals at most
  rocksdb::DB* db = nullptr;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir, &db), "open credentials"));
  auto rep = std::make_unique<Rep>();
  rep->db.reset(db);
  return std::unique_ptr<CredentialStore>(new CredentialStore(std::move(rep)));
}

Status CredentialStore::AddToken(std::string_view principal_id, std::string_view token) {
  const Hash256 h = TokenHash(token);
  std::string value(reinterpret_cast<const char*>(h.data()), h.size());
  value.append(principal_id);
  std::string index = PrincipalPrefix(principal_id);
  index.append(reinterpret_cast<const char*>(h.data()), kKeyHashBytes);
  rocksdb::WriteBatch batch;
  REDLEDGER_RETURN_IF_ERROR(FromRocks(batch.Put(TokenKey(h), value), "add token"));
  REDLEDGER_RETURN_IF_ERROR(FromRocks(batch.Put(index, rocksdb::Slice()), "add token"));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(rep_->db->Write(wo, &batch), "add token");
}

Status CredentialStore::RemoveTokens(std::string_view principal_id) {
  const std::string prefix = PrincipalPrefix(principal_id);
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(rep_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string token_key = "t";
    token_key.append(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    REDLEDGER_RETURN_IF_ERROR(FromRocks(batch.Delete(token_key), "remove tokens"));
    REDLEDGER_RETURN_IF_ERROR(FromRocks(batch.Delete(it->key()), "remove tokens"));
  }
  REDLEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "remove tokens"));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(rep_->db->Write(wo, &batch), "remove tokens");
}

Result<std::string> CredentialStore::FindPrincipal(const Hash256& token_hash) const {
  std::string value;
  rocksdb::Status s = rep_->db->Get(rocksdb::ReadOptions(), TokenKey(token_hash), &value);
  if (s.IsNotFound()) return Status::NotFound("unknown token");
  REDLEDGER_RETURN_IF_ERROR(FromRocks(s, "find token"));
  if (value.size() <= token_hash.size()) return Status::Corruption("credentials entry too short");
  Hash256 stored;
  std::copy_n(value.data(), stored.size(), reinterpret_cast<char*>(stored.data()));
  if (!HashesEqual(stored, token_hash)) return Status::NotFound("unknown token");
  return value.substr(stored.size());
}

}  // namespace redledger
