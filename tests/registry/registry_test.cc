// Registry on a real RocksDB store, without gRPC: peering lifecycle, uniqueness, the deletion
// precondition on used keys, request_id retries, and what the PrefixTracker is told.
#include "registry/registry.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/db_check.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/validation_queue.h"
#include "tests/common/faulty_file_system.h"
#include "tests/common/registry_call.h"
#include "tests/common/test_store.h"
#include "validator/prefix_key.h"

namespace pfx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Records Track / Forget calls as "track <kind>|<parent>|<name> <prefix>" / "forget <key>".
class RecordingTracker : public PrefixTracker {
 public:
  void Track(const v1::ValidationTarget& target, const IpPrefix& prefix) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back(absl::StrCat("track ", TargetKey(target), " ", prefix.ToString()));
  }
  void Forget(const v1::ValidationTarget& target) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back(absl::StrCat("forget ", TargetKey(target)));
  }
  std::vector<std::string> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
};

v1::ValidationTarget RegisteredTarget(const std::string& peering, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  t.set_parent(peering);
  t.set_name(name);
  return t;
}

v1::ValidationTarget ServiceTarget(const std::string& service, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
  t.set_parent(service);
  t.set_name(name);
  return t;
}

class RegistryTest : public testing::Test {
 protected:
  virtual rocksdb::Env* Env() { return nullptr; }
  virtual KeySealer Sealer() { return KeySealer(); }
  void SetUp() override {
    DatabaseOptions options = TestStore::Options(Env());
    options.key_sealer = Sealer();
    store_ = std::make_unique<TestStore>("registry_test", std::move(options));
    ASSERT_TRUE(store_->ok());
    path_ = store_->root();
    db_ = store_->db();
    queue_ = store_->queue();
    events_ = store_->events();
    committer_ = std::make_unique<GroupCommitter>(db_, &write_mu_);
    audit_ = std::move(*AuditLog::Open(db_));
    registry_ = std::make_unique<Registry>(StoreContext{db_, queue_, events_, &tracker_, &routes_,
                                                        &SystemClock(), &write_mu_,
                                                        committer_.get(), audit_.get()});
  }

  void TearDown() override {
    registry_.reset();
    if (committer_ != nullptr) committer_->Stop();
    audit_.reset();
    committer_.reset();
    store_.reset();
  }

  // A VOICE peering with two connections (sea-1, sea-2 at Seattle), optionally both ACTIVE.
  absl::StatusOr<v1::Peering> CreatePeering(const std::string& name, int64_t asn, bool active,
                                            const std::string& request_id = "", Actor actor = {}) {
    v1::CreatePeeringRequest create;
    create.set_request_id(request_id);
    v1::Peering& p = *create.mutable_peering();
    p.set_name(name);
    p.set_peer_asn(asn);
    p.set_kind(v1::PEERING_KIND_VOICE);
    for (int i = 1; i <= 2; ++i) {
      v1::Connection& c = *p.add_connections();
      c.set_connection_id(absl::StrCat("conn-", i));
      c.set_peering_location("Seattle");
      c.set_microsoft_router(absl::StrCat("sea-", i));
      c.set_bandwidth_mbps(10000);
      c.set_use_for_peering_service(true);
      c.add_sessions()->set_peer_session_ipv4_address(absl::StrCat("198.51.100.", i));
    }
    absl::StatusOr<v1::Peering> created =
        Call(*registry_, &Registry::CreatePeering, create, std::move(actor));
    if (!created.ok() || !active) return created;
    // A copy: each call replaces `created`, whose connections the loop would otherwise walk.
    const auto connections = created->connections();
    for (const v1::Connection& c : connections) {
      v1::SetConnectionStateRequest set;
      set.set_peering_name(name);
      set.set_connection_id(c.connection_id());
      set.set_connection_state(v1::CONNECTION_STATE_ACTIVE);
      created = Call(*registry_, &Registry::SetConnectionState, set);
      if (!created.ok()) return created;
    }
    return created;
  }

