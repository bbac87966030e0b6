#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "redledger/auth.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

class CredentialStoreTest : public ::testing::Test {
 protected:
  void Open() {
    auto s = CredentialStore::Open(dir_.path() + "/credentials");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void SetUp() override { Open(); }

  // True when any file of the store contains `bytes`.
  bool FilesContain(std::string_view bytes) {
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (content.find(bytes) != std::string::npos) return true;
    }
    return false;
  }

  testing::TempDir dir_;
  std::unique_ptr<CredentialStore> store_;
};

TEST_F(CredentialStoreTest, FindsThePrincipalOfAToken) {
  std::string t1 = NewToken(), t2 = NewToken();
  ASSERT_TRUE(store_->AddToken("p-1", t1).ok());
  ASSERT_TRUE(store_->AddToken("p-2", t2).ok());
  EXPECT_EQ(store_->FindPrincipal(TokenHash(t1)).value(), "p-1");
  EXPECT_EQ(store_->FindPrincipal(TokenHash(t2)).value(), "p-2");
  EXPECT_TRUE(store_->FindPrincipal(TokenHash(NewToken())).status().IsNotFound());
}

TEST_F(CredentialStoreTest, TokensSurviveReopening) {
  std::string t = NewToken();
  ASSERT_TRUE(store_->AddToken("p-1", t).ok());
  store_.reset();
  Open();
  EXPECT_EQ(store_->FindPrincipal(TokenHash(t)).value(), "p-1");
}

TEST_F(CredentialStoreTest, RemoveTokensForgetsOnlyThatPrincipal) {
  std::string a1 = NewToken(), a2 = NewToken(), b = NewToken();
  ASSERT_TRUE(store_->AddToken("p-a", a1).ok());
  ASSERT_TRUE(store_->AddToken("p-a", a2).ok());
  ASSERT_TRUE(store_->AddToken("p-ab", b).ok());  // a principal id with p-a as a prefix
  ASSERT_TRUE(store_->RemoveTokens("p-a").ok());
  EXPECT_TRUE(store_->FindPrincipal(TokenHash(a1)).status().IsNotFound());
  EXPECT_TRUE(store_->FindPrincipal(TokenHash(a2)).status().IsNotFound());
  EXPECT_EQ(store_->FindPrincipal(TokenHash(b)).value(), "p-ab");
}

TEST_F(CredentialStoreTest, OnlyTheHashReachesTheDisk) {
  std::string token = NewToken();
  ASSERT_TRUE(store_->AddToken("p-1", token).ok());
  store_.reset();  // flush and close: every byte written is in the files now
  const Hash256 h = TokenHash(token);
  // The scan finds what is there (the hash)...
  EXPECT_TRUE(FilesContain(std::string_view(reinterpret_cast<const char*>(h.data()), h.size())));
  // ...and neither the token text nor its random bytes.
  EXPECT_FALSE(FilesContain(token));
  EXPECT_FALSE(FilesContain(token.substr(3)));
}

// The lookup is by the first half of the hash; an entry whose second half
// differs (as a forged or damaged one would) must not match.
TEST_F(CredentialStoreTest, FindPrincipalComparesTheWholeHash) {
  std::string token = NewToken();
  ASSERT_TRUE(store_->AddToken("p-1", token).ok());
  store_.reset();
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_.path() + "/credentials", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    Hash256 h = TokenHash(token);
    std::string key = "t" + std::string(reinterpret_cast<const char*>(h.data()), 16);
    h[31] ^= 1;
    std::string value = std::string(reinterpret_cast<const char*>(h.data()), h.size()) + "p-forged";
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  }
  Open();
  EXPECT_TRUE(store_->FindPrincipal(TokenHash(token)).status().IsNotFound());
}

}  // namespace
}  // namespace redledger
