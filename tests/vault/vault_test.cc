#include "redledger/vault.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace redledger {
namespace {

using testing::TempDir;

std::unique_ptr<Vault> OpenVault(const std::string& dir) {
  auto v = Vault::Open(dir, VaultOptions{.sync = false});
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? std::move(*v) : nullptr;
}

TEST(Vault, RoundTripSurvivesReopen) {
  TempDir dir;
  std::string plain = R"({"name":"张三","phone":"13800001234"})";
  std::string sealed;
  {
    auto v = OpenVault(dir.path());
    auto s = v->Encrypt("res-1", plain);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    sealed = *s;
    EXPECT_EQ(sealed.size(), 12 + plain.size() + 16);
    EXPECT_EQ(sealed.find("13800001234"), std::string::npos);
    auto again = v->Encrypt("res-1", plain);
    EXPECT_NE(*again, sealed) << "each seal takes a fresh nonce";
    EXPECT_EQ(*v->Decrypt("res-1", *again), plain);
  }
  auto v = OpenVault(dir.path());
  auto opened = v->Decrypt("res-1", sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, plain);
}

TEST(Vault, WrongKeyOrSubjectIsCorruption) {
  TempDir dir;
  auto v = OpenVault(dir.path());
  auto sealed = v->Encrypt("alice", "secret");
  ASSERT_TRUE(v->Encrypt("bob", "other").ok());
  auto r = v->Decrypt("bob", *sealed);  // bob's key, and bob as the AAD
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
}

TEST(Vault, DamagedCiphertextIsCorruptionNeverGarbage) {
  TempDir dir;
  auto v = OpenVault(dir.path());
  std::string sealed = *v->Encrypt("alice", "the reporter's phone");
  for (size_t i = 0; i < sealed.size(); ++i) {  // nonce, body and tag bytes alike
    std::string damaged = sealed;
    damaged[i] ^= 0x01;
    auto r = v->Decrypt("alice", damaged);
    ASSERT_TRUE(r.status().IsCorruption()) << "byte " << i;
  }
  EXPECT_TRUE(v->Decrypt("alice", sealed.substr(0, 20)).status().IsCorruption());
  EXPECT_TRUE(v->Decrypt("alice", sealed + "x").status().IsCorruption());
}

TEST(Vault, UnknownSubjectIsNotFound) {
  TempDir dir;
  auto v = OpenVault(dir.path());
  EXPECT_TRUE(v->Decrypt("nobody", std::string(40, 'x')).status().IsNotFound());
  EXPECT_FALSE(v->HasKey("nobody"));
}

TEST(Vault, PhoneMapsToOneSubjectAcrossRacesAndReopen) {
  TempDir dir;
  {
    auto v = OpenVault(dir.path());
    EXPECT_FALSE(v->FindSubjectForPhone("13800001234")->has_value());
    std::vector<std::string> got(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] { got[i] = *v->SubjectForPhone("13800001234", "subject-" + std::to_string(i)); });
    }
    for (auto& t : threads) t.join();
    for (const auto& s : got) EXPECT_EQ(s, got[0]);
    EXPECT_EQ(**v->FindSubjectForPhone("13800001234"), got[0]);
    EXPECT_NE(*v->SubjectForPhone("13900000000", "subject-x"), got[0]);
  }
  auto v = OpenVault(dir.path());
  EXPECT_TRUE(v->FindSubjectForPhone("13800001234")->has_value()) << "the HMAC secret persists";
}

TEST(Vault, RacingFirstUsesAgreeOnOneKey) {
  TempDir dir;
  auto v = OpenVault(dir.path());
  for (int round = 0; round < 20; ++round) {
    std::string subject = "s" + std::to_string(round);
    std::vector<std::string> sealed(6);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sealed.size(); ++i) {
      threads.emplace_back([&, i] { sealed[i] = *v->Encrypt(subject, "p" + std::to_string(i)); });
    }
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < sealed.size(); ++i) EXPECT_EQ(*v->Decrypt(subject, sealed[i]), "p" + std::to_string(i));
  }
  // Keys persist: a reopened vault (no cache) opens the same values.
  std::string sealed = *v->Encrypt("s0", "again");
  v.reset();
  v = OpenVault(dir.path());
  EXPECT_EQ(*v->Decrypt("s0", sealed), "again");
}

TEST(Vault, EraseDestroysKeyAndUnlinksPhones) {
  TempDir dir;
  auto v = OpenVault(dir.path());
  std::string subject = *v->SubjectForPhone("13800001234", "subject-1");
  std::string sealed = *v->Encrypt(subject, "plaintext");
  ASSERT_TRUE(v->EraseSubject(subject).ok());
  EXPECT_FALSE(v->HasKey(subject));
  EXPECT_TRUE(v->Decrypt(subject, sealed).status().IsNotFound());
  EXPECT_FALSE(v->FindSubjectForPhone("13800001234")->has_value());
  EXPECT_TRUE(v->EraseSubject(subject).ok()) << "idempotent";
  // A fresh key is a different key: the old sealed value stays unreadable.
  ASSERT_TRUE(v->Encrypt(subject, "new").ok());
  EXPECT_TRUE(v->Decrypt(subject, sealed).status().IsCorruption());
}

}  // namespace
}  // namespace redledger