  absl::StatusOr<v1::RegisteredPrefix> Register(const std::string& peering, const std::string& name,
                                                const std::string& prefix,
                                                const std::string& request_id = "") {
    v1::CreateRegisteredPrefixRequest req;
    req.set_request_id(request_id);
    v1::RegisteredPrefix& r = *req.mutable_registered_prefix();
    r.set_peering_name(peering);
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_traffic_class(v1::TRAFFIC_CLASS_MEDIA);
    r.set_endpoint_description("media relays");
    return Call(*registry_, &Registry::CreateRegisteredPrefix, req);
  }

  absl::StatusOr<google::protobuf::Empty> DeleteRegistered(const std::string& peering,
                                                           const std::string& name, bool force) {
    v1::DeleteRegisteredPrefixRequest req;
    req.set_peering_name(peering);
    req.set_name(name);
    req.set_force(force);
    return Call(*registry_, &Registry::DeleteRegisteredPrefix, req);
  }

  // Peering service svc of provider AS13335 with prefix p (1.1.1.0/24) activated with `key`.
  absl::StatusOr<v1::PeeringServicePrefix> ActivateServicePrefix(const std::string& key) {
    v1::CreatePeeringServiceRequest service;
    v1::PeeringService& s = *service.mutable_peering_service();
    s.set_name("svc");
    s.set_country("US");
    s.set_provider_asn(13335);
    s.set_provider_name("Contoso Voice");
    s.set_primary_peering_location("Seattle");
    absl::StatusOr<v1::PeeringService> created =
        Call(*registry_, &Registry::CreatePeeringService, service);
    if (!created.ok()) return created.status();
    v1::CreatePeeringServicePrefixRequest req;
    v1::PeeringServicePrefix& p = *req.mutable_peering_service_prefix();
    p.set_peering_service_name("svc");
    p.set_name("p");
    p.set_prefix("1.1.1.0/24");
    p.set_peering_service_prefix_key(key);
    return Call(*registry_, &Registry::CreatePeeringServicePrefix, req);
  }

  size_t RegisteredCount(const std::string& peering) {
    v1::ListRegisteredPrefixesRequest list;
    list.set_peering_name(peering);
    absl::StatusOr<v1::ListRegisteredPrefixesResponse> listed =
        registry_->ListRegisteredPrefixes(list);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? listed->registered_prefixes_size() : 0;
  }

  std::string path_;
  std::unique_ptr<TestStore> store_;
  Database* db_ = nullptr;
  ValidationQueue* queue_ = nullptr;
  EventLog* events_ = nullptr;
  RecordingTracker tracker_;
  RouteIndex routes_;
  absl::Mutex write_mu_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, PeeringIsCreatedReadListedAndDeleted) {
  absl::StatusOr<v1::Peering> created = CreatePeering("voice-1", 13335, /*active=*/false);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->sku(), "Premium Free");  // defaulted
  EXPECT_EQ(created->provisioning_state(), v1::PROVISIONING_STATE_SUCCEEDED);
  EXPECT_TRUE(created->connections(0).sessions(0).bfd_enabled());  // VOICE sessions use BFD
  EXPECT_EQ(created->connections(0).session_address_provider(),
            v1::SESSION_ADDRESS_PROVIDER_MICROSOFT);

  v1::GetPeeringRequest get;
  get.set_name("voice-1");
  absl::StatusOr<v1::Peering> read = registry_->GetPeering(get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->peer_asn(), 13335);
  ASSERT_EQ(read->connections_size(), 2);
  EXPECT_EQ(read->connections(1).microsoft_router(), "sea-2");
  EXPECT_EQ(read->connections(1).sessions(0).session_state_v4(), v1::SESSION_STATE_NONE);

  ASSERT_TRUE(CreatePeering("voice-2", 3356, false).ok());
  absl::StatusOr<v1::ListPeeringsResponse> listed = registry_->ListPeerings({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> names;
  for (const v1::Peering& p : listed->peerings()) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("voice-1", "voice-2"));
  EXPECT_EQ(listed->next_page_token(), "");

  v1::DeletePeeringRequest del;
  del.set_name("voice-1");
  ASSERT_TRUE(Call(*registry_, &Registry::DeletePeering, del).ok());
  absl::StatusOr<v1::Peering> gone = registry_->GetPeering(get);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "name: peering 'voice-1' does not exist");
}

