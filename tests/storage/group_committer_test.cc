#include "storage/group_committer.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pfx {
namespace {

using testing::ElementsAre;

// Records what the committer did with each job, in order, in a shared log.
class RecordingJob : public GroupCommitter::Job {
 public:
  RecordingJob(std::string name, Database* db, absl::Mutex* write_mu, bool writes,
               std::vector<std::string>* log, absl::Mutex* log_mu)
      : name_(std::move(name)),
        db_(db),
        write_mu_(write_mu),
        writes_(writes),
        log_(log),
        log_mu_(log_mu) {}

  // Apply() then signals `entered` and waits for `release`, holding up the committer.
  void HoldIn(absl::Notification* entered, absl::Notification* release) {
    entered_ = entered;
    release_ = release;
  }

  bool Apply() override {
    write_mu_->AssertHeld();
    if (entered_ != nullptr) {
      entered_->Notify();
      release_->WaitForNotification();
    }
    if (writes_) {
      WriteSet w;
      w.Put(Column::kMeta, name_, "applied");
      EXPECT_TRUE(db_->Commit(w, Durability::kBuffered).ok());
    }
    Record("apply ");
    return writes_;
  }
  void Finish(absl::Status durable) override {
    Record(absl::StrCat("finish ", durable.ok() ? "ok " : "error "));
  }

 private:
  void Record(absl::string_view what) {
    absl::MutexLock lock(log_mu_);
    log_->push_back(absl::StrCat(what, name_));
  }
  std::string name_;
  Database* db_;
  absl::Mutex* write_mu_;
  bool writes_;
  std::vector<std::string>* log_;
  absl::Mutex* log_mu_;
  absl::Notification* entered_ = nullptr;
  absl::Notification* release_ = nullptr;
};

class GroupCommitterTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/group_committer_test_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  std::unique_ptr<RecordingJob> Job(const std::string& name, bool writes = true) {
    return std::make_unique<RecordingJob>(name, db_.get(), &write_mu_, writes, &log_, &log_mu_);
  }
  // A job that holds the committer inside its Apply until release_ is notified; returns once
  // the committer is there, so jobs submitted next wait for the following group.
  void SubmitHoldingJob(GroupCommitter& committer, const std::string& name) {
    std::unique_ptr<RecordingJob> job = Job(name);
    absl::Notification entered;
    job->HoldIn(&entered, &release_);
    committer.Submit(std::move(job));
    entered.WaitForNotification();
  }
  std::vector<std::string> Log() {
    absl::MutexLock lock(&log_mu_);
    return log_;
  }
  size_t LogSize() {
    absl::MutexLock lock(&log_mu_);
    return log_.size();
  }

  std::string path_;
  std::unique_ptr<Database> db_;
  absl::Mutex write_mu_;
  absl::Mutex log_mu_;
  std::vector<std::string> log_;
  absl::Notification release_;
};

TEST_F(GroupCommitterTest, JobsWaitingTogetherShareOneGroup) {
  GroupCommitter committer(db_.get(), &write_mu_);
  SubmitHoldingJob(committer, "a");
  EXPECT_EQ(committer.applied_groups(), 0u);  // counted only once the group's writes are in
  committer.Submit(Job("b"));
  committer.Submit(Job("c", /*writes=*/false));
  committer.Submit(Job("d"));
  release_.Notify();
  committer.Stop();
  // "a" went alone; the three that waited meanwhile were all applied before any was finished.
  EXPECT_THAT(Log(), ElementsAre("apply a", "finish ok a", "apply b", "apply c", "apply d",
                                 "finish ok b", "finish ok c", "finish ok d"));
  EXPECT_EQ(committer.applied_groups(), 2u);  // what readers compare to see if anything changed
  absl::StatusOr<std::optional<std::string>> d = db_->Get(Column::kMeta, "d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->value_or(""), "applied");
}

TEST_F(GroupCommitterTest, GroupsAreCappedAtMaxGroup) {
  GroupCommitter committer(db_.get(), &write_mu_, /*max_group=*/2);
  SubmitHoldingJob(committer, "a");
  committer.Submit(Job("b"));
  committer.Submit(Job("c"));
  committer.Submit(Job("d"));
  release_.Notify();
  committer.Stop();
  EXPECT_THAT(Log(), ElementsAre("apply a", "finish ok a", "apply b", "apply c", "finish ok b",
                                 "finish ok c", "apply d", "finish ok d"));
}

TEST_F(GroupCommitterTest, StopFinishesWhatWasSubmittedAndRefusesTheRest) {
  GroupCommitter committer(db_.get(), &write_mu_);
  for (int i = 0; i < 100; ++i) committer.Submit(Job(absl::StrCat("j", i)));
  committer.Stop();
  EXPECT_EQ(LogSize(), 200u);  // every job applied and finished
  committer.Submit(Job("late"));
  EXPECT_THAT(Log().back(), "finish error late");
  absl::StatusOr<std::optional<std::string>> late = db_->Get(Column::kMeta, "late");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
}

}  // namespace
}  // namespace pfx
