// Disk faults (issue 14 §4): RocksDB on a file system that fails writes or syncs on demand.
// A failed write answers UNAVAILABLE naming the cause, reads keep working, nothing that was
// acknowledged is lost, and writes work again once the disk does, without reopening.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
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

}  // namespace
}  // namespace pfx