TEST_F(RegistryTest, RegistrationNeedsAnActiveConnection) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, /*active=*/false).ok());
  absl::StatusOr<v1::RegisteredPrefix> r = Register("voice-1", "r1", "1.1.1.0/24");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "peering 'voice-1' has no ACTIVE connection; registration needs at least one");
  EXPECT_EQ(RegisteredCount("voice-1"), 0u);
  EXPECT_THAT(tracker_.calls(), IsEmpty());
}

TEST_F(RegistryTest, APrefixIsHeldByOneRegistrationAndTheErrorNamesFieldAndHolder) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  ASSERT_TRUE(CreatePeering("voice-2", 3356, true).ok());
  absl::StatusOr<v1::RegisteredPrefix> first = Register("voice-1", "r1", "1.1.1.0/24");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_PENDING);

  absl::StatusOr<v1::RegisteredPrefix> elsewhere = Register("voice-2", "r1", "1.1.1.0/24");
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(elsewhere.status().message(),
            "registered_prefix.prefix: 1.1.1.0/24 is already registered as voice-1/r1");

  absl::StatusOr<v1::RegisteredPrefix> same_name = Register("voice-1", "r1", "1.0.0.0/24");
  EXPECT_EQ(same_name.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(same_name.status().message(),
            "registered_prefix.name: 'r1' already exists on peering 'voice-1'");

  absl::StatusOr<v1::Peering> same_peering = CreatePeering("voice-1", 13335, false);
  EXPECT_EQ(same_peering.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(same_peering.status().message(), "peering.name: peering 'voice-1' already exists");

  EXPECT_EQ(RegisteredCount("voice-1"), 1u);
  EXPECT_EQ(RegisteredCount("voice-2"), 0u);
}

TEST_F(RegistryTest, DeletingARegistrationWhoseKeyIsInUseNeedsForce) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  absl::StatusOr<v1::RegisteredPrefix> r = Register("voice-1", "r1", "1.1.1.0/24");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(ActivateServicePrefix(r->peering_service_prefix_key()).ok());

  absl::StatusOr<google::protobuf::Empty> refused = DeleteRegistered("voice-1", "r1", false);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "the key of registered prefix 'r1' is used by peering service prefixes svc/p; "
            "delete them first or set force");
  EXPECT_EQ(RegisteredCount("voice-1"), 1u);

  ASSERT_TRUE(DeleteRegistered("voice-1", "r1", true).ok());
  EXPECT_EQ(RegisteredCount("voice-1"), 0u);
  v1::GetPeeringServicePrefixRequest get;
  get.set_peering_service_name("svc");
  get.set_name("p");
  absl::StatusOr<v1::PeeringServicePrefix> user = registry_->GetPeeringServicePrefix(get);
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_INVALID);
  EXPECT_EQ(user->error_message(),
            "Peering service prefix is invalid: its registered prefix 1.1.1.0/24 was deleted");
}

TEST_F(RegistryTest, PeeringWithRegistrationsCannotBeDeleted) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  ASSERT_TRUE(Register("voice-1", "r1", "1.1.1.0/24").ok());
  v1::DeletePeeringRequest del;
  del.set_name("voice-1");
  absl::StatusOr<google::protobuf::Empty> refused = Call(*registry_, &Registry::DeletePeering, del);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "peering 'voice-1' still has registered prefixes (r1); delete them first");
  v1::GetPeeringRequest get;
  get.set_name("voice-1");
  EXPECT_TRUE(registry_->GetPeering(get).ok());
}

