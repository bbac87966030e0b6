#include <gtest/gtest.h>

#include "redledger/codec.h"

namespace redledger {
namespace {

std::string Canon(std::string_view in) {
  auto r = CanonicalizeJson(in);
  EXPECT_TRUE(r.ok()) << in << " -> " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(CanonicalJsonTest, SortsKeysAndDropsWhitespace) {
  EXPECT_EQ(Canon(R"( { "b" : 1 , "a" : [ true , false , null ] } )"), R"({"a":[true,false,null],"b":1})");
  EXPECT_EQ(Canon(R"({"arr":[3,{"b":1,"a":2}]})"), R"({"arr":[3,{"a":2,"b":1}]})");
  EXPECT_EQ(Canon("{}"), "{}");
  EXPECT_EQ(Canon("[]"), "[]");
}

// RFC 8785 §3.2.3: keys sort by UTF-16 code units, so the emoji (a surrogate
// pair, 0xD83D...) sorts before U+FB33 although its code point is larger.
TEST(CanonicalJsonTest, Rfc8785SortingExample) {
  std::string in =
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",)"
      R"("\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})";
  std::string want =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin Small Letter O With "
      "Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":"
      "\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(Canon(in), want);
}

TEST(CanonicalJsonTest, EscapesOnlyWhatJcsEscapes) {
  EXPECT_EQ(Canon(R"(["\u0041\/\u00e9\t\u0001\u001f\"\\"])"), "[\"A/\xc3\xa9\\t\\u0001\\u001f\\\"\\\\\"]");
  EXPECT_EQ(Canon("[\"\xe7\x94\xb5\xe6\xa2\xaf\"]"), "[\"\xe7\x94\xb5\xe6\xa2\xaf\"]");  // non-ASCII stays literal
  EXPECT_EQ(Canon(R"(["\b\f\n\r"])"), R"(["\b\f\n\r"])");
}

TEST(CanonicalJsonTest, IntegersOnly) {
  EXPECT_EQ(Canon("[0,-0,-42,9007199254740991,-9007199254740991]"), "[0,0,-42,9007199254740991,-9007199254740991]");
  for (const char* bad : {"[1.5]", "[1e3]", "[1E3]", "[9007199254740992]", "[-9007199254740992]"}) {
    auto r = CanonicalizeJson(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(CanonicalJsonTest, RejectsMalformed) {
  for (const char* bad : {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[01]", "[-]", "{\"a\":1,\"a\":2}", "tru",
                          "[\"\\x\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"a\nb\"]", "{} {}", "[1 2]",
                          "{\"a\":1,}"}) {
    auto r = CanonicalizeJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_EQ(CanonicalizeJson("[\"\xff\"]").status().code(), Status::Code::kInvalidArgument);
}

TEST(CanonicalJsonTest, BoundsDepth) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_FALSE(CanonicalizeJson(deep, 32).ok());
  EXPECT_TRUE(CanonicalizeJson(deep, 40).ok());
}

}  // namespace
}  // namespace redledger
