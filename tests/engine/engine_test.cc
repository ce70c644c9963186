// ValidationEngine, TimerQueue and RevalidationTrigger on a real RocksDB store with a fake clock:
// hold-down (WARNING, then FAILED at the deadline), debounce and the settle of sessions that
// never send End-of-RIB, each at its boundary.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/dependency_index.h"
#include "engine/irr_store.h"
#include "engine/notices.h"
#include "engine/revalidation_trigger.h"
#include "engine/timer_queue.h"
#include "engine/validation_engine.h"
#include "feed/route_index.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/events.h"
#include "registry/registry.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "tests/common/fake_clock.h"
#include "tests/common/registry_call.h"
#include "tests/common/test_store.h"
#include "validator/community.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kHoldDown = absl::Minutes(5);
constexpr absl::Duration kDebounce = absl::Milliseconds(200);
constexpr absl::Duration kSettle = absl::Seconds(60);
constexpr char kPrefix[] = "1.1.1.0/24";
// What the validator says when sea-2 does not advertise kPrefix.
constexpr char kMissingOnSea2[] =
    "Prefix not received from IP: 1.1.1.0/24 not advertised on session 198.51.100.5 on router "
    "sea-2 at Seattle";

SessionKey Sea1() { return {"sea-1", *IpAddress::Parse("198.51.100.1")}; }
SessionKey Sea2() { return {"sea-2", *IpAddress::Parse("198.51.100.5")}; }

v1::ValidationTarget Target(const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  t.set_parent("voice-1");
  t.set_name(name);
  return t;
}

class EngineTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TestStore>("engine_test");
    ASSERT_TRUE(store_->ok());
    root_ = store_->root();
    db_ = store_->db();
    queue_ = store_->queue();
    events_ = store_->events();
    // The origin check passes for kPrefix from AS13335 (and for the second prefix some tests
    // use).
    const std::string irr_path = root_ + "/irr.rpsl";
    std::ofstream(irr_path) << "route: 1.1.1.0/24\norigin: AS13335\nsource: RADB\n\n"
                            << "route: 1.0.0.0/24\norigin: AS13335\nsource: RADB\n\n";
    ASSERT_TRUE(irr_.Reload({irr_path}).ok());
    routes_ = std::make_unique<RouteIndex>(&clock_);
    timers_ = std::make_unique<TimerQueue>(&clock_);
    committer_ = std::make_unique<GroupCommitter>(db_, &write_mu_);
    ctx_ = StoreContext{db_,     queue_, events_, &dependencies_,
                        routes_.get(), &clock_,      &write_mu_,    committer_.get()};
    registry_ = std::make_unique<Registry>(ctx_);
  }

  void TearDown() override {
    trigger_.reset();
    engine_.reset();
    registry_.reset();
    if (committer_ != nullptr) committer_->Stop();
    committer_.reset();
    timers_.reset();
    routes_.reset();
    store_.reset();
  }

  // The runtime under test, with this test's hold-down, debounce and settle time.
  void StartEngine(absl::Duration hold_down, absl::Duration debounce = kDebounce,
                   absl::Duration settle = kSettle) {
    engine_ = std::make_unique<ValidationEngine>(ctx_, &registry_->registered_prefixes(),
                                                 &dependencies_, &irr_, &rpki_, &notices_,
                                                 timers_.get(), EngineOptions{hold_down, rpki_policy_});
    trigger_ = std::make_unique<RevalidationTrigger>(routes_.get(), &dependencies_, queue_,
                                                     &clock_, debounce, settle);
  }

  // VOICE peering voice-1 (AS13335): sea-1 and sea-2 at Seattle, both connections ACTIVE.
  void CreateActivePeering() {
    v1::CreatePeeringRequest create;
    v1::Peering& p = *create.mutable_peering();
    p.set_name("voice-1");
    p.set_peer_asn(13335);
    p.set_kind(v1::PEERING_KIND_VOICE);
    for (const SessionKey& s : {Sea1(), Sea2()}) {
      v1::Connection& c = *p.add_connections();
      c.set_connection_id(s.router);
      c.set_peering_location("Seattle");
      c.set_microsoft_router(s.router);
      c.set_bandwidth_mbps(10000);
      c.set_use_for_peering_service(true);
      c.add_sessions()->set_peer_session_ipv4_address(s.peer.ToString());
    }
    auto created = Call(*registry_, &Registry::CreatePeering, create);
    ASSERT_TRUE(created.ok()) << created.status();
    for (const SessionKey& s : {Sea1(), Sea2()}) {
      v1::SetConnectionStateRequest set;
      set.set_peering_name("voice-1");
      set.set_connection_id(s.router);
      set.set_connection_state(v1::CONNECTION_STATE_ACTIVE);
      auto updated = Call(*registry_, &Registry::SetConnectionState, set);
      ASSERT_TRUE(updated.ok()) << updated.status();
    }
  }

  void Register(const std::string& name, const std::string& prefix) {
    v1::CreateRegisteredPrefixRequest req;
    v1::RegisteredPrefix& r = *req.mutable_registered_prefix();
    r.set_peering_name("voice-1");
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_traffic_class(v1::TRAFFIC_CLASS_SIGNALLING_AND_MEDIA);
    r.set_endpoint_description("SBC cluster");
    auto created = Call(*registry_, &Registry::CreateRegisteredPrefix, req);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  // A session that is up with its initial table complete (End-of-RIB received).
  void BringUp(const SessionKey& session) {
    routes_->SetEstablished(session, true, 13335);
    routes_->MarkInitialTableComplete(session);
  }

  // `prefix` from AS13335, received now; tagged 8075:8007 unless `community` says otherwise.
  void Announce(const SessionKey& session, const std::string& prefix,
                uint32_t community = kMapsCommunity) {
    RouteAttributes attributes{*AsPath::Parse("13335"), {community}, session.peer, 0};
    routes_->Announce(session, Route{*IpPrefix::Parse(prefix), attributes, clock_.Now()});
  }

  // Validates everything queued, a batch at a time, as a worker would; returns how many.
  size_t Drain() {
    size_t processed = 0;
    while (true) {
      std::vector<QueueItem> batch = queue_->PopBatch(100, absl::ZeroDuration());
      if (batch.empty()) return processed;
      absl::Status s = engine_->ProcessBatch(batch);
      EXPECT_TRUE(s.ok()) << s;
      processed += batch.size();
    }
  }

  v1::RegisteredPrefix Get(const std::string& name) {
    v1::GetRegisteredPrefixRequest req;
    req.set_peering_name("voice-1");
    req.set_name(name);
    absl::StatusOr<v1::RegisteredPrefix> r = registry_->GetRegisteredPrefix(req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::RegisteredPrefix();
  }

  // kPrefix registered as r1, advertised correctly on both required sessions, VERIFIED.
  void MakeVerified() {
    CreateActivePeering();
    BringUp(Sea1());
    BringUp(Sea2());
    Announce(Sea1(), kPrefix);
    Announce(Sea2(), kPrefix);
    Register("r1", kPrefix);
    ASSERT_EQ(Drain(), 1u);
    v1::RegisteredPrefix r = Get("r1");
    ASSERT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED)
        << r.error_message();
    ASSERT_EQ(trigger_->marked(), 0u);
  }

  // Withdraws kPrefix on sea-2 and validates the requeue: WARNING in hold-down. Returns the
  // deadline stored, which must be the validation's time plus the hold-down.
  absl::Time LoseRouteOnSea2() {
    clock_.Advance(absl::Seconds(10));
    routes_->Withdraw(Sea2(), *IpPrefix::Parse(kPrefix));
    EXPECT_EQ(trigger_->Poll(), 1u);
    const absl::Time validated = clock_.Now();
    EXPECT_EQ(Drain(), 1u);
    v1::RegisteredPrefix r = Get("r1");
    EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_WARNING);
    EXPECT_THAT(r.error_message(), HasSubstr(kMissingOnSea2));
    EXPECT_THAT(r.error_message(), HasSubstr("(hold-down: FAILED at "));
    EXPECT_TRUE(r.has_hold_down_deadline());
    const absl::Time deadline = FromTimestamp(r.hold_down_deadline());
    EXPECT_EQ(deadline, validated + kHoldDown);
    EXPECT_EQ(timers_->pending(), 1u);
    return deadline;
  }

  std::string root_;
  FakeClock clock_;
  std::unique_ptr<TestStore> store_;
  Database* db_ = nullptr;
  ValidationQueue* queue_ = nullptr;
  EventLog* events_ = nullptr;
  IrrStore irr_{{"RADB"}};
  RpkiStore rpki_{true};  // configured, no VRPs until a test sets them
  RpkiPolicy rpki_policy_ = RpkiPolicy::kAdvisory;
  DependencyIndex dependencies_;
  NoticeHub notices_;
  absl::Mutex write_mu_;
  std::unique_ptr<RouteIndex> routes_;
  std::unique_ptr<TimerQueue> timers_;
  std::unique_ptr<GroupCommitter> committer_;
  StoreContext ctx_{};
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<ValidationEngine> engine_;
  std::unique_ptr<RevalidationTrigger> trigger_;
};