TEST_F(RegistryTest, RetryWithTheSameRequestIdReturnsTheFirstReplyAndAppliesOnce) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  absl::StatusOr<v1::RegisteredPrefix> first = Register("voice-1", "r1", "1.1.1.0/24", "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(queue_->waiting(), 1u);

  // The retry gets the first reply (the same random key).
  absl::StatusOr<v1::RegisteredPrefix> retry = Register("voice-1", "r1", "1.1.1.0/24", "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  // The same request_id with another payload is a client bug (AIP-155): refused, naming it.
  absl::StatusOr<v1::RegisteredPrefix> altered = Register("voice-1", "r2", "1.0.0.0/24", "req-1");
  EXPECT_EQ(altered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(altered.status().message(),
              HasSubstr("request_id: 'req-1' was already used for a different "
                        "CreateRegisteredPrefix request"));
  // Unknown fields are not part of the request: a retry carrying some is the same request.
  v1::CreateRegisteredPrefixRequest with_unknown;
  with_unknown.set_request_id("req-1");
  v1::RegisteredPrefix& r = *with_unknown.mutable_registered_prefix();
  r.set_peering_name("voice-1");
  r.set_name("r1");
  r.set_prefix("1.1.1.0/24");
  r.set_traffic_class(v1::TRAFFIC_CLASS_MEDIA);
  r.set_endpoint_description("media relays");
  r.GetReflection()->MutableUnknownFields(&r)->AddLengthDelimited(999, "from a newer client");
  absl::StatusOr<v1::RegisteredPrefix> replayed =
      Call(*registry_, &Registry::CreateRegisteredPrefix, with_unknown);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->peering_service_prefix_key(), first->peering_service_prefix_key());

  EXPECT_EQ(RegisteredCount("voice-1"), 1u);
  EXPECT_EQ(queue_->waiting(), 1u);
  EXPECT_EQ(tracker_.calls().size(), 1u);

  // Another id is another request: here, a duplicate.
  absl::StatusOr<v1::RegisteredPrefix> other = Register("voice-1", "r1", "1.1.1.0/24", "req-2");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RegistryTest, TrackerIsToldOfCreatedAndDeletedPrefixes) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  absl::StatusOr<v1::RegisteredPrefix> r = Register("voice-1", "r1", "1.1.1.0/24");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(ActivateServicePrefix(r->peering_service_prefix_key()).ok());
  // Refused: nothing is forgotten.
  EXPECT_FALSE(DeleteRegistered("voice-1", "r1", false).ok());

  v1::DeletePeeringServicePrefixRequest del;
  del.set_peering_service_name("svc");
  del.set_name("p");
  ASSERT_TRUE(Call(*registry_, &Registry::DeletePeeringServicePrefix, del).ok());
  ASSERT_TRUE(DeleteRegistered("voice-1", "r1", false).ok());

  const std::string registered = TargetKey(RegisteredTarget("voice-1", "r1"));
  const std::string service = TargetKey(ServiceTarget("svc", "p"));
  EXPECT_THAT(tracker_.calls(),
              ElementsAre(absl::StrCat("track ", registered, " 1.1.1.0/24"),
                          absl::StrCat("track ", service, " 1.1.1.0/24"),
                          absl::StrCat("forget ", service), absl::StrCat("forget ", registered)));
}

// The in-memory table of registered prefixes follows the applied batches: a registration is
// found by the prefixes it covers once created, gone once deleted, not added by a refused
// create, and rebuilt by Load() from the store after a restart.
TEST_F(RegistryTest, RegisteredPrefixTableFollowsTheStoreAndReloads) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, true).ok());
  const IpPrefix inside = *IpPrefix::Parse("1.1.1.128/25");
  ASSERT_TRUE(Register("voice-1", "r22", "1.1.0.0/22").ok());
  ASSERT_TRUE(Register("voice-1", "r24", "1.1.1.0/24").ok());
  EXPECT_FALSE(Register("voice-1", "again", "1.1.1.0/24").ok());  // refused: not added
  std::vector<RegisteredPrefixTable::Holder> found =
      registry_->registered_prefixes().Covering(inside);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].prefix.ToString(), "1.1.1.0/24");  // most specific first
  EXPECT_EQ(found[0].registration, keys::Child("voice-1", "r24"));
  EXPECT_EQ(found[1].prefix.ToString(), "1.1.0.0/22");

  ASSERT_TRUE(DeleteRegistered("voice-1", "r24", false).ok());
  found = registry_->registered_prefixes().Covering(inside);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].registration, keys::Child("voice-1", "r22"));

  Registry restarted(StoreContext{db_, queue_, events_, &tracker_, &routes_, &SystemClock(),
                                  &write_mu_, committer_.get()});
  EXPECT_EQ(restarted.registered_prefixes().size(), 0u);
  ASSERT_TRUE(restarted.Load().ok());
  found = restarted.registered_prefixes().Covering(inside);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].registration, keys::Child("voice-1", "r22"));
}

