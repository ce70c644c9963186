// MigrateSchema on real RocksDB stores written in older schemas.
#include "registry/schema_migration.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/registration.pb.h"
#include "registry/events.h"
#include "registry/registry.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/request_replies.h"

namespace pfx {
namespace {

using ::testing::ElementsAre;

TEST(SchemaMigrationTest, Version1PrefixesGetTheirRecentEventsInline) {
  std::string path = absl::StrCat(testing::TempDir(), "/schema_migration_test_", getpid());
  std::filesystem::remove_all(path);
  const std::string key = keys::Child("voice-1", "web");
  {
    // A schema 1 store: the resource without events, its history in the events column only.
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    std::unique_ptr<EventLog> log = std::move(*EventLog::Open(db.get()));
    v1::RegisteredPrefix r;
    r.set_peering_name("voice-1");
    r.set_name("web");
    r.set_prefix("192.0.2.0/24");
    WriteSet w;
    ASSERT_TRUE(PutMessage(*db, w, Column::kRegisteredPrefixes, key, r).ok());
    for (int i = 0; i < 60; ++i) {
      log->Append(w, EventLog::kRegisteredPrefix, key,
                  MakeEvent(kStateChangeEvent, absl::StrCat("event ", i), "",
                            v1::EVENT_LEVEL_INFORMATION, absl::FromUnixSeconds(i)));
    }
    ASSERT_TRUE(db->Commit(w, Durability::kSynced).ok());
    ASSERT_TRUE(db->SetSchemaVersion(1).ok());
  }
  for (int run = 0; run < 2; ++run) {  // the second start finds nothing to do
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    std::unique_ptr<EventLog> log = std::move(*EventLog::Open(db.get()));
    EXPECT_EQ(db->stored_schema_version(), run == 0 ? 1 : kSchemaVersion);
    ASSERT_TRUE(MigrateSchema(*db, *log).ok());
    EXPECT_EQ(db->stored_schema_version(), kSchemaVersion);
    auto r = GetMessage<v1::RegisteredPrefix>(*db, Column::kRegisteredPrefixes, key);
    ASSERT_TRUE(r.ok() && r->has_value());
    ASSERT_EQ((*r)->events_size(), static_cast<int>(kEventsShown));  // the most recent 50
    EXPECT_EQ((*r)->events(0).event_summary(), "event 10");
    EXPECT_EQ((*r)->events(49).event_summary(), "event 59");
  }
  std::filesystem::remove_all(path);
}

// Version 4 stored each request_id's bare reply; version 5 wraps it with the request's
// fingerprint. Old rows keep replaying their reply (no fingerprint to compare), once wrapped.
TEST(SchemaMigrationTest, Version4RequestRepliesAreWrappedOnceAndStillReplay) {
  std::string path = absl::StrCat(testing::TempDir(), "/schema4_replies_test_", getpid());
  std::filesystem::remove_all(path);
  const std::string key = keys::Request("CreatePeering", "req-1");
  v1::Peering reply;
  reply.set_name("voice-1");
  reply.set_peer_asn(13335);
  {
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    WriteSet w;
    ASSERT_TRUE(PutMessage(*db, w, Column::kIdxRequest, key, reply).ok());
    ASSERT_TRUE(db->Commit(w, Durability::kSynced).ok());
    ASSERT_TRUE(db->SetSchemaVersion(4).ok());
  }
  for (int run = 0; run < 2; ++run) {  // the second start finds nothing to do
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    std::unique_ptr<EventLog> log = std::move(*EventLog::Open(db.get()));
    EXPECT_EQ(db->stored_schema_version(), run == 0 ? 4 : kSchemaVersion);
    ASSERT_TRUE(MigrateSchema(*db, *log).ok());
    EXPECT_EQ(db->stored_schema_version(), kSchemaVersion);
    auto stored = GetRequestReply(*db, key);
    ASSERT_TRUE(stored.ok() && stored->has_value()) << stored.status();
    EXPECT_TRUE((*stored)->request_sha256().empty());
    v1::Peering replayed;
    ASSERT_TRUE(replayed.ParseFromString((*stored)->reply())) << "wrapped exactly once";
    EXPECT_EQ(replayed.name(), "voice-1");
    EXPECT_EQ(replayed.peer_asn(), 13335);
  }
  std::filesystem::remove_all(path);
}

// Version 6 keyed idx_key and idx_key_users by the prefix key itself; version 7 by its digest.
TEST(SchemaMigrationTest, Version6KeyIndexesAreKeyedByDigest) {
  std::string path = absl::StrCat(testing::TempDir(), "/schema6_key_index_test_", getpid());
  std::filesystem::remove_all(path);
  const std::string key = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  const std::string user = keys::Child("service-1", "p1");
  {
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    WriteSet w;
    w.Put(Column::kIdxKey, key, "Rvoice-1");
    w.Put(Column::kIdxKeyUsers, keys::Child(key, user), "");
    ASSERT_TRUE(db->Commit(w, Durability::kSynced).ok());
    ASSERT_TRUE(db->SetSchemaVersion(6).ok());
  }
  for (int run = 0; run < 2; ++run) {  // the second start finds nothing to do
    std::unique_ptr<Database> db = std::move(*Database::Open(path));
    std::unique_ptr<EventLog> log = std::move(*EventLog::Open(db.get()));
    ASSERT_TRUE(MigrateSchema(*db, *log).ok());
    EXPECT_EQ(db->stored_schema_version(), kSchemaVersion);
    std::vector<std::string> index_keys;
    for (Column column : {Column::kIdxKey, Column::kIdxKeyUsers}) {
      ASSERT_TRUE(db->Scan(column, "", "", [&](absl::string_view k, absl::string_view) {
                      index_keys.emplace_back(k);
                      return true;
                    }).ok());
    }
    EXPECT_THAT(index_keys, ElementsAre(keys::KeyDigest(key), keys::KeyUser(key, user)));
    EXPECT_EQ(**db->Get(Column::kIdxKey, keys::KeyDigest(key)), "Rvoice-1");
  }
  std::filesystem::remove_all(path);
}

TEST(SchemaMigrationTest, RecordEventKeepsTheMostRecentInline) {
  std::string path = absl::StrCat(testing::TempDir(), "/record_event_test_", getpid());
  std::filesystem::remove_all(path);
  std::unique_ptr<Database> db = std::move(*Database::Open(path));
  std::unique_ptr<EventLog> log = std::move(*EventLog::Open(db.get()));
  RegisteredPrefixRecord r;
  WriteSet w;
  for (int i = 0; i < 51; ++i) {
    RecordEvent(*log, w, EventLog::kRegisteredPrefix, "k",
                MakeEvent(kStateChangeEvent, absl::StrCat("event ", i), "",
                          v1::EVENT_LEVEL_INFORMATION, absl::FromUnixSeconds(i)),
                r.mutable_events());
  }
  ASSERT_TRUE(db->Commit(w, Durability::kSynced).ok());
  ASSERT_EQ(r.events_size(), 50);
  EXPECT_EQ(r.events(0).event_summary(), "event 1");  // the oldest went
  auto all = log->Recent(EventLog::kRegisteredPrefix, "k", 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 51u);  // the column keeps every event
  db.reset();
  std::filesystem::remove_all(path);
}

}  // namespace
}  // namespace pfx
