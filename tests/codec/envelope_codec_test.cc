#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "redledger/codec.h"

namespace redledger {
namespace {

Envelope Sample() {
  Envelope e;
  e.position = 17;
  e.stream = "demand-d1";
  e.version = 1;
  e.type = "demand.raised";
  e.schema = 1;
  e.event_id = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
  e.recorded_at = 1658390400123456;  // 2022-07-21T08:00:00.123456Z
  e.actor = Actor{"p-1", "resident", std::nullopt};
  e.correlation_id = "c-9";
  e.data = *CanonicalizeJson(R"({"site_id":"s-1","title":"电梯坏了 \"lift\"\n","n":-42,"ok":true,"x":null,)"
                             R"("arr":[3,{"b":1,"a":2}]})");
  e.personal = std::string("\x01\x02\x03secret", 9);
  e.hash = LeafHash(e);
  return e;
}

// Expected values computed independently with Python's json.dumps(sort_keys=True,
// separators=(',',':'), ensure_ascii=False) and hashlib.sha256(b"\x00" + c).
TEST(EnvelopeCodecTest, CanonicalJsonAndLeafHashMatchIndependentVector) {
  Envelope e = Sample();
  EXPECT_EQ(CanonicalEnvelopeJson(e),
            R"({"actor":{"id":"p-1","role":"resident","unit":null},"causation_id":null,"correlation_id":"c-9",)"
            R"("data":{"arr":[3,{"a":2,"b":1}],"n":-42,"ok":true,"site_id":"s-1","title":"电梯坏了 \"lift\"\n",)"
            R"("x":null},"event_id":"886313e1-3b8a-5372-9b90-0c9aee199e5d","personal":"AQIDc2VjcmV0",)"
            R"("position":17,"recorded_at":"2022-07-21T08:00:00.123456Z","schema":1,"stream":"demand-d1",)"
            R"("type":"demand.raised","version":1})");
  EXPECT_EQ(HexEncode(e.hash), "66679079c93e78a8b765670e299c3ada267149cbbbc711e4b8e4a9229438bd2d");
}

TEST(EnvelopeCodecTest, HashCoversEveryField) {
  Envelope base = Sample();
  auto changed = [&](auto mutate) {
    Envelope e = base;
    mutate(e);
    return LeafHash(e) != base.hash;
  };
  EXPECT_TRUE(changed([](Envelope& e) { e.position++; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.version++; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.stream += "x"; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.recorded_at++; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.actor.unit = "u"; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.causation_id = "c"; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.personal.back() ^= 1; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.personal.clear(); }));
  EXPECT_TRUE(changed([](Envelope& e) { e.data = R"({"n":1})"; }));
  EXPECT_TRUE(changed([](Envelope& e) { e.schema = 2; }));
}

TEST(EnvelopeCodecTest, BinaryRoundTrip) {
  Envelope e = Sample();
  std::string bytes = EncodeEnvelope(e);
  auto back = DecodeEnvelope(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
}

TEST(EnvelopeCodecTest, DamagedBinaryIsCorruption) {
  std::string bytes = EncodeEnvelope(Sample());
  EXPECT_TRUE(DecodeEnvelope("").status().IsCorruption());
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_TRUE(DecodeEnvelope(wrong_version).status().IsCorruption());
  EXPECT_TRUE(DecodeEnvelope(bytes.substr(0, bytes.size() - 5)).status().IsCorruption());
  EXPECT_TRUE(DecodeEnvelope(bytes + "x").status().IsCorruption());
}

TEST(EnvelopeCodecTest, JsonRoundTrip) {
  Envelope e = Sample();
  std::string json = EnvelopeJson(e);
  auto back = EnvelopeFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
  EXPECT_EQ(EnvelopeJson(e, /*include_personal=*/false).find("personal"), std::string::npos);
  EXPECT_NE(json.find("\"hash\":\"66679079"), std::string::npos);
}

TEST(EnvelopeCodecTest, JsonRejectsBadEnvelopes) {
  std::string json = EnvelopeJson(Sample());
  auto replace = [&](std::string from, std::string to) {
    std::string s = json;
    s.replace(s.find(from), from.size(), to);
    return EnvelopeFromJson(s);
  };
  EXPECT_FALSE(replace("\"position\":17", "\"position\":\"17\"").ok());
  EXPECT_FALSE(replace("\"schema\":1", "\"schema\":1,\"extra\":1").ok());
  EXPECT_FALSE(replace("2022-07-21T08", "2022-07-21 08").ok());
  EXPECT_FALSE(replace("\"data\":{", "\"data\":[{").ok());
  EXPECT_FALSE(EnvelopeFromJson("[1]").ok());
  EXPECT_FALSE(EnvelopeFromJson("{").ok());
}

// The grammar read by Cereal itself, as the store decoded before it had its
// own reader: the reference DecodeEnvelope must agree with.
Result<Envelope> CerealDecode(std::string_view bytes) {
  if (bytes.empty() || bytes[0] != 1) return Status::Corruption("version");
  std::istringstream is(std::string(bytes.substr(1)));
  Envelope e;
  try {
    cereal::PortableBinaryInputArchive ar(is);
    ar(e.position, e.stream, e.version, e.type, e.schema, e.event_id, e.recorded_at, e.actor.id, e.actor.role,
       e.actor.unit, e.correlation_id, e.causation_id, e.data, e.personal, e.hash);
  } catch (const std::exception& ex) {
    return Status::Corruption(ex.what());
  }
  if (is.rdbuf()->in_avail() != 0) return Status::Corruption("trailing");
  return e;
}

std::string RandomBytes(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) c = static_cast<char>(rng());  // NUL and high bytes included
  return s;
}

