#include "http/router.h"

#include <gtest/gtest.h>

namespace redledger::http {
namespace {

std::vector<std::string> Segs(std::initializer_list<const char*> s) { return {s.begin(), s.end()}; }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = [](Request, Responder) {};
    r_.Add("GET", "/v1/demands/{id}", {}, h);
    r_.Add("POST", "/v1/demands/{id}/{command}", {}, h);
    r_.Add("GET", "/v1/demands/{id}/history", {}, h);
    r_.Add("GET", "/v1/demands", {}, h);
    r_.Add("POST", "/v1/demands", {}, h);
  }
  Router r_;
};

TEST_F(RouterTest, MatchesAndNamesParameters) {
  auto m = r_.Find("POST", Segs({"v1", "demands", "d-1", "accept"}));
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.params.at("id"), "d-1");
  EXPECT_EQ(m.params.at("command"), "accept");
}

TEST_F(RouterTest, LiteralWinsOverParameter) {
  auto m = r_.Find("GET", Segs({"v1", "demands", "d-1", "history"}));
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->segments.back(), "history");
  EXPECT_EQ(m.params.size(), 1u);
}

TEST_F(RouterTest, WrongMethodListsTheAllowedOnes) {
  auto m = r_.Find("DELETE", Segs({"v1", "demands"}));
  EXPECT_EQ(m.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, POST");
}

TEST_F(RouterTest, NoMatch) {
  EXPECT_EQ(r_.Find("GET", Segs({"v1", "nothing"})).outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(r_.Find("GET", Segs({"v1", "demands", ""})).outcome, Router::Outcome::kNotFound);  // empty id
  EXPECT_EQ(r_.Find("GET", Segs({"v1", "demands", "d", "x", "y"})).outcome, Router::Outcome::kNotFound);
}

}  // namespace
}  // namespace redledger::http
