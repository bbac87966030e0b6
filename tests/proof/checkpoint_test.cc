#include "redledger/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "proof/ed25519.h"
#include "proof/signed_note.h"
#include "support/temp_dir.h"

namespace redledger {
namespace {

// golang.org/x/mod/sumdb/note's documented example: an independent
// implementation's key, text and signature.
constexpr char kGoVerifierKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoSeedBase64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // 0x01 ‖ seed
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoSignatureLine[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

std::string GoNote() { return std::string(kGoText) + "\n" + kGoSignatureLine; }

using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream(path) << data;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

Checkpoint SampleCheckpoint(const std::string& origin = "redledger") {
  Checkpoint c;
  c.origin = origin;
  c.size = 20852163;
  c.root = Sha256("some root");
  c.time = 1'795'819'200'000'000;  // 2026-11-27T22:40:00Z
  return c;
}

// ---- Known answers from the Go implementation -----------------------------

TEST(SignedNote, OpensTheGoExampleNote) {
  Result<std::string> text = OpenSignedNote(GoNote(), kGoVerifierKey);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kGoText);
}

TEST(SignedNote, SignsExactlyAsTheGoImplementation) {
  Result<std::string> seed = Base64Decode(kGoSeedBase64);
  ASSERT_TRUE(seed.ok());
  Result<proof::Ed25519PrivateKey> key = proof::Ed25519PrivateKey::FromSeed(seed->substr(1));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(proof::VerifierKeyText("PeterNeumann", key->public_key()), kGoVerifierKey);
  EXPECT_EQ(proof::KeyId("PeterNeumann", key->public_key()), 0xc74f20a3u);
  Result<std::string> sig = key->Sign(kGoText);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(proof::SignedNote(kGoText, "PeterNeumann", 0xc74f20a3u, *sig), GoNote());
}

TEST(SignedNote, SignerLoadsAPemKeyAndPublishesItsVerifierKey) {
  TempDir dir;
  Result<std::string> seed = Base64Decode(kGoSeedBase64);
  ASSERT_TRUE(seed.ok());
  Result<std::string> pem = proof::Ed25519PrivateKey::FromSeed(seed->substr(1))->ToPem();
  ASSERT_TRUE(pem.ok());
  const std::string path = dir.path() + "/log.key";
  WriteFile(path, *pem, 0600);
  Result<std::unique_ptr<Signer>> signer = Signer::Open(path, "PeterNeumann");
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ((*signer)->VerifierKey(), kGoVerifierKey);
  EXPECT_EQ(ReadFile(path + ".pub"), std::string(kGoVerifierKey) + "\n");
}

// ---- Signer: key files -----------------------------------------------------

TEST(Signer, CreatesAPrivateKeyOnFirstUseAndReloadsIt) {
  TempDir dir;
  const std::string path = dir.path() + "/checkpoint.key";
  Result<std::unique_ptr<Signer>> first = Signer::Open(path, "redledger");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(ReadFile(path).find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(ReadFile(path + ".pub"), (*first)->VerifierKey() + "\n");
  EXPECT_EQ((*first)->VerifierKey().rfind("redledger+", 0), 0u);
  EXPECT_EQ(List(dir.path()),
            (std::vector<std::string>{"checkpoint.key", "checkpoint.key.pub"}));  // no temp files left

  Result<std::unique_ptr<Signer>> again = Signer::Open(path, "redledger");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->VerifierKey(), (*first)->VerifierKey());
  // A note signed before the restart verifies with the key after it.
  Result<std::string> note = (*first)->Sign(SampleCheckpoint());
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(VerifyCheckpoint(*note, (*again)->VerifierKey()).ok());
}

TEST(Signer, ConcurrentFirstStartsAgreeOnOneKey) {
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    const std::string path = dir.path() + "/k";
    std::vector<std::string> keys(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < keys.size(); ++i) {
      threads.emplace_back([&path, &keys, i] {
        Result<std::unique_ptr<Signer>> s = Signer::Open(path, "redledger");
        if (s.ok()) keys[i] = (*s)->VerifierKey();
      });
    }
    for (auto& t : threads) t.join();
    for (const std::string& key : keys) EXPECT_EQ(key, keys[0]);
    EXPECT_FALSE(keys[0].empty());
    EXPECT_EQ(ReadFile(path + ".pub"), keys[0] + "\n");
  }
}

TEST(Signer, RewritesTheVerifierKeyWhenTheNameChanges) {
  TempDir dir;
  const std::string path = dir.path() + "/k";
  ASSERT_TRUE(Signer::Open(path, "redledger").ok());
  Result<std::unique_ptr<Signer>> renamed = Signer::Open(path, "example.org/ledger");
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(ReadFile(path + ".pub"), (*renamed)->VerifierKey() + "\n");
  EXPECT_EQ((*renamed)->VerifierKey().rfind("example.org/ledger+", 0), 0u);
}

TEST(Signer, RefusesAKeyOthersCanRead) {
  TempDir dir;
  const std::string path = dir.path() + "/k";
  ASSERT_TRUE(Signer::Open(path, "redledger").ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Result<std::unique_ptr<Signer>> s = Signer::Open(path, "redledger");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("0644"), std::string::npos) << s.status().message();
}

TEST(Signer, RefusesBadNamesAndBadKeyFiles) {
  TempDir dir;
  for (const char* name : {"", "has space", "a+b", "tab\there", "nbsp\xC2\xA0x"}) {
    EXPECT_EQ(Signer::Open(dir.path() + "/k", name).status().code(), Status::Code::kInvalidArgument) << name;
  }
  WriteFile(dir.path() + "/garbage.key", "not a key", 0600);
  EXPECT_EQ(Signer::Open(dir.path() + "/garbage.key", "redledger").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Signer::Open(dir.path() + "/missing-dir/k", "redledger").status().code(), Status::Code::kIOError);
}

TEST(Signer, SignsOnlyItsOwnOrigin) {
  TempDir dir;
  Result<std::unique_ptr<Signer>> s = Signer::Open(dir.path() + "/k", "redledger");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Sign(SampleCheckpoint("other")).status().code(), Status::Code::kInvalidArgument);
}

