// Disk faults (issue 14 §4): RocksDB on a file system that fails writes or syncs on demand.
// A failed write answers UNAVAILABLE naming the cause, reads keep working, nothing that was
// acknowledged is lost, and writes work again once the disk does, without reopening.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "tests/common/faulty_file_system.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "/disk_fault_", getpid(), "_",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_, disk_.env.get());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }

  absl::Status Put(const std::string& key) {
    WriteSet w;
    w.Put(Column::kPeerings, key, "value");
    return db_->Commit(w, Durability::kSynced);
  }
  // What a GroupCommitter does: apply buffered, then one WAL sync.
  absl::Status PutBufferedThenSync(const std::string& key) {
    WriteSet w;
    w.Put(Column::kPeerings, key, "value");
    if (absl::Status s = db_->Commit(w, Durability::kBuffered); !s.ok()) return s;
    return db_->SyncWal();
  }
  bool Has(const Database& db, const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = db.Get(Column::kPeerings, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() && v->has_value();
  }
  // Reopens the store on the plain disk: what a restart would find.
  std::unique_ptr<Database> Reopen() {
    db_.reset();
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  FaultyDisk disk_;
  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(DiskFaultTest, FailingSyncsRefuseWritesKeepReadsAndRecoverWithoutRestart) {
  ASSERT_TRUE(Put("before").ok());
  disk_.fs->FailSyncs(true);
  absl::Status failed = Put("during-1");
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.message(), HasSubstr("injected sync failure"));
  failed = PutBufferedThenSync("during-2");
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_THAT(failed.message(), HasSubstr("injected sync failure"));
  EXPECT_TRUE(Has(*db_, "before")) << "reads keep working while the disk fails";

  disk_.fs->FailSyncs(false);
  absl::Status after = Put("after");
  ASSERT_TRUE(after.ok()) << after;
  ASSERT_TRUE(PutBufferedThenSync("after-2").ok());

  std::unique_ptr<Database> reopened = Reopen();
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(Has(*reopened, "before"));
  EXPECT_TRUE(Has(*reopened, "after"));
  EXPECT_TRUE(Has(*reopened, "after-2"));
}

TEST_F(DiskFaultTest, FailingWritesRefuseWritesKeepReadsAndRecoverWithoutRestart) {
  ASSERT_TRUE(Put("before").ok());
  disk_.fs->FailWrites(true);
  for (int i = 0; i < 3; ++i) {  // the first fails in RocksDB, the next ones at Resume
    absl::Status failed = Put(absl::StrCat("during-", i));
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_THAT(failed.message(), HasSubstr("injected write failure"));
  }
  EXPECT_TRUE(Has(*db_, "before"));
  EXPECT_FALSE(Has(*db_, "during-0")) << "a write that failed is not applied";

  disk_.fs->FailWrites(false);
  absl::Status after = Put("after");
  ASSERT_TRUE(after.ok()) << after;

  std::unique_ptr<Database> reopened = Reopen();
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(Has(*reopened, "before"));
  EXPECT_TRUE(Has(*reopened, "after"));
}

// Buffered writes on an instance that a recovery reopens were in a WAL whose sync failed: the
// next SyncWal does not vouch for them (UNAVAILABLE); the one after is the new instance's own.
TEST_F(DiskFaultTest, SyncAfterAReopenDoesNotVouchForWritesBufferedBeforeIt) {
  WriteSet w;
  w.Put(Column::kPeerings, "buffered", "value");
  ASSERT_TRUE(db_->Commit(w, Durability::kBuffered).ok());
  disk_.fs->FailSyncs(true);
  EXPECT_EQ(db_->SyncWal().code(), absl::StatusCode::kUnavailable);
  disk_.fs->FailSyncs(false);
  ASSERT_TRUE(Put("after").ok()) << "the reopen happens here";
  absl::Status vouch = db_->SyncWal();
  EXPECT_EQ(vouch.code(), absl::StatusCode::kUnavailable) << vouch;
  EXPECT_THAT(vouch.message(), HasSubstr("may not be durable"));
  EXPECT_TRUE(db_->SyncWal().ok());
}

// A disk that takes the small probe but not table files: the reopen fails in its flush, and
// pfxd keeps serving reads from a read-only instance; once the disk recovers, writes resume.
TEST_F(DiskFaultTest, AFailedReopenKeepsReadsOnAReadOnlyInstance) {
  ASSERT_TRUE(Put("before").ok());
  disk_.fs->FailSyncs(true);
  EXPECT_FALSE(Put("during").ok());
  disk_.fs->OnlyFilesEndingWith(".sst");  // the WAL and the probe work again, tables do not
  disk_.fs->FailSyncs(false);
  disk_.fs->FailWrites(true);
  absl::Status refused = Put("still-during");
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("opening RocksDB")) << "the reopen was tried";
  EXPECT_TRUE(Has(*db_, "before")) << "reads work on the read-only instance";

  disk_.fs->FailWrites(false);
  absl::Status after = absl::UnavailableError("not tried");
  for (int i = 0; i < 40 && !after.ok(); ++i) {  // the next reopen waits a second
    absl::SleepFor(absl::Milliseconds(100));
    after = Put("after");
  }
  ASSERT_TRUE(after.ok()) << after;
  EXPECT_TRUE(Has(*db_, "before"));
  EXPECT_TRUE(Has(*db_, "after"));
}

}  // namespace
}  // namespace pfx
