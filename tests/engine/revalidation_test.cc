// Revalidate's core on a real RocksDB store: CheckRevalidateRequest's errors, what
// SelectForRevalidation selects (each filter, chunks, damaged records) and how
// RevalidationProgress counts and finishes.
#include "engine/revalidation.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr auto kVerified = v1::PREFIX_VALIDATION_STATE_VERIFIED;
constexpr auto kFailed = v1::PREFIX_VALIDATION_STATE_FAILED;
constexpr auto kWarning = v1::PREFIX_VALIDATION_STATE_WARNING;

v1::ValidationTarget Registered(const std::string& peering, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  t.set_parent(peering);
  t.set_name(name);
  return t;
}

v1::ValidationTarget Service(const std::string& service, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
  t.set_parent(service);
  t.set_name(name);
  return t;
}

// "R parent/name" for a registered prefix, "S parent/name" for a peering service prefix.
std::string Show(const v1::ValidationTarget& t) {
  return absl::StrCat(t.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX ? "R " : "S ",
                      t.parent(), "/", t.name());
}

ValidationNotice Notice(const v1::ValidationTarget& target, v1::PrefixValidationState state) {
  ValidationNotice n;
  *n.change.mutable_target() = target;
  n.change.set_old_state(v1::PREFIX_VALIDATION_STATE_PENDING);
  n.change.set_new_state(state);
  return n;
}

class SelectForRevalidationTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/revalidation_test_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }

  void StoreRegistered(const std::string& peering, const std::string& name,
                       const std::string& prefix, v1::PrefixValidationState state) {
    RegisteredPrefixRecord r;
    r.set_peering_name(peering);
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_prefix_validation_state(state);
    WriteSet w;
    ASSERT_TRUE(
        PutMessage(*db_, w, Column::kRegisteredPrefixes, keys::Child(peering, name), r).ok());
    ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  }

  void StoreService(const std::string& service, const std::string& name, const std::string& prefix,
                    v1::PrefixValidationState state) {
    PeeringServicePrefixRecord r;
    r.set_peering_service_name(service);
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_prefix_validation_state(state);
    WriteSet w;
    ASSERT_TRUE(PutMessage(*db_, w, Column::kServicePrefixes, keys::Child(service, name), r).ok());
    ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  }

  // Bytes that do not parse as a record: field 3 (prefix) claims 100 bytes, 2 follow.
  void StoreDamaged(Column column, const std::string& parent, const std::string& name) {
    WriteSet w;
    w.Put(column, keys::Child(parent, name), std::string{'\x1a', 100, 'a', 'b'});
    ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  }

  // voice-1: a (VERIFIED), b (FAILED); voice-10: c (VERIFIED, same prefix as a);
  // svc-1: d (WARNING), e (VERIFIED, same prefix as a); svc-10: f (FAILED).
  void StoreMixed() {
    StoreRegistered("voice-1", "a", "2001:db8::/32", kVerified);
    StoreRegistered("voice-1", "b", "192.0.2.0/24", kFailed);
    StoreRegistered("voice-10", "c", "2001:db8::/32", kVerified);
    StoreService("svc-1", "d", "198.51.100.0/24", kWarning);
    StoreService("svc-1", "e", "2001:db8::/32", kVerified);
    StoreService("svc-10", "f", "203.0.113.0/24", kFailed);
  }

  // The selection of `request` in chunks of `chunk_size`, each chunk as its targets' Show.
  absl::Status Select(const v1::RevalidateRequest& request,
                      std::vector<std::vector<std::string>>* chunks, size_t chunk_size = 4096) {
    return SelectForRevalidation(
        *db_, request,
        [chunks](std::vector<v1::ValidationTarget> chunk) {
          std::vector<std::string> shown;
          for (const v1::ValidationTarget& t : chunk) shown.push_back(Show(t));
          chunks->push_back(std::move(shown));
        },
        chunk_size);
  }

  // The selection of `request` as one list (expects it to succeed).
  std::vector<std::string> Selected(const v1::RevalidateRequest& request) {
    std::vector<std::vector<std::string>> chunks;
    absl::Status s = Select(request, &chunks);
    EXPECT_TRUE(s.ok()) << s;
    std::vector<std::string> all;
    for (const auto& chunk : chunks) all.insert(all.end(), chunk.begin(), chunk.end());
    return all;
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST(CheckRevalidateRequestTest, EmptyRequestIsValid) {
  EXPECT_TRUE(CheckRevalidateRequest({}).ok());
}

TEST(CheckRevalidateRequestTest, BothParentsSetIsInvalidNamingBoth) {
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");
  request.set_peering_service_name("svc-1");
  absl::Status s = CheckRevalidateRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("peering_name, peering_service_name: set at most one"));
}

