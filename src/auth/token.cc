// Tokens: making them, hashing them, comparing hashes, and reading the
// bootstrap admin token.
#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "redledger/auth.h"

namespace redledger {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kMinAdminTokenLength = 16;

// RFC 4648 §5 alphabet, no padding: safe in headers and shells.
std::string Base64Url(std::string_view bytes) {
  std::string s = Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

bool IsVisibleAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string NewToken() { return "rl_" + Base64Url(RandomBytes(kTokenBytes)); }

Hash256 TokenHash(std::string_view token) { return Sha256(token); }

bool HashesEqual(const Hash256& a, const Hash256& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

Result<std::optional<std::string>> ReadBootstrapAdminToken(const std::string& token_file) {
  std::string token;
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read admin token file " + token_file);
    std::ostringstream text;
    text << in.rdbuf();
    token = std::string(Trim(text.str()));
  } else if (const char* env = std::getenv("REDLEDGER_ADMIN_TOKEN"); env != nullptr) {
    token = std::string(Trim(env));
  } else {
    return std::optional<std::string>();
  }
  if (token.size() < kMinAdminTokenLength) {
    return Status::InvalidArgument("admin token is shorter than 16 characters");
  }
  if (!IsVisibleAscii(token)) return Status::InvalidArgument("admin token must be visible ASCII");
  return std::optional<std::string>(std::move(token));
}

}  // namespace redledger