TEST_F(EngineTest, HoldDownExpiresToFailedAtTheDeadlineNotBefore) {
  StartEngine(kHoldDown);
  MakeVerified();
  const absl::Time deadline = LoseRouteOnSea2();

  clock_.Set(deadline - absl::Milliseconds(1));
  EXPECT_EQ(timers_->RunDue(), 0u);
  EXPECT_EQ(queue_->waiting(), 0u);
  EXPECT_EQ(Drain(), 0u);
  EXPECT_EQ(Get("r1").prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_WARNING);
  EXPECT_EQ(timers_->pending(), 1u);

  clock_.Set(deadline);
  EXPECT_EQ(timers_->RunDue(), 1u);
  EXPECT_EQ(queue_->waiting(), 1u);
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_EQ(r.error_message(), kMissingOnSea2);
  EXPECT_FALSE(r.has_hold_down_deadline());
  EXPECT_EQ(timers_->pending(), 0u);
}

TEST_F(EngineTest, RevalidationInsideHoldDownKeepsTheFirstDeadline) {
  StartEngine(kHoldDown);
  MakeVerified();
  const absl::Time deadline = LoseRouteOnSea2();

  // Revalidated 1 ms before the deadline, the route still missing: the window does not restart.
  clock_.Set(deadline - absl::Milliseconds(1));
  ASSERT_TRUE(queue_->Enqueue({Target("r1")}, Durability::kBuffered).ok());
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_WARNING);
  ASSERT_TRUE(r.has_hold_down_deadline());
  EXPECT_EQ(FromTimestamp(r.hold_down_deadline()), deadline);

  clock_.Set(deadline);
  timers_->RunDue();
  EXPECT_EQ(Drain(), 1u);  // both timers requeue the one target, validated once
  EXPECT_EQ(Get("r1").prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_FAILED);
}

TEST_F(EngineTest, RouteBackBeforeTheDeadlineIsVerifiedAndTheLateTimerKeepsIt) {
  StartEngine(kHoldDown);
  MakeVerified();
  const absl::Time deadline = LoseRouteOnSea2();

  clock_.Set(deadline - absl::Milliseconds(1));
  Announce(Sea2(), kPrefix);
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_EQ(r.error_message(), "");
  EXPECT_FALSE(r.has_hold_down_deadline());

  // The timer set for the old deadline still fires; the revalidation it causes finds the route.
  clock_.Set(deadline);
  EXPECT_EQ(timers_->RunDue(), 1u);
  EXPECT_EQ(Drain(), 1u);
  r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_FALSE(r.has_hold_down_deadline());
  EXPECT_EQ(timers_->pending(), 0u);
}

