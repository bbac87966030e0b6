#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "redledger/auth.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

TEST(TokenTest, NewTokenIsRlPrefixedBase64UrlOf32Bytes) {
  std::string t = NewToken();
  ASSERT_EQ(t.size(), 3u + 43u);  // 32 bytes → 43 unpadded base64 characters
  EXPECT_EQ(t.substr(0, 3), "rl_");
  for (char c : t.substr(3)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  EXPECT_NE(NewToken(), t);
}

TEST(TokenTest, TokenHashIsSha256OfTheText) { EXPECT_EQ(TokenHash("rl_abc"), Sha256("rl_abc")); }

TEST(TokenTest, HashesEqualComparesEveryByte) {
  Hash256 a = Sha256("x");
  Hash256 b = a;
  EXPECT_TRUE(HashesEqual(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(HashesEqual(a, b));
  b = a;
  b[0] ^= 0x80;
  EXPECT_FALSE(HashesEqual(a, b));
}

class BootstrapTokenTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("REDLEDGER_ADMIN_TOKEN"); }
  void TearDown() override { unsetenv("REDLEDGER_ADMIN_TOKEN"); }
  std::string WriteFile(const std::string& text) {
    std::string path = dir_.path() + "/admin-token";
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(BootstrapTokenTest, FileWinsAndIsTrimmed) {
  setenv("REDLEDGER_ADMIN_TOKEN", "from-the-environment-0123", 1);
  auto t = ReadBootstrapAdminToken(WriteFile("  from-the-file-0123456789\n"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->value(), "from-the-file-0123456789");
}

TEST_F(BootstrapTokenTest, EnvironmentWhenNoFile) {
  setenv("REDLEDGER_ADMIN_TOKEN", "from-the-environment-0123", 1);
  auto t = ReadBootstrapAdminToken("");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value(), "from-the-environment-0123");
}

TEST_F(BootstrapTokenTest, NoneGiven) {
  auto t = ReadBootstrapAdminToken("");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
}

TEST_F(BootstrapTokenTest, RejectsUnreadableShortOrNonAsciiTokens) {
  EXPECT_FALSE(ReadBootstrapAdminToken(dir_.path() + "/missing").ok());
  EXPECT_FALSE(ReadBootstrapAdminToken(WriteFile("short\n")).ok());
  EXPECT_FALSE(ReadBootstrapAdminToken(WriteFile("with a space in the middle")).ok());
}

}  // namespace
}  // namespace redledger