TEST(CheckRevalidateRequestTest, MalformedNamesAreInvalidNamingTheirField) {
  v1::RevalidateRequest request;
  request.set_peering_name("-voice");  // must start with a letter or digit
  absl::Status s = CheckRevalidateRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("peering_name: "));

  request.Clear();
  request.set_peering_service_name(std::string(81, 's'));  // 80 at most
  s = CheckRevalidateRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("peering_service_name: "));
}

TEST(CheckRevalidateRequestTest, MalformedPrefixIsInvalidNamingItsIndex) {
  v1::RevalidateRequest request;
  request.add_prefixes("192.0.2.0/24");
  request.add_prefixes("192.0.2.1/24");  // host bits set
  absl::Status s = CheckRevalidateRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("prefixes[1]: "));
}

TEST(CheckRevalidateRequestTest, UndefinedStateIsInvalidNamingItsIndex) {
  v1::RevalidateRequest request;
  request.add_states(kVerified);
  request.add_states(static_cast<v1::PrefixValidationState>(99));
  absl::Status s = CheckRevalidateRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("states[1]: 99 is not a PrefixValidationState"));
}

TEST_F(SelectForRevalidationTest, NoFilterSelectsEveryRegisteredThenEveryServicePrefix) {
  StoreMixed();
  EXPECT_THAT(Selected({}), ElementsAre("R voice-1/a", "R voice-1/b", "R voice-10/c", "S svc-1/d",
                                        "S svc-1/e", "S svc-10/f"));
}

TEST_F(SelectForRevalidationTest, PeeringNameSelectsOnlyThatPeeringsRegisteredPrefixes) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");  // not voice-10, and no peering service prefix
  EXPECT_THAT(Selected(request), ElementsAre("R voice-1/a", "R voice-1/b"));
}

TEST_F(SelectForRevalidationTest, PeeringServiceNameSelectsOnlyThatServicesPrefixes) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.set_peering_service_name("svc-1");  // not svc-10, and no registered prefix
  EXPECT_THAT(Selected(request), ElementsAre("S svc-1/d", "S svc-1/e"));
}

TEST_F(SelectForRevalidationTest, PrefixesFilterMatchesThePrefixInAnySpelling) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.add_prefixes("2001:DB8:0::/32");
  request.add_prefixes("203.0.113.0/24");
  EXPECT_THAT(Selected(request),
              ElementsAre("R voice-1/a", "R voice-10/c", "S svc-1/e", "S svc-10/f"));
}

TEST_F(SelectForRevalidationTest, StatesFilterSelectsOnlyThoseStates) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.add_states(kFailed);
  request.add_states(kWarning);
  EXPECT_THAT(Selected(request), ElementsAre("R voice-1/b", "S svc-1/d", "S svc-10/f"));
}

TEST_F(SelectForRevalidationTest, FiltersCombineWithAnd) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");
  request.add_states(kVerified);
  request.add_prefixes("2001:db8::/32");
  EXPECT_THAT(Selected(request), ElementsAre("R voice-1/a"));

  request.clear_states();
  request.add_states(kFailed);  // voice-1's FAILED prefix is another one
  EXPECT_THAT(Selected(request), IsEmpty());
}

TEST_F(SelectForRevalidationTest, BothParentsSetIsInvalidAndPassesNothingOn) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");
  request.set_peering_service_name("svc-1");
  std::vector<std::vector<std::string>> chunks;
  absl::Status s = Select(request, &chunks);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("peering_name, peering_service_name"));
  EXPECT_THAT(chunks, IsEmpty());
}

