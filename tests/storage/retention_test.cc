// RetentionSweeper on a real RocksDB: events by age and by count per prefix, request_id
// replies by age and count (old rows without a time are stamped, not deleted), audit records
// by age; each limit at its boundary. And Database::Checkpoint: a consistent copy that opens.
#include "storage/retention.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/audit_log.h"
#include "storage/event_log.h"
#include "storage/keys.h"
#include "storage/records.pb.h"
#include "storage/request_replies.h"
#include "tests/common/test_store.h"

namespace pfx {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

class RetentionTest : public testing::Test {
 protected:
  // `age` before kNow.
  void AddEvent(absl::string_view resource, absl::Duration age) {
    v1::PrefixEvent event;
    event.set_event_type("PrefixAnnouncementEvent");
    absl::Time t = kNow - age;
    event.mutable_event_timestamp()->set_seconds(absl::ToUnixSeconds(t));
    WriteSet writes;
    store_.events()->Append(writes, EventLog::kRegisteredPrefix, resource, event);
    ASSERT_TRUE(store_.db()->Commit(writes, Durability::kSynced).ok());
  }
  size_t Events(absl::string_view resource) {
    return store_.events()->Recent(EventLog::kRegisteredPrefix, resource, 100000)->size();
  }
  void AddReply(absl::string_view id, int64_t stored_micros) {
    storage::RequestReplyRecord record;
    record.set_reply("reply");
    record.set_stored_micros(stored_micros);
    WriteSet writes;
    writes.Put(Column::kIdxRequest, keys::Request("Create", id), record.SerializeAsString());
    ASSERT_TRUE(store_.db()->Commit(writes, Durability::kSynced).ok());
  }
  bool HasReply(absl::string_view id) {
    return store_.db()->Get(Column::kIdxRequest, keys::Request("Create", id))->has_value();
  }
  size_t Rows(Column column) {
    size_t n = 0;
    EXPECT_TRUE(store_.db()->Scan(column, "", "", [&](auto, auto) { return ++n, true; }).ok());
    return n;
  }

  TestStore store_{"retention"};
};

TEST_F(RetentionTest, EventsByAgeAtTheBoundary) {
  AddEvent("peerings/p/r1", absl::Hours(24 * 10) + absl::Seconds(1));  // just older: swept
  AddEvent("peerings/p/r1", absl::Hours(24 * 10) - absl::Seconds(1));  // just younger: kept
  AddEvent("peerings/p/r2", absl::Hours(1));
  RetentionSweeper sweeper(store_.db(), {.event_max_age = absl::Hours(24 * 10),
                                         .events_per_prefix = 0});
  absl::StatusOr<SweepReport> report = sweeper.SweepOnce(kNow);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events_deleted, 1u);
  EXPECT_EQ(Events("peerings/p/r1"), 1u);
  EXPECT_EQ(Events("peerings/p/r2"), 1u);
}

TEST_F(RetentionTest, EventsBeyondTheNewestNOfEachPrefix) {
  for (int i = 0; i < 7; ++i) AddEvent("peerings/p/r1", absl::Minutes(10 - i));
  for (int i = 0; i < 5; ++i) AddEvent("peerings/p/r2", absl::Minutes(10 - i));
  AddEvent("peerings/p/r3", absl::Minutes(1));
  RetentionSweeper sweeper(store_.db(), {.event_max_age = absl::ZeroDuration(),
                                         .events_per_prefix = 5});
  ASSERT_EQ(sweeper.SweepOnce(kNow)->events_deleted, 2u);
  EXPECT_EQ(Events("peerings/p/r1"), 5u);
  EXPECT_EQ(Events("peerings/p/r2"), 5u);
  EXPECT_EQ(Events("peerings/p/r3"), 1u);
  // The newest five of r1 are the ones left: its oldest remaining is 8 minutes old.
  auto left = store_.events()->Recent(EventLog::kRegisteredPrefix, "peerings/p/r1", 100);
  EXPECT_EQ(left->front().event_timestamp().seconds(), absl::ToUnixSeconds(kNow - absl::Minutes(8)));
  EXPECT_EQ(sweeper.SweepOnce(kNow)->events_deleted, 0u);  // idempotent
}