// ---- Checkpoints: format and verification ----------------------------------

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Signer>> s = Signer::Open(dir_.path() + "/k", "redledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    signer_ = std::move(s).value();
    Result<std::string> note = signer_->Sign(SampleCheckpoint());
    ASSERT_TRUE(note.ok());
    note_ = *note;
  }

  TempDir dir_;
  std::unique_ptr<Signer> signer_;
  std::string note_;
};

TEST_F(CheckpointTest, TextIsTheC2spCheckpointWithATimeLine) {
  const Checkpoint c = SampleCheckpoint();
  const std::string root(reinterpret_cast<const char*>(c.root.data()), 32);
  const std::string text = "redledger\n20852163\n" + Base64Encode(root) + "\ntime 2026-11-27T22:40:00.000000Z\n";
  EXPECT_EQ(CheckpointText(c), text);
  ASSERT_EQ(note_.substr(0, text.size() + 1), text + "\n");
  const std::string sig_line = note_.substr(text.size() + 1);
  EXPECT_EQ(sig_line.rfind("\xE2\x80\x94 redledger ", 0), 0u);
  EXPECT_EQ(sig_line.back(), '\n');
  // base64 of 4 + 64 bytes is 92 characters.
  EXPECT_EQ(sig_line.size(), std::string("\xE2\x80\x94 redledger ").size() + 92 + 1);
}

TEST_F(CheckpointTest, RoundTrips) {
  Result<Checkpoint> c = VerifyCheckpoint(note_, signer_->VerifierKey());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, SampleCheckpoint());
}

TEST_F(CheckpointTest, EmptyTreeRoundTrips) {
  Checkpoint empty{"redledger", 0, Sha256(""), 0};
  Result<std::string> note = signer_->Sign(empty);
  ASSERT_TRUE(note.ok());
  Result<Checkpoint> c = VerifyCheckpoint(*note, signer_->VerifierKey());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, empty);
}

TEST_F(CheckpointTest, BadSignatureIsRejected) {
  const size_t sig_at = note_.rfind(' ') + 1;
  for (size_t i : {sig_at + 6, sig_at + 40, note_.size() - 3}) {  // signature bytes, not the key id
    std::string forged = note_;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    Result<Checkpoint> c = VerifyCheckpoint(forged, signer_->VerifierKey());
    EXPECT_FALSE(c.ok()) << i;
  }
}

TEST_F(CheckpointTest, AnotherKeyIsRejected) {
  // Same name, another key: its id differs, so the note has no signature by it.
  Result<std::unique_ptr<Signer>> other = Signer::Open(dir_.path() + "/other", "redledger");
  ASSERT_TRUE(other.ok());
  Result<Checkpoint> c = VerifyCheckpoint(note_, (*other)->VerifierKey());
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsCorruption()) << c.status().ToString();
  // The other key's note does not verify with ours either.
  Result<std::string> theirs = (*other)->Sign(SampleCheckpoint());
  ASSERT_TRUE(theirs.ok());
  EXPECT_FALSE(VerifyCheckpoint(*theirs, signer_->VerifierKey()).ok());
  // Another key forging our key id and name still fails on the signature.
  Result<proof::VerifierKey> ours = proof::ParseVerifierKey(signer_->VerifierKey());
  ASSERT_TRUE(ours.ok());
  Result<std::string> seed = Base64Decode(kGoSeedBase64);
  ASSERT_TRUE(seed.ok());
  Result<proof::Ed25519PrivateKey> mallory = proof::Ed25519PrivateKey::FromSeed(seed->substr(1));
  ASSERT_TRUE(mallory.ok());
  const std::string text = CheckpointText(SampleCheckpoint());
  Result<std::string> sig = mallory->Sign(text);
  ASSERT_TRUE(sig.ok());
  const std::string forged = proof::SignedNote(text, "redledger", ours->id, *sig);
  Result<Checkpoint> fc = VerifyCheckpoint(forged, signer_->VerifierKey());
  ASSERT_FALSE(fc.ok());
  EXPECT_NE(fc.status().message().find("does not verify"), std::string::npos) << fc.status().ToString();
}

