// Authorization header → Principal.
#include <strings.h>

#include "redledger/auth.h"

namespace redledger {
namespace {

constexpr size_t kMaxTokenLength = 512;

// RFC 7235: `Bearer` (any case), one or more spaces, a token68.
Result<std::string_view> BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.empty()) return Status::Unauthorized("missing Authorization header");
  if (header.size() <= kScheme.size() || strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0 ||
      header[kScheme.size()] != ' ') {
    return Status::Unauthorized("Authorization must be \"Bearer <token>\"");
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > kMaxTokenLength) return Status::Unauthorized("malformed bearer token");
  for (unsigned char c : token) {
    if (c <= 0x20 || c >= 0x7f) return Status::Unauthorized("malformed bearer token");
  }
  return token;
}

}  // namespace

Authenticator::Authenticator(const CredentialStore* store, PrincipalLookup lookup,
                             std::optional<std::string> admin_token)
    : store_(store), lookup_(std::move(lookup)) {
  if (admin_token) admin_hash_ = TokenHash(*admin_token);
}

Principal Authenticator::BootstrapAdmin() {
  Principal p;
  p.id = "admin";
  p.name = "bootstrap admin";
  p.role = Role::kAdmin;
  p.all_sites = true;
  return p;
}

Result<Principal> Authenticator::Authenticate(std::string_view authorization) const {
  Result<std::string_view> token = BearerToken(authorization);
  if (!token.ok()) return token.status();
  const Hash256 h = TokenHash(*token);
  if (admin_hash_ && HashesEqual(h, *admin_hash_)) return BootstrapAdmin();
  Result<std::string> id = store_->FindPrincipal(h);
  if (!id.ok()) {
    if (id.status().IsNotFound()) return Status::Unauthorized("unknown token");
    return Status::Unavailable("credentials store: " + id.status().message());
  }
  std::optional<Principal> p = lookup_(*id);
  if (!p) return Status::Unauthorized("unknown principal");
  if (p->revoked) return Status::Unauthorized("principal revoked");
  return std::move(*p);
}

}  // namespace redledger