// A validation whose state, message and events are unchanged may still change the record: a
// session no longer required leaves the routes seen (no event says so). That is written, so
// the route's return after the session is required again is an announcement.
TEST_F(EngineTest, AnOutcomeChangedWithoutAnEventIsStored) {
  StartEngine(kHoldDown);
  MakeVerified();
  auto observed = [&] {
    auto record = GetMessage<RegisteredPrefixRecord>(*db_, Column::kRegisteredPrefixes,
                                                     keys::Child("voice-1", "r1"));
    EXPECT_TRUE(record.ok() && record->has_value());
    return record.ok() && record->has_value() ? (*record)->observed_origins().size() : 0;
  };
  ASSERT_EQ(observed(), 2u);
  const int events_before = Get("r1").events_size();

  v1::SetConnectionStateRequest set;
  set.set_peering_name("voice-1");
  set.set_connection_id("sea-2");
  set.set_connection_state(v1::CONNECTION_STATE_VALIDATING);
  auto updated = Call(*registry_, &Registry::SetConnectionState, set);
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_TRUE(queue_->Enqueue({Target("r1")}, Durability::kBuffered).ok());
  Drain();
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_EQ(r.events_size(), events_before);
  EXPECT_EQ(observed(), 1u);
}

TEST_F(EngineTest, ZeroHoldDownFailsAMissingRouteAtOnce) {
  StartEngine(absl::ZeroDuration());
  MakeVerified();
  clock_.Advance(absl::Seconds(10));
  routes_->Withdraw(Sea2(), *IpPrefix::Parse(kPrefix));
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_EQ(r.error_message(), kMissingOnSea2);
  EXPECT_FALSE(r.has_hold_down_deadline());
  EXPECT_EQ(timers_->pending(), 0u);
}

TEST_F(EngineTest, HoldDownDoesNotSoftenAFailureOtherThanAMissingRoute) {
  StartEngine(kHoldDown);
  MakeVerified();
  clock_.Advance(absl::Seconds(10));
  Announce(Sea2(), kPrefix, MakeCommunity(8075, 8001));  // still advertised, wrong community
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_THAT(r.error_message(), HasSubstr("Advertisement missing MAPS community"));
  EXPECT_FALSE(r.has_hold_down_deadline());
  EXPECT_EQ(timers_->pending(), 0u);
}

TEST_F(EngineTest, DebounceQueuesAfterQuietAtOnceThenTheBurstOnceAtTheInterval) {
  StartEngine(kHoldDown);
  CreateActivePeering();
  Register("r1", kPrefix);
  Register("r2", "1.0.0.0/24");
  ASSERT_EQ(Drain(), 2u);
  ASSERT_EQ(trigger_->marked(), 0u);

  // After a quiet spell: queued by the first Poll.
  const absl::Time first = clock_.Now();
  Announce(Sea1(), kPrefix);
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(queue_->waiting(), 1u);
  EXPECT_EQ(Drain(), 1u);

  // A burst inside the interval: r1 three times, r2 once.
  clock_.Set(first + absl::Milliseconds(1));
  Announce(Sea2(), kPrefix);
  Announce(Sea1(), "1.0.0.0/24");
  clock_.Set(first + absl::Milliseconds(2));
  Announce(Sea1(), kPrefix, MakeCommunity(8075, 8001));
  Announce(Sea1(), kPrefix);
  EXPECT_EQ(trigger_->marked(), 2u);

  clock_.Set(first + kDebounce - absl::Milliseconds(1));
  EXPECT_EQ(trigger_->Poll(), 0u);
  EXPECT_EQ(queue_->waiting(), 0u);
  EXPECT_EQ(trigger_->marked(), 2u);

  clock_.Set(first + kDebounce);
  EXPECT_EQ(trigger_->Poll(), 2u);
  EXPECT_EQ(trigger_->marked(), 0u);
  std::vector<std::string> queued;
  for (const QueueItem& item : queue_->PopBatch(10, absl::ZeroDuration())) {
    queued.push_back(item.target.name());
  }
  EXPECT_THAT(queued, UnorderedElementsAre("r1", "r2"));
}

