// RecoverValidation on a real RocksDB store: which stored prefixes a restart requeues.
#include "engine/recovery.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/messages.h"

namespace pfx {
namespace {

class RecoveryTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/recovery_test_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    db_ = std::move(*Database::Open(path_));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  void Store(const std::string& name, const std::string& prefix, v1::PrefixValidationState state) {
    v1::RegisteredPrefix r;
    r.set_peering_name("voice-1");
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_prefix_validation_state(state);
    WriteSet w;
    ASSERT_TRUE(
        PutMessage(*db_, w, Column::kRegisteredPrefixes, keys::Child("voice-1", name), r).ok());
    ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(RecoveryTest, RequeuesPrefixesNotDecidedYetWithoutQueueRows) {
  Store("pending", "192.0.2.0/24", v1::PREFIX_VALIDATION_STATE_PENDING);
  Store("warning", "198.51.100.0/24", v1::PREFIX_VALIDATION_STATE_WARNING);
  Store("unknown", "203.0.113.0/24", v1::PREFIX_VALIDATION_STATE_UNKNOWN);
  Store("verified", "1.1.1.0/24", v1::PREFIX_VALIDATION_STATE_VERIFIED);
  Store("failed", "8.8.8.0/24", v1::PREFIX_VALIDATION_STATE_FAILED);

  std::unique_ptr<ValidationQueue> queue = std::move(*ValidationQueue::Open(db_.get()));
  std::unique_ptr<EventLog> events = std::move(*EventLog::Open(db_.get()));
  DependencyIndex dependencies;
  RouteIndex routes;
  RealClock clock;
  absl::Mutex write_mu;
  GroupCommitter committer(db_.get(), &write_mu);
  StoreContext ctx{db_.get(), queue.get(), events.get(), &dependencies,
                   &routes,   &clock,      &write_mu,    &committer};
  ASSERT_TRUE(RecoverValidation(ctx, dependencies).ok());

  EXPECT_EQ(dependencies.size(), 5u);  // every stored prefix is tracked
  std::vector<std::string> requeued;
  for (const QueueItem& item : queue->PopBatch(10, absl::ZeroDuration())) {
    EXPECT_EQ(item.seq, 0u) << "no row: the stored state is what brings it back";
    requeued.push_back(item.target.name());
  }
  std::sort(requeued.begin(), requeued.end());
  EXPECT_EQ(requeued, (std::vector<std::string>{"pending", "unknown", "warning"}));
}

}  // namespace
}  // namespace pfx
