#include "scoring/event_fields.h"

#include <cstring>

namespace redledger::scoring_internal {

namespace json = boost::json;

std::optional<std::string_view> EventFields::Token(std::string_view key) const {
  char pattern[64];
  if (key.size() + 3 > sizeof pattern) return std::nullopt;
  pattern[0] = '"';
  std::memcpy(pattern + 1, key.data(), key.size());
  pattern[key.size() + 1] = '"';
  pattern[key.size() + 2] = ':';
  std::string_view data = e_.data;
  size_t at = data.find(std::string_view(pattern, key.size() + 3));
  if (at == std::string_view::npos) return std::nullopt;
  return data.substr(at + key.size() + 3);
}

const json::value* EventFields::Parsed(std::string_view key) {
  if (!obj_ && !parse_failed_) {
    boost::system::error_code ec;
    json::value v = json::parse(e_.data, ec);
    if (ec || !v.is_object()) {
      parse_failed_ = true;
    } else {
      obj_ = std::move(v.as_object());
    }
  }
  return obj_ ? obj_->if_contains(key) : nullptr;
}

Status EventFields::Bad(std::string_view what) const {
  return Status::Corruption("scoring: " + e_.type + " at position " + std::to_string(e_.position) + ": " +
                            std::string(what));
}

std::optional<std::string_view> EventFields::OptStr(std::string_view key) {
  if (auto t = Token(key); t && !t->empty() && t->front() == '"') {
    size_t end = t->find('"', 1);
    if (end != std::string_view::npos && t->substr(1, end - 1).find('\\') == std::string_view::npos)
      return t->substr(1, end - 1);
  }
  const json::value* v = Parsed(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->as_string());
}

Result<std::string_view> EventFields::Str(std::string_view key) {
  auto s = OptStr(key);
  if (!s) return Bad(std::string(key) + " missing");
  return *s;
}

Result<Micros> EventFields::Time(std::string_view key) {
  auto s = Str(key);
  if (!s.ok()) return s.status();
  auto t = ParseRfc3339(*s);
  if (!t.ok()) return Bad(std::string(key) + " is not a time");
  return *t;
}

Result<bool> EventFields::Bool(std::string_view key) {
  if (auto t = Token(key)) {
    if (t->starts_with("true")) return true;
    if (t->starts_with("false")) return false;
  }
  const json::value* v = Parsed(key);
  if (!v || !v->is_bool()) return Bad(std::string(key) + " missing");
  return v->as_bool();
}

Result<int64_t> EventFields::Int(std::string_view key) {
  const json::value* v = Parsed(key);
  if (!v || !v->is_int64()) return Bad(std::string(key) + " missing");
  return v->as_int64();
}

}  // namespace redledger::scoring_internal
