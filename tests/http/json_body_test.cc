#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "redledger/http_server.h"

namespace redledger::http {
namespace {

TEST(ParseJsonObjectTest, ParsesAnObject) {
  auto r = ParseJsonObject(R"({"a":[1,-2,"x\u00e9"],"b":{"c":true,"d":null},"long_key_)" + std::string(100, 'k') +
                               R"(":"v"})",
                           32);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const boost::json::object& o = **r;
  EXPECT_EQ(o.at("a").as_array().at(1).as_int64(), -2);
  EXPECT_EQ(o.at("a").as_array().at(2).as_string(), "x\xc3\xa9");
  EXPECT_TRUE(o.at("b").as_object().at("c").as_bool());
  EXPECT_EQ(o.size(), 3u);
}

TEST(ParseJsonObjectTest, RejectsDuplicateKeysAtAnyDepth) {
  EXPECT_EQ(ParseJsonObject(R"({"a":1,"a":2})", 32).status().code(), Status::Code::kInvalidJson);
  EXPECT_EQ(ParseJsonObject(R"({"x":[{"a":1,"b":2,"a":3}]})", 32).status().code(), Status::Code::kInvalidJson);
  EXPECT_TRUE(ParseJsonObject(R"({"a":{"a":1},"b":{"a":2}})", 32).ok());  // same key, different objects
}

TEST(ParseJsonObjectTest, DepthLimit) {
  EXPECT_TRUE(ParseJsonObject("{\"a\":[[]]}", 3).ok());
  auto r = ParseJsonObject("{\"a\":[[[]]]}", 3);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidJson);
  EXPECT_NE(r.status().message().find("deeper"), std::string::npos);
}

TEST(ParseJsonObjectTest, ManyKeysStayFast) {
  std::string big = "{";
  for (int i = 0; i < 20000; ++i) big += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  big += "}";
  auto r = ParseJsonObject(big, 32);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 20000u);
}

}  // namespace
}  // namespace redledger::http

namespace redledger::http {
namespace {

TEST(ParseJsonObjectTest, WhitespaceAroundIsFineOtherDataIsNot) {
  EXPECT_TRUE(ParseJsonObject(" \n{\"a\":1}\r\n\t ", 32).ok());
  EXPECT_EQ(ParseJsonObject("{\"a\":1} x", 32).status().code(), Status::Code::kInvalidJson);
  EXPECT_EQ(ParseJsonObject("{\"a\":1}{}", 32).status().code(), Status::Code::kInvalidJson);
}

}  // namespace
}  // namespace redledger::http