TEST_F(CheckpointTest, AlteredBodyLinesAreRejected) {
  const size_t text_end = note_.find("\n\n") + 1;
  const std::string sigs = note_.substr(text_end);
  const std::string text = note_.substr(0, text_end);
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size();) {
    const size_t eol = text.find('\n', at);
    lines.push_back(text.substr(at, eol - at));
    at = eol + 1;
  }
  ASSERT_EQ(lines.size(), 4u);
  auto with = [&](size_t i, const std::string& line) {
    std::string t;
    for (size_t j = 0; j < lines.size(); ++j) t += (j == i ? line : lines[j]) + "\n";
    return t + sigs;
  };
  const std::string other_root = Base64Encode(std::string(32, 'x'));
  for (const std::string& forged :
       {with(0, "redledgerX"), with(1, "20852164"), with(1, "020852163"), with(2, other_root),
        with(3, "time 2026-11-27T22:40:01.000000Z"), text + "extra\n" + sigs}) {
    EXPECT_FALSE(VerifyCheckpoint(forged, signer_->VerifierKey()).ok()) << forged;
  }
  // Dropping the time line is an altered body too.
  std::string no_time = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + sigs;
  EXPECT_FALSE(VerifyCheckpoint(no_time, signer_->VerifierKey()).ok());
}

TEST_F(CheckpointTest, MalformedNotesAndKeysAreRejected) {
  const std::string vkey = signer_->VerifierKey();
  const size_t split = note_.find("\n\n");
  for (const std::string& bad : {
           std::string(), note_.substr(0, split + 1),         // no signatures
           note_.substr(0, split) + note_.substr(split + 1),  // no empty line
           note_.substr(0, note_.size() - 1),                 // last line unterminated
           note_ + "\xE2\x80\x94 x\n",                        // signature line without signature
           note_ + "- redledger AAAA\n",                      // not an em dash
           std::string("redledger\r\n") + note_.substr(10),   // control character
           std::string("\xFF") + note_,                       // not UTF-8
       }) {
    EXPECT_FALSE(VerifyCheckpoint(bad, vkey).ok()) << bad;
  }
  for (const std::string& bad_key :
       {std::string(), vkey.substr(0, vkey.size() - 4), "redledger+" + vkey.substr(19), "other" + vkey.substr(9),
        vkey + "AAAA", vkey.substr(0, 10) + "00000000" + vkey.substr(18)}) {
    Result<Checkpoint> c = VerifyCheckpoint(note_, bad_key);
    ASSERT_FALSE(c.ok()) << bad_key;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument) << bad_key;
  }
}

TEST_F(CheckpointTest, SignaturesByUnknownKeysAreIgnored) {
  Result<std::unique_ptr<Signer>> witness = Signer::Open(dir_.path() + "/w", "witness.example");
  ASSERT_TRUE(witness.ok());
  const std::string text = CheckpointText(SampleCheckpoint());
  Result<std::string> cosigned = (*witness)->Sign(Checkpoint{"witness.example", 1, {}, 0});
  ASSERT_TRUE(cosigned.ok());
  const std::string witness_line = cosigned->substr(cosigned->find("\n\n") + 2);
  // A foreign signature line before ours is skipped.
  EXPECT_TRUE(
      VerifyCheckpoint(text + "\n" + witness_line + note_.substr(text.size() + 1), signer_->VerifierKey()).ok());
  // Only a foreign signature: rejected.
  EXPECT_FALSE(VerifyCheckpoint(text + "\n" + witness_line, signer_->VerifierKey()).ok());
}

TEST_F(CheckpointTest, OriginMustBeTheKeyName) {
  Result<std::unique_ptr<Signer>> other = Signer::Open(dir_.path() + "/o", "elsewhere");
  ASSERT_TRUE(other.ok());
  Result<std::string> note = (*other)->Sign(SampleCheckpoint("elsewhere"));
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(VerifyCheckpoint(*note, (*other)->VerifierKey()).ok());
  // A note whose text names another origin, signed by this key, is refused.
  Result<std::string> seed = Base64Decode(kGoSeedBase64);
  ASSERT_TRUE(seed.ok());
  Result<proof::Ed25519PrivateKey> key = proof::Ed25519PrivateKey::FromSeed(seed->substr(1));
  ASSERT_TRUE(key.ok());
  const std::string text = CheckpointText(SampleCheckpoint("not-peter"));
  Result<std::string> sig = key->Sign(text);
  ASSERT_TRUE(sig.ok());
  Result<Checkpoint> c = VerifyCheckpoint(proof::SignedNote(text, "PeterNeumann", 0xc74f20a3u, *sig), kGoVerifierKey);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("origin"), std::string::npos);
}

}  // namespace
}  // namespace redledger
