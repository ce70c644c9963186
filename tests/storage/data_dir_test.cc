// The data dir is the owner's alone whatever the umask (storage/data_dir.h).
#include "storage/data_dir.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            absl::StrCat("pfx_data_dir_test_", getpid(), "_",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    old_umask_ = umask(022);  // the common default, which would leave files 0644
  }
  void TearDown() override {
    umask(old_umask_);
    std::filesystem::remove_all(root_);
  }
  std::filesystem::path root_;
  mode_t old_umask_ = 0;
};

// The files RocksDB makes later follow the process umask, which pfxd sets (the e2e
// SecurityTest.DataDirIsOwnerOnlyWhateverTheUmask checks a running pfxd's files).
TEST_F(DataDirTest, ANewDataDirIsOwnerOnlyAndExistingFilesAreNarrowedOnOpen) {
  const std::string dir = (root_ / "data").string();
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
  }
  EXPECT_EQ(ModeOf(dir), 0700);
  absl::StatusOr<std::unique_ptr<Database>> reopened = Database::Open(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_GT((*reopened)->data_dir_tightened(), 3);  // CURRENT, MANIFEST, OPTIONS, the WAL...
}

TEST_F(DataDirTest, AnOpenDataDirIsTightened) {
  const std::string dir = (root_ / "old").string();
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  std::ofstream(dir + "/LOG.old") << "x";
  chmod((dir + "/LOG.old").c_str(), 0644);
  absl::StatusOr<DataDirReport> report = PrepareDataDir(dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->tightened, 2);
  EXPECT_FALSE(report->created);
  EXPECT_EQ(ModeOf(dir), 0700);
  EXPECT_EQ(ModeOf(dir + "/LOG.old"), 0600);
  EXPECT_EQ(PrepareDataDir(dir)->tightened, 0);  // nothing left to do
}

TEST_F(DataDirTest, ADataDirOthersCanWriteIsRefused) {
  for (mode_t mode : {0777, 0770, 0702}) {
    const std::string dir = (root_ / absl::StrCat("open", mode)).string();
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(chmod(dir.c_str(), mode), 0);
    absl::StatusOr<DataDirReport> report = PrepareDataDir(dir);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition) << mode;
    EXPECT_THAT(report.status().message(), HasSubstr("others can write it"));
    EXPECT_THAT(report.status().message(), HasSubstr(absl::StrCat("chmod 700 ", dir)));
    EXPECT_EQ(ModeOf(dir), mode);  // refused, not silently fixed
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir);
    EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST_F(DataDirTest, AFileIsNotADataDir) {
  const std::string path = (root_ / "file").string();
  std::ofstream(path) << "x";
  EXPECT_THAT(PrepareDataDir(path).status().message(), HasSubstr("is not a directory"));
}

TEST_F(DataDirTest, MissingParentsAreCreated) {
  const std::string dir = (root_ / "a" / "b" / "data").string();
  absl::StatusOr<DataDirReport> report = PrepareDataDir(dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->created);
  EXPECT_EQ(ModeOf(dir), 0700);
}

}  // namespace
}  // namespace pfx