std::optional<std::string> RandomOptional(std::mt19937_64& rng) {
  if (rng() % 3 == 0) return std::nullopt;
  return RandomBytes(rng, 12);  // the empty string too, which is not nullopt
}

Envelope RandomEnvelope(std::mt19937_64& rng) {
  Envelope e;
  e.position = rng();
  e.stream = RandomBytes(rng, 40);
  e.version = rng() >> (rng() % 64);
  e.type = RandomBytes(rng, 20);
  e.schema = static_cast<uint32_t>(rng());
  e.event_id = RandomBytes(rng, 36);
  e.recorded_at = static_cast<Micros>(rng());  // negative ones too
  e.actor.id = RandomBytes(rng, 10);
  e.actor.role = RandomBytes(rng, 10);
  e.actor.unit = RandomOptional(rng);
  e.correlation_id = RandomOptional(rng);
  e.causation_id = RandomOptional(rng);
  e.data = RandomBytes(rng, rng() % 10 == 0 ? 5000 : 300);
  e.personal = RandomBytes(rng, 80);
  for (uint8_t& b : e.hash) b = static_cast<uint8_t>(rng());
  return e;
}

TEST(EnvelopeCodecTest, OwnReaderDecodesWhatCerealDecodesOverRandomEnvelopes) {
  std::mt19937_64 rng(20261128);
  Envelope reused;  // DecodeEnvelopeInto over a previous envelope's leftovers
  for (int i = 0; i < 3000; ++i) {
    const Envelope e = RandomEnvelope(rng);
    const std::string bytes = EncodeEnvelope(e);
    Result<Envelope> reference = CerealDecode(bytes);
    ASSERT_TRUE(reference.ok()) << reference.status().ToString();
    ASSERT_EQ(*reference, e);
    Result<Envelope> ours = DecodeEnvelope(bytes);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    ASSERT_EQ(*ours, e);
    ASSERT_TRUE(DecodeEnvelopeInto(bytes, &reused).ok());
    ASSERT_EQ(reused, e);
  }
}

TEST(EnvelopeCodecTest, OwnReaderRefusesWhatCerealRefuses) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20; ++i) {
    const std::string bytes = EncodeEnvelope(RandomEnvelope(rng));
    // Every truncation, trailing bytes, and the body's endianness flag set to
    // big-endian (so every integer reads byte-swapped).
    std::vector<std::string> damaged;
    for (size_t n = 1; n < bytes.size(); ++n) damaged.push_back(bytes.substr(0, n));
    damaged.push_back(bytes + std::string(1, '\0'));
    std::string swapped = bytes;
    swapped[1] = 0;
    damaged.push_back(swapped);
    for (const std::string& d : damaged) {
      Result<Envelope> reference = CerealDecode(d), ours = DecodeEnvelope(d);
      ASSERT_EQ(ours.ok(), reference.ok()) << "length " << d.size() << " of " << bytes.size();
      if (ours.ok()) {
        ASSERT_EQ(*ours, *reference);
      } else {
        ASSERT_TRUE(ours.status().IsCorruption());
      }
    }
  }
}

}  // namespace
}  // namespace redledger