// A store built by every kind of mutation passes the check; then each invariant is broken
// by a direct write and the report names it (and only the stale queue row is not a
// violation).
TEST_F(RegistryTest, CheckDatabaseIsCleanAfterMutationsAndNamesEachBrokenInvariant) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, /*active=*/true).ok());
  absl::StatusOr<v1::RegisteredPrefix> kept = Register("voice-1", "r1", "1.1.1.0/24");
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_TRUE(Register("voice-1", "r2", "1.0.0.0/24").ok());
  ASSERT_TRUE(ActivateServicePrefix(kept->peering_service_prefix_key()).ok());
  ASSERT_TRUE(DeleteRegistered("voice-1", "r2", /*force=*/false).ok());

  absl::StatusOr<DbCheckReport> report = CheckDatabase(*db_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->clean()) << report->ToString();
  EXPECT_EQ(report->rows["registered_prefixes"], 1u);
  EXPECT_EQ(report->rows["service_prefixes"], 1u);
  EXPECT_EQ(report->rows["idx_key"], 1u);
  EXPECT_THAT(report->ToString(), HasSubstr("clean: "));

  RegisteredPrefixRecord duplicate;
  duplicate.set_peering_name("voice-1");
  duplicate.set_name("dup");
  duplicate.set_prefix("9.9.9.0/24");
  duplicate.set_peering_service_prefix_key(kept->peering_service_prefix_key());
  v1::ValidationTarget gone = RegisteredTarget("voice-1", "gone");
  WriteSet writes;
  writes.Delete(Column::kIdxPrefix, "1.1.1.0/24");
  writes.Put(Column::kIdxAsn, keys::Asn(64512), keys::Child("voice-1", "ghost"));
  ASSERT_TRUE(PutMessage(*db_, writes, Column::kRegisteredPrefixes, keys::Child("voice-1", "dup"),
                         duplicate)
                  .ok());
  writes.Put(Column::kIdxPrefix, "9.9.9.0/24", keys::Child("voice-1", "dup"));
  writes.Put(Column::kEvents, keys::Event('R', keys::Child("voice-1", "ghost"), 7),
             EventRecord().SerializeAsString());
  writes.Put(Column::kQueue, keys::Sequence(999), ToRecord(gone).SerializeAsString());
  writes.Put(Column::kPeerings, "voice-2", "not a record");
  ASSERT_TRUE(db_->Commit(writes, Durability::kSynced).ok());

  report = CheckDatabase(*db_);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string text = report->ToString();
  EXPECT_FALSE(report->clean());
  EXPECT_THAT(text, HasSubstr("registered_prefixes 'voice-1/r1': has no entry in its index"));
  EXPECT_THAT(text, HasSubstr("idx_asn '0000fc00': points at 'voice-1/ghost', which is gone"));
  EXPECT_THAT(text, HasSubstr("registered_prefixes 'voice-1/r1': holds the same prefix key as "
                              "'voice-1/dup'"));
  EXPECT_THAT(text, HasSubstr("events 'Rvoice-1/ghost/"));
  EXPECT_THAT(text, HasSubstr("belongs to no stored prefix"));
  EXPECT_THAT(text, HasSubstr("peerings 'voice-2': does not parse as PeeringRecord"));
  // dup's own key entry points at r1, which is the other side of the duplicate.
  EXPECT_THAT(text, HasSubstr("registered_prefixes 'voice-1/dup': its index entry points at "
                              "'Rvoice-1/r1'"));
  EXPECT_EQ(report->violation_count, 6u) << text;
  EXPECT_EQ(report->stale_queue_rows, 1u);

  report = CheckDatabase(*db_, /*max_violations=*/2);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->violations.size(), 2u);
  EXPECT_THAT(report->ToString(), HasSubstr("... and 4 more"));
}

