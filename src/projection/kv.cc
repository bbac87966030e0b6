#include "projection/kv.h"

#include <charconv>

namespace redledger::projection_internal {

ValueWriter& ValueWriter::Str(std::string_view s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                 static_cast<char>(n)};
  out_.append(len, 4);
  out_.append(s);
  return *this;
}

uint64_t ValueReader::U64() {
  if (!ok_ || in_.size() < 8) {
    ok_ = false;
    return 0;
  }
  uint64_t v = GetBigEndian64(in_.data());
  in_.remove_prefix(8);
  return v;
}

bool ValueReader::Bool() {
  if (!ok_ || in_.empty()) {
    ok_ = false;
    return false;
  }
  bool v = in_[0] != 0;
  in_.remove_prefix(1);
  return v;
}

std::string ValueReader::Str() {
  if (!ok_ || in_.size() < 4) {
    ok_ = false;
    return {};
  }
  auto b = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(in_[i])); };
  uint32_t n = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
  if (in_.size() - 4 < n) {
    ok_ = false;
    return {};
  }
  std::string s(in_.substr(4, n));
  in_.remove_prefix(4 + n);
  return s;
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

std::string MakeCursor(uint64_t as_of, uint64_t key) { return std::to_string(as_of) + "." + std::to_string(key); }

bool ParseCursor(std::string_view cursor, uint64_t* as_of, uint64_t* key) {
  size_t dot = cursor.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == cursor.size()) return false;
  auto parse = [](std::string_view s, uint64_t* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && p == s.data() + s.size();
  };
  return parse(cursor.substr(0, dot), as_of) && parse(cursor.substr(dot + 1), key);
}

}  // namespace redledger::projection_internal
