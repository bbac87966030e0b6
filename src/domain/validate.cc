#include "domain/validate.h"

#include <algorithm>

#include "redledger/encoding.h"

namespace redledger::domain_internal {

namespace {
bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}
}  // namespace

bool Validator::Present(std::string_view field, const std::optional<std::string>& v) {
  if (v) return true;
  Error(std::string(field), "is required");
  return false;
}

bool Validator::Text(std::string_view field, const std::optional<std::string>& v, size_t max_chars, bool required) {
  if (!v) {
    if (required) Error(std::string(field), "is required");
    return false;
  }
  if (!IsValidUtf8(*v)) {
    Error(std::string(field), "must be valid UTF-8");
    return false;
  }
  if (IsBlank(*v)) {
    Error(std::string(field), "must not be empty");
    return false;
  }
  if (Utf8Length(*v) > max_chars) {
    Error(std::string(field), "must be at most " + std::to_string(max_chars) + " characters");
    return false;
  }
  return true;
}

bool Validator::Enum(std::string_view field, const std::optional<std::string>& v,
                     std::span<const std::string_view> allowed, bool required) {
  if (!v) {
    if (required) Error(std::string(field), "is required");
    return false;
  }
  if (std::find(allowed.begin(), allowed.end(), std::string_view(*v)) != allowed.end()) return true;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  Error(std::string(field), "must be one of: " + list);
  return false;
}

std::optional<Micros> Validator::Time(std::string_view field, const std::optional<std::string>& v, bool required) {
  if (!v) {
    if (required) Error(std::string(field), "is required");
    return std::nullopt;
  }
  auto t = ParseRfc3339(*v);
  if (!t.ok()) {
    Error(std::string(field), "must be an RFC 3339 date-time");
    return std::nullopt;
  }
  return *t;
}

void Validator::Attachments(std::string_view field, const std::vector<Attachment>& items) {
  if (items.size() > 20) Error(std::string(field), "must have at most 20 items");
  for (size_t i = 0; i < items.size(); ++i) {
    std::string p = std::string(field) + "[" + std::to_string(i) + "]";
    const Attachment& a = items[i];
    bool http = a.url.rfind("https://", 0) == 0 || a.url.rfind("http://", 0) == 0;
    if (!IsValidUtf8(a.url) || !http || a.url.size() > 2000) {
      Error(p + ".url", "must be an http(s) URL of at most 2000 characters");
    }
    bool hex = a.sha256.size() == 64 && std::all_of(a.sha256.begin(), a.sha256.end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               });
    if (!hex) Error(p + ".sha256", "must be 64 lower-case hex digits");
  }
}

}  // namespace redledger::domain_internal
