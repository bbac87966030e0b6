#include <gtest/gtest.h>

#include "redledger/auth.h"
#include "support/principal_events.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

constexpr char kAdminToken[] = "bootstrap-admin-token-0123456789";

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = CredentialStore::Open(dir_.path() + "/credentials");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auth_ = std::make_unique<Authenticator>(store_.get(), principals_.Lookup(), kAdminToken);
  }

  Status::Code CodeOf(std::string_view header) { return auth_->Authenticate(header).status().code(); }

  testing::TempDir dir_;
  std::unique_ptr<CredentialStore> store_;
  testing::TestPrincipals principals_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, BearerTokenOfARegisteredPrincipal) {
  std::string token = principals_.Register(store_.get(), "p-community", "community", R"(["s-1","s-2"])");
  auto p = auth_->Authenticate("Bearer " + token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->id, "p-community");
  EXPECT_EQ(p->role, Role::kCommunity);
  EXPECT_EQ(p->sites, (std::vector<std::string>{"s-1", "s-2"}));
  EXPECT_TRUE(auth_->Authenticate("bearer  " + token).ok());  // scheme is case-insensitive
}

TEST_F(AuthenticatorTest, BootstrapAdminToken) {
  auto p = auth_->Authenticate(std::string("Bearer ") + kAdminToken);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->id, "admin");
  EXPECT_EQ(p->role, Role::kAdmin);
  EXPECT_TRUE(p->all_sites);
  // Only its hash is kept: a near miss does not pass.
  std::string near = kAdminToken;
  near.back() = 'X';
  EXPECT_EQ(CodeOf("Bearer " + near), Status::Code::kUnauthorized);
}

TEST_F(AuthenticatorTest, MissingOrMalformedHeaderIsUnauthorized) {
  std::string token = principals_.Register(store_.get(), "p-1", "resident");
  EXPECT_EQ(CodeOf(""), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf("Bearer"), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf("Bearer "), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf("Basic " + token), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf(token), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf("Bearer " + token + " extra"), Status::Code::kUnauthorized);
  EXPECT_EQ(CodeOf("Bearer " + std::string(600, 'a')), Status::Code::kUnauthorized);
}

TEST_F(AuthenticatorTest, UnknownTokenIsUnauthorized) {
  principals_.Register(store_.get(), "p-1", "resident");
  EXPECT_EQ(CodeOf("Bearer " + NewToken()), Status::Code::kUnauthorized);
}

TEST_F(AuthenticatorTest, RevokedPrincipalIsUnauthorized) {
  std::string token = principals_.Register(store_.get(), "p-1", "handler");
  ASSERT_TRUE(auth_->Authenticate("Bearer " + token).ok());
  principals_.Revoke("p-1");
  auto r = auth_->Authenticate("Bearer " + token);
  EXPECT_EQ(r.status().code(), Status::Code::kUnauthorized);
  EXPECT_NE(r.status().message().find("revoked"), std::string::npos);
}

TEST_F(AuthenticatorTest, RemovedTokensAreUnauthorized) {
  std::string token = principals_.Register(store_.get(), "p-1", "handler");
  ASSERT_TRUE(store_->RemoveTokens("p-1").ok());
  EXPECT_EQ(CodeOf("Bearer " + token), Status::Code::kUnauthorized);
}

TEST_F(AuthenticatorTest, TokenOfAPrincipalTheRegistryDoesNotKnow) {
  std::string token = NewToken();
  ASSERT_TRUE(store_->AddToken("p-ghost", token).ok());
  EXPECT_EQ(CodeOf("Bearer " + token), Status::Code::kUnauthorized);
}

}  // namespace
}  // namespace redledger
