// VerifyLog against real stores: a clean log verifies on both
// implementations; every kind of tampering with the RocksDB files is found
// and named, including a rewrite or truncation re-signed with the log's key.
#include "redledger/log_verifier.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <functional>

#include "proof/log_test_util.h"
#include "redledger/codec.h"
#include "redledger/merkle.h"
#include "store/rocks_event_store.h"

namespace redledger {
namespace {

using testing::TempDir;

constexpr uint64_t kEvents = testing::kLogEvents;
using testing::CheckpointOf;

std::string U64(uint64_t v) {
  std::string k;
  PutBigEndian64(&k, v);
  return k;
}

std::string TreeKey(uint8_t level, uint64_t index) { return std::string(1, static_cast<char>(level)) + U64(index); }

// ---- Clean logs, on both implementations ----------------------------------

template <typename Kind>
class CleanLogTest : public ::testing::Test {
 protected:
  Kind kind_;
};
TYPED_TEST_SUITE(CleanLogTest, testing::StoreKinds, testing::StoreKindNames);

TYPED_TEST(CleanLogTest, EmptyLogVerifies) {
  StoreOptions options;
  options.sync = false;
  Result<std::unique_ptr<EventStore>> store = this->kind_.Open(options);
  ASSERT_TRUE(store.ok());
  VerifyReport report;
  Status s = VerifyLog(**store, {Checkpoint{"redledger", 0, merkle::EmptyRoot(), 0}}, &report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.events, 0u);
  EXPECT_EQ(report.root, merkle::EmptyRoot());
  EXPECT_EQ(report.checkpoints, 1u);
  EXPECT_FALSE(VerifyLog(**store, {Checkpoint{"redledger", 0, Sha256("x"), 0}}).ok());
}

TYPED_TEST(CleanLogTest, FullLogVerifiesAgainstItsCheckpoints) {
  StoreOptions options;
  options.sync = false;
  Result<std::unique_ptr<EventStore>> store = this->kind_.Open(options);
  ASSERT_TRUE(store.ok());
  testing::FillLog(store->get());
  std::vector<Checkpoint> trusted;
  for (uint64_t size : {uint64_t{1}, uint64_t{16}, uint64_t{25}, kEvents})
    trusted.push_back(CheckpointOf(**store, size));
  VerifyReport report;
  Status s = VerifyLog(**store, trusted, &report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.events, kEvents);
  EXPECT_EQ(report.root, CheckpointOf(**store, kEvents).root);
  EXPECT_EQ(report.checkpoints, trusted.size());
  EXPECT_EQ(report.bad_position, 0u);
}

// ---- Tampering with the RocksDB files -------------------------------------

// The store's database opened directly, as an attacker with disk access would.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {{rocksdb::kDefaultColumnFamilyName, {}}};
    for (const std::string& name : store::RocksColumnFamilyNames())
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    delete db_;
  }

