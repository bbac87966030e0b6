// The envelope's binary storage form.
//
//   stored   := format_version:u8 body
//   format_version = 1
//   body     := Cereal PortableBinaryArchive (little-endian) of, in order:
//               position:u64 stream:string version:u64 type:string schema:u32
//               event_id:string recorded_at:i64
//               actor_id:string actor_role:string actor_unit:optional<string>
//               correlation_id:optional<string> causation_id:optional<string>
//               data:string (canonical JSON) personal:string (raw bytes)
//               hash:32 x u8
//   string   := u64 length, bytes;  optional<T> := bool absent [T]
//   (Cereal begins the body with one byte, 1 when its integers are
//   little-endian, which is what EncodeEnvelope writes.)
//
// Cereal writes; a hand-written reader of the same grammar decodes, because
// bulk scans decode every event and an istream per event cost more than the
// storage read (tests/codec check both agree on many random envelopes).
// A new field means a new format_version; old versions stay decodable.
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>

#include <algorithm>
#include <cstring>
#include <optional>
#include <ostream>
#include <streambuf>
#include <utility>

#include "redledger/codec.h"

namespace redledger {
namespace {

constexpr uint8_t kFormatVersion = 1;

// Streams into caller-owned memory, so encoding copies each byte once.
class StringSinkBuf : public std::streambuf {
 public:
  explicit StringSinkBuf(std::string* out) : out_(out) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<size_t>(n));
    return n;
  }
  int_type overflow(int_type ch) override {
    if (ch != traits_type::eof()) out_->push_back(static_cast<char>(ch));
    return ch;
  }

 private:
  std::string* out_;
};

// Reads the body's grammar from a view; each call false once bytes run out.
class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  void SetSwap(bool swap) { swap_ = swap; }
  bool AtEnd() const { return p_ == end_; }
  const std::string& error() const { return error_; }

  bool Bytes(void* dst, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) {
      error_ = "needs " + std::to_string(n) + " bytes, " + std::to_string(end_ - p_) + " left";
      return false;
    }
    std::memcpy(dst, p_, n);
    p_ += n;
    return true;
  }
  bool Byte(uint8_t* v) { return Bytes(v, 1); }
  bool U32(uint32_t* v) { return Int(v); }
  bool U64(uint64_t* v) { return Int(v); }
  bool I64(int64_t* v) { return Int(v); }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!U64(&n)) return false;
    if (static_cast<uint64_t>(end_ - p_) < n) {
      error_ = "a string of " + std::to_string(n) + " bytes, " + std::to_string(end_ - p_) + " left";
      return false;
    }
    s->assign(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  bool Optional(std::optional<std::string>* s) {
    uint8_t absent = 0;
    if (!Byte(&absent)) return false;
    if (absent != 0) {
      s->reset();
      return true;
    }
    if (!s->has_value()) s->emplace();
    return String(&**s);
  }

 private:
  template <class T>
  bool Int(T* v) {
    unsigned char b[sizeof(T)];
    if (!Bytes(b, sizeof(T))) return false;
    if (swap_) std::reverse(b, b + sizeof(T));
    std::memcpy(v, b, sizeof(T));
    return true;
  }

  const char* p_;
  const char* end_;
  bool swap_ = false;
  std::string error_;
};

template <class Archive, class E>
void Fields(Archive& ar, E& e) {
  ar(e.position, e.stream, e.version, e.type, e.schema, e.event_id, e.recorded_at, e.actor.id, e.actor.role,
     e.actor.unit, e.correlation_id, e.causation_id, e.data, e.personal, e.hash);
}

}  // namespace

std::string EncodeEnvelope(const Envelope& e) {
  std::string out;
  out.reserve(128 + e.stream.size() + e.type.size() + e.data.size() + e.personal.size());
  out.push_back(static_cast<char>(kFormatVersion));
  StringSinkBuf buf(&out);
  std::ostream os(&buf);
  {
    cereal::PortableBinaryOutputArchive ar(os);
    Fields(ar, const_cast<Envelope&>(e));  // cereal's save path takes non-const refs; nothing is modified
  }
  return out;
}

Status DecodeEnvelopeInto(std::string_view bytes, Envelope* out) {
  if (bytes.empty()) return Status::Corruption("empty stored envelope");
  if (static_cast<uint8_t>(bytes[0]) != kFormatVersion)
    return Status::Corruption("unknown envelope format version " + std::to_string(static_cast<uint8_t>(bytes[0])));
  Reader r(bytes.substr(1));
  Envelope& e = *out;
  uint8_t little_endian = 0;
  if (!r.Byte(&little_endian)) return Status::Corruption("envelope does not decode: " + r.error());
  r.SetSwap(little_endian != 1);  // as Cereal reads it
  bool ok = r.U64(&e.position) && r.String(&e.stream) && r.U64(&e.version) && r.String(&e.type) &&
            r.U32(&e.schema) && r.String(&e.event_id) && r.I64(&e.recorded_at) && r.String(&e.actor.id) &&
            r.String(&e.actor.role) && r.Optional(&e.actor.unit) && r.Optional(&e.correlation_id) &&
            r.Optional(&e.causation_id) && r.String(&e.data) && r.String(&e.personal) &&
            r.Bytes(e.hash.data(), e.hash.size());
  if (!ok) return Status::Corruption("envelope does not decode: " + r.error());
  if (!r.AtEnd()) return Status::Corruption("trailing bytes after the envelope");
  return Status::OK();
}

Result<Envelope> DecodeEnvelope(std::string_view bytes) {
  Envelope e;
  REDLEDGER_RETURN_IF_ERROR(DecodeEnvelopeInto(bytes, &e));
  return e;
}

}  // namespace redledger