TEST_F(EngineTest, SessionWithoutEndOfRibIsUnknownUntilQuietForTheSettleTime) {
  StartEngine(kHoldDown);
  CreateActivePeering();
  BringUp(Sea1());
  Announce(Sea1(), kPrefix);
  routes_->SetEstablished(Sea2(), true, 13335);  // Peer Up, no End-of-RIB ever
  clock_.Advance(absl::Seconds(5));
  Announce(Sea2(), "203.0.113.0/24");  // sea-2's last activity: another prefix
  const absl::Time last_activity = clock_.Now();
  Register("r1", kPrefix);
  ASSERT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_UNKNOWN);
  EXPECT_EQ(r.error_message(),
            "all-sessions-advertise undetermined: initial table not complete on session "
            "198.51.100.5 on router sea-2 at Seattle");
  EXPECT_EQ(trigger_->Poll(), 0u);  // nothing marked yet

  clock_.Set(last_activity + kSettle - absl::Milliseconds(1));
  EXPECT_EQ(trigger_->Poll(), 0u);
  EXPECT_FALSE(routes_->GetSession(Sea2())->initial_table_complete);
  EXPECT_EQ(queue_->waiting(), 0u);

  clock_.Set(last_activity + kSettle);
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_TRUE(routes_->GetSession(Sea2())->initial_table_complete);
  EXPECT_EQ(Drain(), 1u);
  r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_EQ(r.error_message(), kMissingOnSea2);
}

TEST_F(EngineTest, ReconnectWithoutEndOfRibIsUnknownThenHoldDownStartsAtSettle) {
  StartEngine(kHoldDown);
  MakeVerified();
  // sea-2's router reconnects: its table is dropped and re-sent, without End-of-RIB.
  clock_.Advance(absl::Seconds(10));
  routes_->ResetSession(Sea2());
  routes_->SetEstablished(Sea2(), true, 13335);
  const absl::Time last_activity = clock_.Now();
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(Drain(), 1u);
  v1::RegisteredPrefix r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_UNKNOWN);
  EXPECT_FALSE(r.has_hold_down_deadline());
  EXPECT_EQ(timers_->pending(), 0u);

  // Settled without the route: the prefix was VERIFIED before UNKNOWN, so hold-down applies
  // from the settle.
  clock_.Set(last_activity + kSettle);
  EXPECT_EQ(trigger_->Poll(), 1u);
  EXPECT_EQ(Drain(), 1u);
  r = Get("r1");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_WARNING);
  ASSERT_TRUE(r.has_hold_down_deadline());
  EXPECT_EQ(FromTimestamp(r.hold_down_deadline()), last_activity + kSettle + kHoldDown);
}

