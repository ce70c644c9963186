// ResealStoredSecrets on a real RocksDB store: sealing plain data, rotating, refusing a
// missing key-encryption key, and no key left in the data dir's files.
#include "storage/reseal.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pfx/v1/registration.pb.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "storage/request_replies.h"
#include "tests/common/files_holding.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const std::string kPrefixRow = keys::Child("voice-1", "web");
const std::string kReplyRow = keys::Request("CreateRegisteredPrefix", "req-1");

class ResealTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/reseal_test_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  // Reopens with these KEKs (id, fill byte of the material); the first seals.
  absl::Status Reopen(const std::vector<std::pair<std::string, char>>& keks) {
    db_.reset();
    std::vector<KeyEncryptionKey> keys;
    for (const auto& [id, fill] : keks) keys.push_back({id, std::string(32, fill)});
    DatabaseOptions options;
    options.key_sealer = std::move(*KeySealer::Create(keys));
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_, std::move(options));
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    return absl::OkStatus();
  }
  // A registered prefix holding kKey, and the stored reply that echoed it.
  void WriteRegistration() {
    RegisteredPrefixRecord r;
    r.set_peering_name("voice-1");
    r.set_name("web");
    r.set_prefix("192.0.2.0/24");
    r.set_peering_service_prefix_key(kKey);
    v1::RegisteredPrefix reply = ToApi(r, /*with_events=*/false);
    WriteSet w;
    ASSERT_TRUE(PutMessage(*db_, w, Column::kRegisteredPrefixes, kPrefixRow, r).ok());
    ASSERT_TRUE(PutRequestReply(*db_, w, kReplyRow, "sha", reply).ok());
    ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  }
  // What the store gives back for the registration (opened), and its raw bytes.
  void ExpectKeyReadable() {
    auto r = GetMessage<RegisteredPrefixRecord>(*db_, Column::kRegisteredPrefixes, kPrefixRow);
    ASSERT_TRUE(r.ok() && r->has_value()) << r.status();
    EXPECT_EQ((*r)->peering_service_prefix_key(), kKey);
    auto reply = GetRequestReply(*db_, kReplyRow);
    ASSERT_TRUE(reply.ok() && reply->has_value()) << reply.status();
    v1::RegisteredPrefix replayed;
    ASSERT_TRUE(replayed.ParseFromString((*reply)->reply()));
    EXPECT_EQ(replayed.peering_service_prefix_key(), kKey);
  }
  std::string RawKeyField() {
    RegisteredPrefixRecord raw;
    raw.ParseFromString(**db_->Get(Column::kRegisteredPrefixes, kPrefixRow));
    return raw.peering_service_prefix_key();
  }
  std::vector<std::string> FilesHolding(const std::string& needle) {
    return pfx::FilesHolding(path_, {needle});
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(ResealTest, PlainDataIsSealedAndNoFileKeepsTheKey) {
  ASSERT_TRUE(Reopen({}).ok());
  WriteRegistration();
  absl::StatusOr<ResealReport> plain = ResealStoredSecrets(*db_);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->rows_resealed, 0u);
  EXPECT_FALSE(plain->compacted);
  ASSERT_TRUE(db_->Compact({Column::kRegisteredPrefixes}).ok());  // the key in a table file
  EXPECT_FALSE(FilesHolding(kKey).empty()) << "the test must see plain keys to prove anything";

  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  absl::StatusOr<ResealReport> sealed = ResealStoredSecrets(*db_);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_TRUE(sealed->scanned);
  EXPECT_EQ(sealed->rows_resealed, 2u);  // the prefix and the stored reply
  EXPECT_TRUE(sealed->compacted);
  EXPECT_EQ(KeySealer::SealedKekId(RawKeyField()), "k1");
  ExpectKeyReadable();
  EXPECT_THAT(FilesHolding(kKey), ::testing::IsEmpty());

  // The same configuration again reads nothing.
  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  absl::StatusOr<ResealReport> again = ResealStoredSecrets(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->scanned);
  // New writes are sealed as they go: not in the WAL nor in a table file in plain text.
  ASSERT_TRUE(db_->Get(Column::kRegisteredPrefixes, kPrefixRow).ok());
  WriteRegistration();
  EXPECT_THAT(FilesHolding(kKey), ::testing::IsEmpty());
  ExpectKeyReadable();
}