  std::string Get(const std::string& cf, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Cf(cf), key, &value);
    EXPECT_TRUE(s.ok()) << cf << ": " << s.ToString();
    return value;
  }
  void Put(const std::string& cf, const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Cf(cf), key, value).ok());
  }
  void Delete(const std::string& cf, const std::string& key) {
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), Cf(cf), key).ok());
  }

  Envelope Event(uint64_t position) {
    Result<Envelope> e = DecodeEnvelope(Get("log", U64(position)));
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : Envelope{};
  }

  // What a careful forger does after changing events: store each event with
  // a fresh hash, then rebuild the whole tree, so the log is self-consistent.
  void RewriteEvents(uint64_t head, const std::function<void(Envelope*)>& change) {
    merkle::CompactRange range;
    for (uint64_t p = 1; p <= head; ++p) {
      Envelope e = Event(p);
      change(&e);
      e.hash = LeafHash(e);
      Put("log", U64(p), EncodeEnvelope(e));
      for (const merkle::Node& n : range.Append(e.hash)) {
        Put("tree", TreeKey(n.level, n.index), std::string(reinterpret_cast<const char*>(n.hash.data()), 32));
      }
    }
  }

  // Drops positions after `keep`, with the tree nodes that cover them.
  void Truncate(uint64_t keep, uint64_t head) {
    for (uint64_t p = keep + 1; p <= head; ++p) Delete("log", U64(p));
    Put("meta", "head", U64(keep));
    for (uint8_t level = 0; (uint64_t{1} << level) <= head; ++level) {
      for (uint64_t index = 0; ((index + 1) << level) <= head; ++index) {
        if (((index + 1) << level) > keep) Delete("tree", TreeKey(level, index));
      }
    }
  }

 private:
  rocksdb::ColumnFamilyHandle* Cf(const std::string& name) {
    for (auto* h : handles_) {
      if (h->GetName() == name) return h;
    }
    ADD_FAILURE() << "no column family " << name;
    return handles_[0];
  }

  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Signer>> signer = Signer::Open(dir_.path() + "/checkpoint.key", "redledger");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_ = std::move(signer).value();
    Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(dir_.path() + "/db", Options());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    testing::FillLog(store_.get());
    // What an inspector kept: signed notes, checked with the published key.
    for (uint64_t size : {uint64_t{10}, uint64_t{25}, kEvents}) trusted_.push_back(Keep(CheckpointOf(*store_, size)));
    store_.reset();
  }

  static StoreOptions Options() {
    StoreOptions options;
    options.sync = false;
    return options;
  }

  Checkpoint Keep(const Checkpoint& c) {
    Result<std::string> note = signer_->Sign(c);
    EXPECT_TRUE(note.ok());
    Result<Checkpoint> verified = VerifyCheckpoint(note.ok() ? *note : "", signer_->VerifierKey());
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
    return verified.ok() ? *verified : Checkpoint{};
  }

  void Tamper(const std::function<void(RawDb&)>& fn) {
    RawDb db(dir_.path() + "/db");
    fn(db);
  }

  // Reopens the store and verifies it.
  Status Verify(const std::vector<Checkpoint>& trusted, VerifyReport* report) {
    StoreOptions options = Options();
    options.read_only = true;
    Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(dir_.path() + "/db", options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return store.status();
    store_ = std::move(store).value();
    return VerifyLog(*store_, trusted, report);
  }

  // Verification fails and names `position` first in its message.
  void ExpectBadAt(uint64_t position, const std::string& what, const std::vector<Checkpoint>& trusted = {}) {
    VerifyReport report;
    Status s = Verify(trusted, &report);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_EQ(report.bad_position, position) << s.ToString();
    EXPECT_NE(s.message().find("position " + std::to_string(position) + ":"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(what), std::string::npos) << s.ToString();
  }

  TempDir dir_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<EventStore> store_;
  std::vector<Checkpoint> trusted_;
};

TEST_F(TamperTest, UntouchedLogVerifies) {
  VerifyReport report;
  Status s = Verify(trusted_, &report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.checkpoints, 3u);
}

TEST_F(TamperTest, FlippedByteOfAnEvent) {
  Tamper([](RawDb& db) {
    std::string value = db.Get("log", U64(17));
    const size_t at = value.find("event-017");
    ASSERT_NE(at, std::string::npos);
    value[at] ^= 0x20;  // "Event-017": still a valid event, just not the one hashed
    db.Put("log", U64(17), value);
  });
  ExpectBadAt(17, "hash mismatch");
}

TEST_F(TamperTest, FlippedByteOfAStoredHash) {
  Tamper([](RawDb& db) {
    Envelope e = db.Event(23);
    e.hash[31] ^= 1;
    db.Put("log", U64(23), EncodeEnvelope(e));
  });
  ExpectBadAt(23, "hash mismatch");
}

TEST_F(TamperTest, DeletedEvent) {
  Tamper([](RawDb& db) { db.Delete("log", U64(12)); });
  ExpectBadAt(12, "missing");
}

TEST_F(TamperTest, SwappedEvents) {
  Tamper([](RawDb& db) {
    const std::string a = db.Get("log", U64(30));
    db.Put("log", U64(30), db.Get("log", U64(31)));
    db.Put("log", U64(31), a);
  });
  ExpectBadAt(30, "position 30");
}

TEST_F(TamperTest, SwappedEventsRenumberedAndRehashed) {
  // The forger also swaps the positions inside the events and rebuilds the
  // tree: the log is self-consistent, but stream versions give it away, and
  // a trusted checkpoint covering the swap does too.
  Tamper([](RawDb& db) {
    Envelope a = db.Event(30);
    Envelope b = db.Event(35);  // same stream as 30 (30 % 5 == 35 % 5)
    std::swap(a.position, b.position);
    db.Put("log", U64(30), EncodeEnvelope(b));
    db.Put("log", U64(35), EncodeEnvelope(a));
    db.RewriteEvents(kEvents, [](Envelope*) {});
  });
  ExpectBadAt(30, "version");
}

TEST_F(TamperTest, AlteredTreeNodes) {
  Tamper([](RawDb& db) {
    std::string node = db.Get("tree", TreeKey(1, 3));  // covers positions 7..8
    node[0] ^= 1;
    db.Put("tree", TreeKey(1, 3), node);
  });
  ExpectBadAt(8, "tree node (level 1, index 3) does not match");
}

TEST_F(TamperTest, AlteredTreeLeaf) {
  Tamper([](RawDb& db) { db.Put("tree", TreeKey(0, 4), std::string(32, 'x')); });
  ExpectBadAt(5, "tree node (level 0, index 4)");
}

TEST_F(TamperTest, DeletedTreeNode) {
  Tamper([](RawDb& db) { db.Delete("tree", TreeKey(3, 2)); });  // positions 17..24
  ExpectBadAt(24, "tree node (level 3, index 2) is missing");
}

TEST_F(TamperTest, TruncatedLogLeavingTheTree) {
  Tamper([](RawDb& db) {
    for (uint64_t p = 33; p <= kEvents; ++p) db.Delete("log", U64(p));
    db.Put("meta", "head", U64(32));
  });
  ExpectBadAt(33, "past the log's head");
}

TEST_F(TamperTest, CleanTruncationIsFoundByATrustedCheckpoint) {
  Tamper([](RawDb& db) { db.Truncate(32, kEvents); });
  // Without a checkpoint beyond it, a clean cut is indistinguishable from a
  // shorter log: that is what inspectors keep checkpoints for.
  EXPECT_TRUE(Verify({trusted_[0], trusted_[1]}, nullptr).ok());
  ExpectBadAt(33, "log truncated", trusted_);
}

TEST_F(TamperTest, TruncationReSignedWithTheSameKeyIsFound) {
  Tamper([](RawDb& db) { db.Truncate(32, kEvents); });
  ASSERT_TRUE(Verify({}, nullptr).ok());
  // The server signs the truncated log: a valid note, with the log's own key.
  const Checkpoint resigned = Keep(CheckpointOf(*store_, 32));
  ExpectBadAt(33, "log truncated", {trusted_[2], resigned});
}

TEST_F(TamperTest, RewrittenHistoryReSignedWithTheSameKeyIsFound) {
  Tamper([](RawDb& db) {
    db.RewriteEvents(kEvents, [](Envelope* e) {
      if (e->position == 17) e->data = "{\"tag\":\"forged\"}";
    });
  });
  // Self-consistent: nothing but a trusted checkpoint can tell.
  ASSERT_TRUE(Verify({}, nullptr).ok());
  const Checkpoint resigned = Keep(CheckpointOf(*store_, kEvents));
  ASSERT_NE(resigned.root, trusted_[2].root);
  // An inspector holding the checkpoint of size 25 rejects the server's
  // consistency proof to the re-signed head...
  ConsistencyProofData proof{25, kEvents, *merkle::ConsistencyProof(25, kEvents, store_->TreeReader())};
  EXPECT_FALSE(CheckConsistency(proof, trusted_[1], resigned).ok());
  // ...and full verification narrows the rewrite to between the checkpoints
  // of 10 (still matching) and 25.
  ExpectBadAt(11, "events 11..25 were rewritten", trusted_);
}

TEST_F(TamperTest, RecordedAtGoingBackIsFound) {
  Tamper([](RawDb& db) {
    db.RewriteEvents(kEvents, [](Envelope* e) {
      if (e->position == 21) e->recorded_at -= 3600 * kMicrosPerSecond;
    });
  });
  ExpectBadAt(21, "recorded_at");
}

}  // namespace
}  // namespace redledger
