#include "redledger/encoding.h"

#include <gtest/gtest.h>

namespace redledger {
namespace {

TEST(EncodingTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0g").ok());
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(ParseHash256(std::string(64, 'A')).ok());  // hashes are lower-case
}

TEST(EncodingTest, Base64Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(plain[i]), coded[i]);
    EXPECT_EQ(*Base64Decode(coded[i]), plain[i]);
  }
  EXPECT_FALSE(Base64Decode("Zg=").ok());
  EXPECT_FALSE(Base64Decode("Zh==").ok());  // non-canonical trailing bits
  EXPECT_FALSE(Base64Decode("Z=g=").ok());
}

TEST(EncodingTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("电梯坏了 ok"));
  EXPECT_EQ(Utf8Length("电梯"), 2u);
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe7\x94"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
}

TEST(EncodingTest, Uuids) {
  std::string a = NewUuidV4();
  EXPECT_TRUE(IsUuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, NewUuidV4());
  // RFC 4122 / Python uuid.uuid5(NAMESPACE_DNS, "python.org")
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_FALSE(IsUuid("886313E1-3B8A-5372-9B90-0C9AEE199E5D"));
}

TEST(EncodingTest, Sha256AndBigEndian) {
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string k;
  PutBigEndian64(&k, 0x0102030405060708ull);
  EXPECT_EQ(HexEncode(k), "0102030405060708");
  EXPECT_EQ(GetBigEndian64(k.data()), 0x0102030405060708ull);
  std::string a, b;
  PutBigEndian64(&a, 255);
  PutBigEndian64(&b, 256);
  EXPECT_LT(a, b);
}

}  // namespace
}  // namespace redledger