TEST_F(ResealTest, RotationResealsUnderTheNewKeyAndTheOldOneCanGo) {
  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  WriteRegistration();
  ASSERT_TRUE(ResealStoredSecrets(*db_).ok());
  const std::string under_k1 = RawKeyField();

  ASSERT_TRUE(Reopen({{"k2", 'b'}, {"k1", 'a'}}).ok());
  absl::StatusOr<ResealReport> rotated = ResealStoredSecrets(*db_);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->rows_resealed, 2u);
  EXPECT_EQ(KeySealer::SealedKekId(RawKeyField()), "k2");
  EXPECT_THAT(FilesHolding(under_k1), ::testing::IsEmpty()) << "k1's ciphertext compacted away";

  ASSERT_TRUE(Reopen({{"k2", 'b'}}).ok());
  ASSERT_TRUE(ResealStoredSecrets(*db_).ok());
  ExpectKeyReadable();
}

TEST_F(ResealTest, AMissingKeyRefusesTheStartAndChangesNothing) {
  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  WriteRegistration();
  ASSERT_TRUE(ResealStoredSecrets(*db_).ok());
  const std::string sealed = RawKeyField();

  ASSERT_TRUE(Reopen({}).ok());
  absl::StatusOr<ResealReport> none = ResealStoredSecrets(*db_);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("sealed under key-encryption key 'k1'"));
  EXPECT_THAT(none.status().message(), HasSubstr("but none is configured"));

  ASSERT_TRUE(Reopen({{"k3", 'c'}}).ok());
  absl::StatusOr<ResealReport> other = ResealStoredSecrets(*db_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("key_encryption_key { id: \"k1\""));
  EXPECT_EQ(RawKeyField(), sealed);

  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  ASSERT_TRUE(ResealStoredSecrets(*db_).ok());
  ExpectKeyReadable();
}

// A reseal that stops halfway (here: a value under a KEK nobody configured, met after the
// registration was already resealed under k1) leaves no record of the sealing, so the next
// start scans again instead of trusting the old "plain", and a sealed key never passes as one.
TEST_F(ResealTest, AnInterruptedResealIsFinishedOrRefusedByTheNextStart) {
  ASSERT_TRUE(Reopen({}).ok());
  WriteRegistration();
  ASSERT_TRUE(ResealStoredSecrets(*db_).ok());  // recorded: plain
  storage::RequestReplyRecord stray;
  stray.set_reply(*std::move(*KeySealer::Create({{"k9", std::string(32, 'z')}})).Seal("reply"));
  WriteSet w;
  w.Put(Column::kIdxRequest, keys::Request("CreateRegisteredPrefix", "stray"),
        stray.SerializeAsString());
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());

  ASSERT_TRUE(Reopen({{"k1", 'a'}}).ok());
  EXPECT_EQ(ResealStoredSecrets(*db_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(KeySealer::SealedKekId(RawKeyField()), "k1");  // resealed before k9 was met

  ASSERT_TRUE(Reopen({}).ok());
  absl::StatusOr<ResealReport> after = ResealStoredSecrets(*db_);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(after.status().message(), HasSubstr("'k1', 'k9' but none is configured"));
  // And a read with sealing off refuses the sealed key instead of handing it out.
  auto r = GetMessage<RegisteredPrefixRecord>(*db_, Column::kRegisteredPrefixes, kPrefixRow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("peering_service_prefix_key: "));
}

}  // namespace
}  // namespace pfx
