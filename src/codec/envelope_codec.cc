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
//   string   := u64 length, bytes;  optional<T> := bool present [T]
//
// A new field means a new format_version; old versions stay decodable.
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>

#include <istream>
#include <ostream>
#include <streambuf>

#include "redledger/codec.h"

namespace redledger {
namespace {

constexpr uint8_t kFormatVersion = 1;

// Streams over caller-owned memory, so encoding and decoding copy each byte once.
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

class ViewSourceBuf : public std::streambuf {
 public:
  ViewSourceBuf(const char* data, size_t size) {
    char* p = const_cast<char*>(data);  // read-only: the get area is never written
    setg(p, p, p + size);
  }
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

Result<Envelope> DecodeEnvelope(std::string_view bytes) {
  if (bytes.empty()) return Status::Corruption("empty stored envelope");
  if (static_cast<uint8_t>(bytes[0]) != kFormatVersion)
    return Status::Corruption("unknown envelope format version " + std::to_string(static_cast<uint8_t>(bytes[0])));
  ViewSourceBuf buf(bytes.data() + 1, bytes.size() - 1);
  std::istream is(&buf);
  Envelope e;
  try {
    cereal::PortableBinaryInputArchive ar(is);
    Fields(ar, e);
  } catch (const std::exception& ex) {
    return Status::Corruption(std::string("envelope does not decode: ") + ex.what());
  }
  if (is.rdbuf()->in_avail() != 0) return Status::Corruption("trailing bytes after the envelope");
  return e;
}

}  // namespace redledger
