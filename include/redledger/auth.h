// Authentication (DESIGN §3): bearer tokens, the credentials store that keeps
// only their SHA-256 hashes, the bootstrap admin token, and a per-principal
// rate limiter.
//
// A token is shown once, when it is made ("rl_" + base64url of 32 random
// bytes); afterwards only SHA-256(token) exists, in the credentials store
// (a RocksDB database beside the log, never in events) or, for the bootstrap
// admin token, in memory. Principal details (role, sites, revocation) come
// from the `access` stream through an injected lookup, so the store holds
// nothing but hash → principal id.
//
// Thread safety: CredentialStore, Authenticator and RateLimiter are safe for
// concurrent use by any number of threads.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "redledger/clock.h"
#include "redledger/encoding.h"
#include "redledger/principal.h"
#include "redledger/status.h"

namespace redledger {

// A new token: "rl_" + unpadded base64url of 32 bytes from the OS CSPRNG.
std::string NewToken();

// SHA-256 of the token text: the only form in which a token is kept.
Hash256 TokenHash(std::string_view token);

// Equality of two hashes in time independent of where they differ
// (CRYPTO_memcmp), so a comparison leaks nothing about a stored hash.
bool HashesEqual(const Hash256& a, const Hash256& b);

// The bootstrap admin token (DESIGN §4 "Running"): the contents of
// `token_file` (surrounding whitespace trimmed) when it is non-empty, else the
// environment variable REDLEDGER_ADMIN_TOKEN, else nullopt. InvalidArgument
// when the file cannot be read or the token is shorter than 16 characters or
// holds characters other than visible ASCII.
Result<std::optional<std::string>> ReadBootstrapAdminToken(const std::string& token_file);

// Token hash → principal id, in a RocksDB database (e.g. <data-dir>/credentials).
// Writes are synced: a token handed out survives a crash.
class CredentialStore {
 public:
  // Opens or creates the database at `dir`. IOError when RocksDB cannot.
  static Result<std::unique_ptr<CredentialStore>> Open(const std::string& dir);
  ~CredentialStore();
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  // Makes `token` authenticate as `principal_id`. Only SHA-256(token) is written.
  // REQUIRES: !principal_id.empty()
  Status AddToken(std::string_view principal_id, std::string_view token);
  // Forgets every token of the principal (when it is revoked).
  Status RemoveTokens(std::string_view principal_id);
  // The principal whose token hashes to `token_hash`; NotFound otherwise.
  Result<std::string> FindPrincipal(const Hash256& token_hash) const;

 private:
  struct Rep;
  explicit CredentialStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Turns an `Authorization` header into a Principal.
class Authenticator {
 public:
  // The current record of a principal (from the `access` stream), nullopt when
  // unknown. Called concurrently; must be thread-safe.
  using PrincipalLookup = std::function<std::optional<Principal>(std::string_view principal_id)>;

  // `admin_token`, when given, authenticates as BootstrapAdmin(); only its hash is kept.
  // REQUIRES: store != nullptr and outlives this object.
  Authenticator(const CredentialStore* store, PrincipalLookup lookup, std::optional<std::string> admin_token);

  // Unauthorized when the header is missing, is not "Bearer <token>", or the
  // token is unknown, or its principal is unknown or revoked.
  Result<Principal> Authenticate(std::string_view authorization) const;

  // The principal of the bootstrap admin token: id "admin", role admin, all sites.
  static Principal BootstrapAdmin();

 private:
  const CredentialStore* store_;
  PrincipalLookup lookup_;
  std::optional<Hash256> admin_hash_;
};

// Token buckets per principal: `rate_per_second` requests on average, bursts
// of up to `burst`.
class RateLimiter {
 public:
  // REQUIRES: rate_per_second > 0, burst >= 1, clock outlives this object.
  RateLimiter(double rate_per_second, double burst, const Clock* clock);
  // True (and one token spent) when the principal may make a request now.
  bool Allow(std::string_view principal_id);

 private:
  struct Bucket {
    double tokens;
    Micros refilled_at;
  };
  const double rate_per_micro_;
  const double burst_;
  const Clock* const clock_;
  std::mutex mu_;                                    // guards buckets_
  std::unordered_map<std::string, Bucket> buckets_;  // one per principal seen; bounded by principals
};

}  // namespace redledger