TEST_F(SelectForRevalidationTest, BadPrefixIsInvalidAndPassesNothingOn) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.add_prefixes("not-a-prefix");
  std::vector<std::vector<std::string>> chunks;
  absl::Status s = Select(request, &chunks);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("prefixes[0]: "));
  EXPECT_THAT(chunks, IsEmpty());
}

TEST_F(SelectForRevalidationTest, ChunksOfTwoFromFiveTargetsAreTwoTwoOne) {
  StoreRegistered("voice-1", "a", "192.0.2.0/24", kVerified);
  StoreRegistered("voice-1", "b", "192.0.2.0/25", kVerified);
  StoreRegistered("voice-1", "c", "192.0.2.128/25", kVerified);
  StoreService("svc-1", "d", "198.51.100.0/24", kVerified);
  StoreService("svc-1", "e", "203.0.113.0/24", kVerified);
  std::vector<std::vector<std::string>> chunks;
  ASSERT_TRUE(Select({}, &chunks, 2).ok());
  // A chunk fills across the two kinds.
  EXPECT_THAT(chunks,
              ElementsAre(ElementsAre("R voice-1/a", "R voice-1/b"),
                          ElementsAre("R voice-1/c", "S svc-1/d"), ElementsAre("S svc-1/e")));
}

TEST_F(SelectForRevalidationTest, ChunkSizeEqualToTheSelectionGivesOneChunkAndNoEmptyOne) {
  StoreMixed();
  std::vector<std::vector<std::string>> chunks;
  ASSERT_TRUE(Select({}, &chunks, 6).ok());
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].size(), 6u);
}

TEST_F(SelectForRevalidationTest, EmptySelectionPassesNothingOn) {
  StoreMixed();
  v1::RevalidateRequest request;
  request.set_peering_name("voice-2");
  std::vector<std::vector<std::string>> chunks;
  ASSERT_TRUE(Select(request, &chunks, 2).ok());
  EXPECT_THAT(chunks, IsEmpty());
}

TEST_F(SelectForRevalidationTest, DamagedRecordWithAStateFilterIsDataLossNamingIt) {
  StoreRegistered("voice-1", "a", "192.0.2.0/24", kFailed);
  StoreDamaged(Column::kRegisteredPrefixes, "voice-1", "bad");
  StoreRegistered("voice-1", "c", "198.51.100.0/24", kFailed);
  v1::RevalidateRequest request;
  request.add_states(kFailed);
  std::vector<std::vector<std::string>> chunks;
  absl::Status s = Select(request, &chunks);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "stored prefix voice-1/bad does not parse");
  EXPECT_THAT(chunks, IsEmpty());  // "a" was still in the unfinished chunk
}

TEST_F(SelectForRevalidationTest, DamagedServiceRecordWithAPrefixFilterIsDataLossNamingIt) {
  StoreDamaged(Column::kServicePrefixes, "svc-1", "bad");
  v1::RevalidateRequest request;
  request.add_prefixes("192.0.2.0/24");
  std::vector<std::vector<std::string>> chunks;
  absl::Status s = Select(request, &chunks);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "stored prefix svc-1/bad does not parse");
}

TEST_F(SelectForRevalidationTest, WithoutPrefixOrStateFiltersOnlyKeysAreRead) {
  StoreRegistered("voice-1", "a", "192.0.2.0/24", kFailed);
  StoreDamaged(Column::kRegisteredPrefixes, "voice-1", "bad");
  StoreDamaged(Column::kServicePrefixes, "svc-1", "bad");
  EXPECT_THAT(Selected({}), ElementsAre("R voice-1/a", "R voice-1/bad", "S svc-1/bad"));
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");
  EXPECT_THAT(Selected(request), ElementsAre("R voice-1/a", "R voice-1/bad"));
}

