// Internal: the byte encodings of projection keys and values.
//
// Values are sequences of fields, each either a fixed 8-byte big-endian
// integer (u64, i64 as two's complement), one byte (bool/tag), or a string as
// u32 BE length ‖ bytes; optional fields are a presence byte then the field.
// Keys sort as bytes: ids are separated by 0x00 (ids never contain it) and
// positions are BE so that they sort numerically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "redledger/encoding.h"

namespace redledger::projection_internal {

class ValueWriter {
 public:
  ValueWriter& U64(uint64_t v) {
    PutBigEndian64(&out_, v);
    return *this;
  }
  ValueWriter& I64(int64_t v) { return U64(static_cast<uint64_t>(v)); }
  ValueWriter& Bool(bool v) {
    out_.push_back(v ? 1 : 0);
    return *this;
  }
  ValueWriter& Str(std::string_view s);
  ValueWriter& OptStr(const std::optional<std::string>& s) {
    Bool(s.has_value());
    return s ? Str(*s) : *this;
  }
  ValueWriter& OptI64(const std::optional<int64_t>& v) {
    Bool(v.has_value());
    return v ? I64(*v) : *this;
  }
  std::string Done() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ValueWriter wrote; a short or malformed value sets !ok() and
// yields zero values from then on.
class ValueReader {
 public:
  explicit ValueReader(std::string_view in) : in_(in) {}
  uint64_t U64();
  int64_t I64() { return static_cast<int64_t>(U64()); }
  bool Bool();
  std::string Str();
  std::optional<std::string> OptStr() { return Bool() ? std::optional<std::string>(Str()) : std::nullopt; }
  std::optional<int64_t> OptI64() { return Bool() ? std::optional<int64_t>(I64()) : std::nullopt; }
  bool ok() const { return ok_; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// prefix ‖ BE(v)
inline std::string KeyBE(std::string prefix, uint64_t v) {
  PutBigEndian64(&prefix, v);
  return prefix;
}

// The smallest key greater than every key starting with `prefix`.
std::string PrefixEnd(std::string prefix);

// Cursors are "<position>.<order key>" in decimal.
std::string MakeCursor(uint64_t as_of, uint64_t key);
bool ParseCursor(std::string_view cursor, uint64_t* as_of, uint64_t* key);

}  // namespace redledger::projection_internal