// The registry on a disk whose syncs fail: a mutation answers UNAVAILABLE naming the cause,
// reads keep working, and once the disk recovers writes work without a restart; a request
// retried with its request_id is applied once.
class RegistryOnFaultyDiskTest : public RegistryTest {
 protected:
  rocksdb::Env* Env() override { return disk_.env.get(); }
  FaultyDisk disk_;
};

TEST_F(RegistryOnFaultyDiskTest, MutationsAnswerUnavailableWithTheCauseUntilTheDiskRecovers) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, /*active=*/true).ok());
  absl::StatusOr<v1::RegisteredPrefix> first = Register("voice-1", "r1", "1.1.1.0/24");
  ASSERT_TRUE(first.ok()) << first.status();

  disk_.fs->FailSyncs(true);
  absl::StatusOr<v1::RegisteredPrefix> failed = Register("voice-1", "r2", "1.0.0.0/24", "req-r2");
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("injected sync failure"));
  v1::GetRegisteredPrefixRequest get;
  get.set_peering_name("voice-1");
  get.set_name("r1");
  absl::StatusOr<v1::RegisteredPrefix> read = registry_->GetRegisteredPrefix(get);
  ASSERT_TRUE(read.ok()) << "reads keep working: " << read.status();
  EXPECT_EQ(read->peering_service_prefix_key(), first->peering_service_prefix_key());

  disk_.fs->FailSyncs(false);
  // The first retry may still be refused: the failed attempt's batch was buffered on the
  // instance the recovery reopens, and pfxd does not vouch for it (Database::SyncWal). A
  // client retries with its request_id until it gets an answer.
  absl::StatusOr<v1::RegisteredPrefix> retried = absl::UnavailableError("not sent");
  int attempts = 0;
  while (absl::IsUnavailable(retried.status()) && attempts++ < 3) {
    retried = Register("voice-1", "r2", "1.0.0.0/24", "req-r2");
  }
  ASSERT_TRUE(retried.ok()) << "the retry succeeds once the disk does: " << retried.status();
  absl::StatusOr<v1::RegisteredPrefix> again = Register("voice-1", "r2", "1.0.0.0/24", "req-r2");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->peering_service_prefix_key(), retried->peering_service_prefix_key());
  EXPECT_LE(attempts, 2) << "one refusal at most, for the reopened instance's buffered write";
  EXPECT_TRUE(Register("voice-1", "r3", "1.0.1.0/24").ok());
  EXPECT_EQ(RegisteredCount("voice-1"), 3u);
}

}  // namespace
}  // namespace pfx