TEST_F(SelectForRevalidationTest, DamagedRecordOutsideTheSelectedParentIsNotRead) {
  StoreRegistered("voice-1", "a", "192.0.2.0/24", kFailed);
  StoreDamaged(Column::kRegisteredPrefixes, "voice-2", "bad");
  StoreDamaged(Column::kServicePrefixes, "svc-1", "bad");
  v1::RevalidateRequest request;
  request.set_peering_name("voice-1");
  request.add_states(kFailed);
  EXPECT_THAT(Selected(request), ElementsAre("R voice-1/a"));
}

// A cancelled call stops the scan: once `stop` is set, no further chunk is passed on and the
// selection ends CANCELLED.
TEST_F(SelectForRevalidationTest, StopEndsTheScanCancelledWithoutFurtherChunks) {
  for (int i = 0; i < 6; ++i) {
    StoreRegistered("voice-1", absl::StrCat("r", i), absl::StrCat("192.0.", i, ".0/24"), kVerified);
  }
  std::atomic<bool> stop{false};
  int chunks = 0;
  absl::Status s = SelectForRevalidation(
      *db_, {},
      [&](std::vector<v1::ValidationTarget>) {
        ++chunks;
        stop = true;  // the client cancels after the first chunk
      },
      /*chunk_size=*/2, &stop);
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;
  EXPECT_EQ(chunks, 1);
}

// A target that could not be validated counts as done and failed, not as a state; the first
// failure is kept for the stream's final status.
TEST(RevalidationProgressTest, FailuresCountAsDoneAndFailedWithTheFirstError) {
  RevalidationProgress progress;
  progress.Add(
      {Registered("voice-1", "a"), Registered("voice-1", "b"), Registered("voice-1", "c")});
  progress.SelectionDone();
  ValidationNotice broken = Notice(Registered("voice-1", "a"), kVerified);
  broken.failure = absl::DataLossError("stored RegisteredPrefixRecord does not parse");
  ValidationNotice later = Notice(Registered("voice-1", "b"), kVerified);
  later.failure = absl::UnavailableError("second");
  EXPECT_TRUE(progress.OnNotices({broken, later, Notice(Registered("voice-1", "c"), kFailed)}));
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.done(), 3);
  EXPECT_EQ(p.failed(), 2);
  EXPECT_TRUE(p.finished());
  EXPECT_EQ(p.states().size(), 1u);
  EXPECT_EQ(p.states().at("PREFIX_VALIDATION_STATE_FAILED"), 1);
  EXPECT_EQ(progress.first_failure().code(), absl::StatusCode::kDataLoss);
}

TEST(RevalidationProgressTest, FinishedOnlyAfterSelectionDoneAndEveryTargetDone) {
  RevalidationProgress progress;
  progress.Add({Registered("voice-1", "a"), Registered("voice-1", "b")});
  EXPECT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "a"), kVerified)}));
  EXPECT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "b"), kFailed)}));
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.total(), 2);
  EXPECT_EQ(p.done(), 2);
  EXPECT_FALSE(p.finished()) << "every target done, but the selection may still add more";
  EXPECT_FALSE(progress.selection_done());

  progress.Add({Service("svc-1", "c")});
  progress.SelectionDone();
  EXPECT_TRUE(progress.selection_done());
  p = progress.Snapshot();
  EXPECT_EQ(p.total(), 3);
  EXPECT_EQ(p.done(), 2);
  EXPECT_FALSE(p.finished());

  EXPECT_TRUE(progress.OnNotices({Notice(Service("svc-1", "c"), kVerified)}));
  p = progress.Snapshot();
  EXPECT_EQ(p.total(), 3);
  EXPECT_EQ(p.done(), 3);
  EXPECT_TRUE(p.finished());
}

TEST(RevalidationProgressTest, EmptySelectionFinishesWhenTheSelectionIsDone) {
  RevalidationProgress progress;
  EXPECT_FALSE(progress.Snapshot().finished());
  progress.SelectionDone();
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.total(), 0);
  EXPECT_EQ(p.done(), 0);
  EXPECT_TRUE(p.finished());
}