// A peering service prefix activated with the key of a registration that covers it (a /22
// holding the /24) passes the key check: the covering registration is found in the registry's
// in-memory table. The key of a registration that does not cover it is INVALID.
TEST_F(EngineTest, ServicePrefixKeyOfACoveringRegistrationMatches) {
  StartEngine(kHoldDown);
  CreateActivePeering();
  BringUp(Sea1());
  BringUp(Sea2());
  Announce(Sea1(), kPrefix);
  Announce(Sea2(), kPrefix);
  Register("r22", "1.1.0.0/22");
  Register("other", "1.0.0.0/24");
  Drain();
  v1::CreatePeeringServiceRequest service;
  v1::PeeringService& s = *service.mutable_peering_service();
  s.set_name("svc");
  s.set_country("US");
  s.set_provider_asn(13335);
  s.set_provider_name("Contoso Voice");
  s.set_primary_peering_location("Seattle");
  ASSERT_TRUE(Call(*registry_, &Registry::CreatePeeringService, service).ok());
  s.set_name("svc2");  // a prefix is activated once per service
  ASSERT_TRUE(Call(*registry_, &Registry::CreatePeeringService, service).ok());
  auto activate = [&](const std::string& service, const std::string& name,
                      const std::string& registration) {
    v1::CreatePeeringServicePrefixRequest req;
    v1::PeeringServicePrefix& p = *req.mutable_peering_service_prefix();
    p.set_peering_service_name(service);
    p.set_name(name);
    p.set_prefix(kPrefix);
    p.set_peering_service_prefix_key(Get(registration).peering_service_prefix_key());
    auto created = Call(*registry_, &Registry::CreatePeeringServicePrefix, req);
    ASSERT_TRUE(created.ok()) << created.status();
  };
  activate("svc", "covered", "r22");
  activate("svc2", "uncovered", "other");
  ASSERT_EQ(Drain(), 2u);
  auto get = [&](const std::string& service, const std::string& name) {
    v1::GetPeeringServicePrefixRequest req;
    req.set_peering_service_name(service);
    req.set_name(name);
    return *registry_->GetPeeringServicePrefix(req);
  };
  v1::PeeringServicePrefix covered = get("svc", "covered");
  EXPECT_EQ(covered.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED)
      << covered.error_message();
  v1::PeeringServicePrefix uncovered = get("svc2", "uncovered");
  EXPECT_EQ(uncovered.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_INVALID);
  EXPECT_THAT(uncovered.error_message(), HasSubstr("does not cover 1.1.1.0/24"));
}

// A target that cannot be validated (its stored record is damaged) keeps its stored state and
// still gets a notice, carrying the error: a Revalidate waiting for it finishes (failed)
// instead of waiting forever. The other targets of the batch are validated.
TEST_F(EngineTest, AFailedValidationIsPublishedWithItsErrorAndTheRestOfTheBatchProceeds) {
  StartEngine(kHoldDown);
  CreateActivePeering();
  Register("broken", "1.0.0.0/24");
  Register("fine", kPrefix);
  Drain();
  WriteSet damage;
  damage.Put(Column::kRegisteredPrefixes, keys::Child("voice-1", "broken"), "\xff\xff garbage");
  ASSERT_TRUE(db_->Commit(damage, Durability::kSynced).ok());

  std::vector<ValidationNotice> seen;
  absl::Mutex mu;
  uint64_t id = notices_.Subscribe([&](const std::vector<ValidationNotice>& batch) {
    absl::MutexLock lock(&mu);
    seen.insert(seen.end(), batch.begin(), batch.end());
  });
  queue_->EnqueueTransient({Target("broken"), Target("fine")});
  std::vector<QueueItem> batch = queue_->PopBatch(10, absl::ZeroDuration());
  ASSERT_EQ(batch.size(), 2u);
  absl::Status s = engine_->ProcessBatch(batch);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  notices_.Unsubscribe(id);

  absl::MutexLock lock(&mu);
  ASSERT_EQ(seen.size(), 2u);
  auto broken = std::find_if(seen.begin(), seen.end(), [](const ValidationNotice& n) {
    return n.change.target().name() == "broken";
  });
  ASSERT_NE(broken, seen.end());
  EXPECT_EQ(broken->failure.code(), absl::StatusCode::kDataLoss);
  auto fine = std::find_if(seen.begin(), seen.end(), [](const ValidationNotice& n) {
    return n.change.target().name() == "fine";
  });
  ASSERT_NE(fine, seen.end());
  EXPECT_TRUE(fine->failure.ok()) << fine->failure;
  EXPECT_EQ(queue_->waiting(), 0u);
}

}  // namespace
}  // namespace pfx