namespace pfx {
namespace {

// The audit trail (storage/audit_log.h): an applied change records itself in its own batch,
// a refusal is recorded by RecordRefusal; listing is newest first, filtered and paged.
TEST_F(RegistryTest, MutationsLeaveAuditRecordsNewestFirst) {
  Actor portal{.caller = "CN=portal,O=Example", .roles = "portal"};
  ASSERT_TRUE(CreatePeering("voice-1", 13335, false, "r-1", portal).ok());
  ASSERT_TRUE(CreatePeering("voice-10", 13335, false).ok());  // pfxd itself, by default
  registry_->RecordRefusal({.caller = "CN=dashboard", .roles = "dashboard"}, "DeletePeering",
                           "peerings/voice-1", "", absl::PermissionDeniedError("not yours"));
  // The refusal is written by the committer; a retry queued behind it finds it written (and
  // leaves a record of its own).
  ASSERT_TRUE(CreatePeering("voice-1", 13335, false, "r-1", portal).ok());

  absl::StatusOr<v1::ListAuditRecordsResponse> all = audit_->List({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->audit_records_size(), 4);
  const v1::AuditRecord& retry = all->audit_records(0);
  EXPECT_EQ(retry.rpc(), "CreatePeering");
  EXPECT_EQ(retry.outcome(), "OK");
  EXPECT_THAT(retry.message(), HasSubstr("a retry"));
  const v1::AuditRecord& refused = all->audit_records(1);
  EXPECT_EQ(refused.caller(), "CN=dashboard");
  EXPECT_EQ(refused.outcome(), "PERMISSION_DENIED");
  EXPECT_EQ(refused.message(), "not yours");
  const v1::AuditRecord& created = all->audit_records(3);
  EXPECT_EQ(created.caller(), "CN=portal,O=Example");
  EXPECT_EQ(created.roles(), "portal");
  EXPECT_EQ(created.rpc(), "CreatePeering");
  EXPECT_EQ(created.resource(), "peerings/voice-1");
  EXPECT_EQ(created.request_id(), "r-1");
  EXPECT_EQ(created.outcome(), "OK");
  EXPECT_GT(created.time().seconds(), 1700000000);
  EXPECT_EQ(all->audit_records(2).caller(), "pfxd");

  // "peerings/voice-1" covers its own records, not voice-10's.
  v1::ListAuditRecordsRequest by_resource;
  by_resource.set_resource("peerings/voice-1");
  EXPECT_EQ(audit_->List(by_resource)->audit_records_size(), 3);
  v1::ListAuditRecordsRequest by_caller;
  by_caller.set_caller("CN=portal,O=Example");
  EXPECT_EQ(audit_->List(by_caller)->audit_records_size(), 2);

  v1::ListAuditRecordsRequest page;
  page.set_page_size(3);
  absl::StatusOr<v1::ListAuditRecordsResponse> first = audit_->List(page);
  ASSERT_EQ(first->audit_records_size(), 3);
  ASSERT_FALSE(first->next_page_token().empty());
  page.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListAuditRecordsResponse> second = audit_->List(page);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->audit_records_size(), 1);
  EXPECT_EQ(second->audit_records(0).rpc(), "CreatePeering");
  EXPECT_TRUE(second->next_page_token().empty());
  // A token is bound to its filters.
  by_caller.set_page_token(first->next_page_token());
  EXPECT_EQ(audit_->List(by_caller).status().code(), absl::StatusCode::kInvalidArgument);
  page.set_page_size(1001);
  EXPECT_THAT(audit_->List(page).status().message(), HasSubstr("page_size"));

  // The sequence continues after a restart: new records still sort first.
  absl::StatusOr<std::unique_ptr<AuditLog>> reopened = AuditLog::Open(db_);
  ASSERT_TRUE(reopened.ok());
  WriteSet writes;
  v1::AuditRecord later;
  later.set_rpc("After");
  (*reopened)->Append(writes, later, 0);  // a clock at 1970 changes nothing
  ASSERT_TRUE(db_->Commit(writes, Durability::kSynced).ok());
  EXPECT_EQ(audit_->List({})->audit_records(0).rpc(), "After");
  EXPECT_EQ(audit_->List({})->audit_records_size(), 5);
}

TEST(AuditResourceNameTest, NamesEachKindOfResource) {
  v1::CreateRegisteredPrefixRequest prefix;
  prefix.mutable_registered_prefix()->set_peering_name("voice-1");
  prefix.mutable_registered_prefix()->set_name("a");
  EXPECT_EQ(AuditResourceName("CreateRegisteredPrefix", prefix),
            "peerings/voice-1/registeredPrefixes/a");
  v1::DeleteRegisteredAsnRequest asn;
  asn.set_peering_name("rs-1");
  asn.set_name("b");
  EXPECT_EQ(AuditResourceName("DeleteRegisteredAsn", asn), "peerings/rs-1/registeredAsns/b");
  v1::SetConnectionStateRequest state;
  state.set_peering_name("voice-1");
  state.set_connection_id("c1");
  EXPECT_EQ(AuditResourceName("SetConnectionState", state), "peerings/voice-1/connections/c1");
  v1::DeletePeeringRequest peering;
  peering.set_name("voice-1");
  EXPECT_EQ(AuditResourceName("DeletePeering", peering), "peerings/voice-1");
  v1::CreatePeeringServiceRequest service;
  service.mutable_peering_service()->set_name("s");
  EXPECT_EQ(AuditResourceName("CreatePeeringService", service), "peeringServices/s");
  v1::DeletePeeringServicePrefixRequest service_prefix;
  service_prefix.set_peering_service_name("s");
  service_prefix.set_name("p");
  EXPECT_EQ(AuditResourceName("DeletePeeringServicePrefix", service_prefix),
            "peeringServices/s/prefixes/p");
}

// With a key-encryption key configured, the registry works as before (keys issued, matched,
// released) while every stored key is sealed, and the check sees a plain one as a violation.
class SealedRegistryTest : public RegistryTest {
 protected:
  KeySealer Sealer() override {
    return std::move(*KeySealer::Create({{"k1", std::string(32, 'k')}}));
  }
  std::string RawKeyOf(Column column, const std::string& row) {
    RegisteredPrefixRecord raw;  // the key is field 4 in each record with one
    raw.ParseFromString(**db_->Get(column, row));
    return raw.peering_service_prefix_key();
  }
};

TEST_F(SealedRegistryTest, KeysAreSealedAtRestAndWorkAsBefore) {
  ASSERT_TRUE(CreatePeering("voice-1", 13335, /*active=*/true).ok());
  absl::StatusOr<v1::RegisteredPrefix> r1 = Register("voice-1", "r1", "1.1.1.0/24", "req-1");
  ASSERT_TRUE(r1.ok()) << r1.status();
  const std::string key = r1->peering_service_prefix_key();
  ASSERT_TRUE(PrefixKey::Parse(key).ok()) << key;
  EXPECT_THAT(RawKeyOf(Column::kRegisteredPrefixes, keys::Child("voice-1", "r1")),
              StartsWith("sealed:v1:k1:"));
  // Reads and a retry's stored reply give the key back.
  absl::StatusOr<v1::RegisteredPrefix> retried = Register("voice-1", "r1", "1.1.1.0/24", "req-1");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->peering_service_prefix_key(), key);
  // The service prefix activated with it finds its owner through the digest index.
  absl::StatusOr<v1::PeeringServicePrefix> activated = ActivateServicePrefix(key);
  ASSERT_TRUE(activated.ok()) << activated.status();
  EXPECT_THAT(RawKeyOf(Column::kServicePrefixes, keys::Child("svc", "p")),
              StartsWith("sealed:v1:k1:"));
  absl::StatusOr<DbCheckReport> report = CheckDatabase(*db_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->clean()) << report->ToString();
  // Its users block the delete without force; force releases the key through idx_key_users.
  EXPECT_EQ(DeleteRegistered("voice-1", "r1", /*force=*/false).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(DeleteRegistered("voice-1", "r1", /*force=*/true).ok());
  report = CheckDatabase(*db_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->clean()) << report->ToString();
  EXPECT_EQ(report->rows["idx_key"], 0u);

  // A key written in plain text behind the sealer's back is a violation.
  absl::StatusOr<v1::RegisteredPrefix> r2 = Register("voice-1", "r2", "1.0.0.0/24");
  ASSERT_TRUE(r2.ok()) << r2.status();
  RegisteredPrefixRecord plain;
  ASSERT_TRUE(
      plain.ParseFromString(**db_->Get(Column::kRegisteredPrefixes, keys::Child("voice-1", "r2"))));
  plain.set_peering_service_prefix_key(r2->peering_service_prefix_key());
  WriteSet writes;
  writes.Put(Column::kRegisteredPrefixes, keys::Child("voice-1", "r2"), plain.SerializeAsString());
  ASSERT_TRUE(db_->Commit(writes, Durability::kSynced).ok());
  report = CheckDatabase(*db_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->ToString(),
              HasSubstr("registered_prefixes 'voice-1/r2': peering_service_prefix_key is stored "
                        "in plain text, not under 'k1'"));
  EXPECT_EQ(report->violation_count, 1u) << report->ToString();
}

}  // namespace
}  // namespace pfx