TEST(RevalidationProgressTest, RepeatedTargetsCountOnce) {
  RevalidationProgress progress;
  progress.Add({Registered("voice-1", "a"), Registered("voice-1", "a")});
  progress.Add({Registered("voice-1", "a"), Registered("voice-1", "b")});
  progress.SelectionDone();
  EXPECT_EQ(progress.Snapshot().total(), 2);

  ASSERT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "a"), kVerified),
                                  Notice(Registered("voice-1", "a"), kFailed)}));
  EXPECT_FALSE(progress.OnNotices({Notice(Registered("voice-1", "a"), kVerified)}));
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.done(), 1);
  EXPECT_THAT(p.states(), UnorderedElementsAre(Pair("PREFIX_VALIDATION_STATE_VERIFIED", 1)));
  EXPECT_FALSE(p.finished());

  ASSERT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "b"), kVerified)}));
  EXPECT_TRUE(progress.Snapshot().finished());
}

TEST(RevalidationProgressTest, TargetRepeatedAfterItsNoticeCountsOnce) {
  RevalidationProgress progress;
  progress.Add({Registered("voice-1", "a")});
  ASSERT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "a"), kVerified)}));
  progress.Add({Registered("voice-1", "a")});
  progress.SelectionDone();
  v1::RevalidateResponse p = progress.Snapshot();
  // A target added again after its notice is still one target, already done (a dedup against
  // pending targets only counted it twice and never finished).
  EXPECT_EQ(p.total(), 1);
  EXPECT_EQ(p.done(), 1);
  EXPECT_TRUE(p.finished());
}

TEST(RevalidationProgressTest, SameNameUnderAnotherKindIsAnotherTarget) {
  RevalidationProgress progress;
  progress.Add({Registered("x", "a"), Service("x", "a")});
  progress.SelectionDone();
  EXPECT_EQ(progress.Snapshot().total(), 2);
  ASSERT_TRUE(progress.OnNotices({Notice(Service("x", "a"), kVerified)}));
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.done(), 1);
  EXPECT_FALSE(p.finished());
}

TEST(RevalidationProgressTest, NoticesOfUnselectedTargetsAreIgnored) {
  RevalidationProgress progress;
  progress.Add({Registered("voice-1", "a")});
  EXPECT_FALSE(progress.OnNotices({Notice(Registered("voice-1", "z"), kFailed),
                                   Notice(Registered("voice-2", "a"), kFailed),
                                   Notice(Service("voice-1", "a"), kFailed)}));
  progress.SelectionDone();
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.total(), 1);
  EXPECT_EQ(p.done(), 0);
  EXPECT_THAT(p.states(), IsEmpty());
  EXPECT_FALSE(p.finished());

  // A batch mixing both counts only the selected one.
  EXPECT_TRUE(progress.OnNotices(
      {Notice(Registered("voice-2", "a"), kFailed), Notice(Registered("voice-1", "a"), kWarning)}));
  p = progress.Snapshot();
  EXPECT_EQ(p.done(), 1);
  EXPECT_THAT(p.states(), UnorderedElementsAre(Pair("PREFIX_VALIDATION_STATE_WARNING", 1)));
  EXPECT_TRUE(p.finished());
}

TEST(RevalidationProgressTest, StatesCountTheNewStateOfEachDoneTarget) {
  RevalidationProgress progress;
  progress.Add({Registered("voice-1", "a"), Registered("voice-1", "b"), Service("svc-1", "c")});
  progress.SelectionDone();
  ASSERT_TRUE(progress.OnNotices({Notice(Registered("voice-1", "a"), kVerified),
                                  Notice(Registered("voice-1", "b"), kFailed),
                                  Notice(Service("svc-1", "c"), kVerified)}));
  v1::RevalidateResponse p = progress.Snapshot();
  EXPECT_EQ(p.done(), 3);
  EXPECT_THAT(p.states(), UnorderedElementsAre(Pair("PREFIX_VALIDATION_STATE_VERIFIED", 2),
                                               Pair("PREFIX_VALIDATION_STATE_FAILED", 1)));
  EXPECT_TRUE(p.finished());
}

}  // namespace
}  // namespace pfx