TEST_F(RetentionTest, RequestRepliesByAgeAndCountAndOldRowsStamped) {
  const int64_t now = absl::ToUnixMicros(kNow);
  const int64_t hour = 3600LL * 1000000;
  AddReply("old", now - 25 * hour);
  AddReply("young-1", now - 3 * hour);
  AddReply("young-2", now - 2 * hour);
  AddReply("young-3", now - 1 * hour);
  AddReply("unstamped", 0);
  RetentionSweeper sweeper(store_.db(), {.request_reply_max_age = absl::Hours(24),
                                         .max_request_replies = 3});
  SweepReport report = *sweeper.SweepOnce(kNow);
  EXPECT_EQ(report.request_replies_stamped, 1u);
  EXPECT_EQ(report.request_replies_deleted, 2u);  // "old" by age, "young-1" by count
  EXPECT_FALSE(HasReply("old"));
  EXPECT_FALSE(HasReply("young-1"));
  EXPECT_TRUE(HasReply("young-2"));
  EXPECT_TRUE(HasReply("young-3"));
  EXPECT_TRUE(HasReply("unstamped"));
  EXPECT_EQ(sweeper.deleted_total(), 2u);  // the stamp rewrote a row; it deleted none
  // At kNow + 22 h young-2 is exactly 24 h old: kept. One second past 24 h for the stamped
  // row (stamped at kNow, it ages from there), everything left is older: all three go.
  EXPECT_EQ(sweeper.SweepOnce(kNow + absl::Hours(22))->request_replies_deleted, 0u);
  EXPECT_EQ(sweeper.SweepOnce(kNow + absl::Hours(24) + absl::Seconds(1))->request_replies_deleted,
            3u);
}

TEST_F(RetentionTest, AuditByAge) {
  absl::StatusOr<std::unique_ptr<AuditLog>> audit = AuditLog::Open(store_.db());
  ASSERT_TRUE(audit.ok());
  for (absl::Duration age : {absl::Hours(100), absl::Hours(50), absl::Hours(1)}) {
    WriteSet writes;
    (*audit)->Append(writes, v1::AuditRecord(), absl::ToUnixMicros(kNow - age));
    ASSERT_TRUE(store_.db()->Commit(writes, Durability::kSynced).ok());
  }
  RetentionSweeper sweeper(store_.db(), {.audit_max_age = absl::Hours(60)});
  EXPECT_EQ(sweeper.SweepOnce(kNow)->audit_records_deleted, 1u);
  EXPECT_EQ(Rows(Column::kAudit), 2u);
}

TEST_F(RetentionTest, ZeroLimitsKeepEverything) {
  AddEvent("peerings/p/r1", absl::Hours(24 * 1000));
  AddReply("old", 1);
  RetentionSweeper sweeper(store_.db(), {absl::ZeroDuration(), 0, absl::ZeroDuration(), 0,
                                         absl::ZeroDuration()});
  SweepReport report = *sweeper.SweepOnce(kNow);
  EXPECT_EQ(report.events_deleted + report.request_replies_deleted, 0u);
}

TEST_F(RetentionTest, CheckpointIsAConsistentOpenableCopy) {
  AddEvent("peerings/p/r1", absl::Hours(1));
  AddReply("id", absl::ToUnixMicros(kNow));
  const std::string backup = store_.root() + "/backup";
  ASSERT_TRUE(store_.db()->Checkpoint(backup).ok());
  EXPECT_EQ(store_.db()->Checkpoint(backup).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_.db()->Checkpoint(store_.root() + "/missing/backup").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::filesystem::status(backup).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  AddReply("after", absl::ToUnixMicros(kNow));  // not in the copy
  absl::StatusOr<std::unique_ptr<Database>> copy = Database::Open(backup);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_TRUE((*copy)->Get(Column::kIdxRequest, keys::Request("Create", "id"))->has_value());
  EXPECT_FALSE((*copy)->Get(Column::kIdxRequest, keys::Request("Create", "after"))->has_value());
}

}  // namespace
}  // namespace pfx
