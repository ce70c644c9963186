// Route-server seed flow: customer ASN registration, peering service with primary and backup
// locations, activation with the prefix key, hold-down on a backup withdrawal.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPrefix[] = "1.1.1.0/24";

class RouteServerFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string irr = WriteTempFile("rs.rpsl", RouteObjects({{kPrefix, 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(
        std::vector<std::string>{"--enable_route_injection", "--irr=" + irr, "--debounce_millis=20",
                                 "--hold_down_seconds=3"});
    ASSERT_TRUE(pfxd_->Start());
    // The provider AS6939 runs route servers: a two-session mesh in Seattle, one in Dallas.
    ASSERT_TRUE(CreateActivePeering(
                    *pfxd_, MakePeering("rs-1", 6939, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                        {{"Seattle", "sea-rs", {"198.51.100.10", "198.51.100.11"}},
                                         {"Dallas", "dal-rs", {"198.51.100.20"}}}))
                    .ok());
    v1::CreateRegisteredAsnRequest asn;
    asn.mutable_registered_asn()->set_peering_name("rs-1");
    asn.mutable_registered_asn()->set_name("cloudflare");
    asn.mutable_registered_asn()->set_asn(13335);
    ASSERT_TRUE(pfxd_->registrations().CreateRegisteredAsn(Ctx().get(), asn, &registered_).ok());
    ASSERT_EQ(registered_.peering_service_prefix_key().size(), 36u);

    v1::CreatePeeringServiceRequest svc;
    svc.mutable_peering_service()->set_name("svc-1");
    svc.mutable_peering_service()->set_country("United States");
    svc.mutable_peering_service()->set_state("Washington");
    svc.mutable_peering_service()->set_provider_asn(6939);
    svc.mutable_peering_service()->set_provider_name("Hurricane Electric");
    svc.mutable_peering_service()->set_primary_peering_location("Seattle");
    svc.mutable_peering_service()->set_backup_peering_location("Dallas");
    v1::PeeringService service;
    ASSERT_TRUE(pfxd_->services().CreatePeeringService(Ctx().get(), svc, &service).ok());
  }

  grpc::Status Activate(const std::string& name, const std::string& key) {
    v1::CreatePeeringServicePrefixRequest req;
    req.mutable_peering_service_prefix()->set_peering_service_name("svc-1");
    req.mutable_peering_service_prefix()->set_name(name);
    req.mutable_peering_service_prefix()->set_prefix(kPrefix);
    req.mutable_peering_service_prefix()->set_peering_service_prefix_key(key);
    v1::PeeringServicePrefix p;
    return pfxd_->services().CreatePeeringServicePrefix(Ctx().get(), req, &p);
  }

  void AnnouncePrimary() {
    ASSERT_TRUE(Announce(*pfxd_, "sea-rs", "198.51.100.10", kPrefix, "13335").ok());
    ASSERT_TRUE(Announce(*pfxd_, "sea-rs", "198.51.100.11", kPrefix, "13335").ok());
  }

  std::unique_ptr<PfxdProcess> pfxd_;
  v1::RegisteredAsn registered_;
};

TEST_F(RouteServerFlowTest, DuplicateCustomerAsnIsRejected) {
  ASSERT_TRUE(
      CreateActivePeering(*pfxd_, MakePeering("rs-2", 174, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                              {{"Dallas", "dal-rs2", {"203.0.113.9"}}}))
          .ok());
  v1::CreateRegisteredAsnRequest asn;
  asn.mutable_registered_asn()->set_peering_name("rs-2");
  asn.mutable_registered_asn()->set_name("again");
  asn.mutable_registered_asn()->set_asn(13335);
  v1::RegisteredAsn out;
  grpc::Status s = pfxd_->registrations().CreateRegisteredAsn(Ctx().get(), asn, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr("rs-1/cloudflare"));
}

TEST_F(RouteServerFlowTest, VerifiedOnlyWhenPrimaryAndBackupAdvertise) {
  ASSERT_TRUE(Activate("p1", registered_.peering_service_prefix_key()).ok());
  AnnouncePrimary();
  v1::PeeringServicePrefix last;
  ASSERT_TRUE(
      WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_FAILED, &last,
                          "not advertised on session 198.51.100.20 on router dal-rs at Dallas"));

  ASSERT_TRUE(Announce(*pfxd_, "dal-rs", "198.51.100.20", kPrefix, "13335").ok());
  ASSERT_TRUE(
      WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_VERIFIED, &last))
      << last.error_message();
  EXPECT_EQ(last.learned_type(), v1::LEARNED_TYPE_VIA_SERVICE_PROVIDER);

  // The backup withdraws: WARNING inside the hold-down, FAILED after it.
  ASSERT_TRUE(Withdraw(*pfxd_, "dal-rs", "198.51.100.20", kPrefix).ok());
  ASSERT_TRUE(WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_WARNING, &last,
                                  "hold-down"));
  ASSERT_TRUE(
      WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_FAILED, &last));
  bool backup_withdrawal = false;
  for (const auto& e : last.events()) {
    backup_withdrawal |= e.event_type() == "PrefixBackupRouteWithdrawalEvent";
  }
  EXPECT_TRUE(backup_withdrawal);

  // The route returns: VERIFIED again.
  ASSERT_TRUE(Announce(*pfxd_, "dal-rs", "198.51.100.20", kPrefix, "13335").ok());
  EXPECT_TRUE(WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
}

TEST_F(RouteServerFlowTest, WrongKeyIsInvalid) {
  std::string key = registered_.peering_service_prefix_key();
  key[35] = key[35] == '0' ? '1' : '0';
  ASSERT_TRUE(Activate("p1", key).ok());
  AnnouncePrimary();
  ASSERT_TRUE(Announce(*pfxd_, "dal-rs", "198.51.100.20", kPrefix, "13335").ok());
  v1::PeeringServicePrefix last;
  EXPECT_TRUE(WaitForServiceState(
      *pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_INVALID, &last,
      "the prefix key does not match the key of registered ASN rs-1/cloudflare"))
      << last.error_message();
}

// The registered ASN is found through the route's origin: before any provider session carries
// the prefix the key cannot be matched yet, which a route fixes. FAILED naming the sessions
// that miss the route (key-match waits), never INVALID; then VERIFIED once the routes are there.
TEST_F(RouteServerFlowTest, KeyWaitingForARouteIsFailedNotInvalid) {
  ASSERT_TRUE(Activate("p1", registered_.peering_service_prefix_key()).ok());
  v1::PeeringServicePrefix last;
  ASSERT_TRUE(WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_FAILED, &last,
                                  "Prefix not received from IP: 1.1.1.0/24 not advertised on "
                                  "sessions 198.51.100.10 on router sea-rs at Seattle"))
      << last.error_message();
  v1::ExplainRequest explain;
  explain.mutable_target()->set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
  explain.mutable_target()->set_parent("svc-1");
  explain.mutable_target()->set_name("p1");
  v1::ExplainResponse e;
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), explain, &e).ok());
  bool waits = false;
  for (const v1::CheckResult& c : e.checks()) {
    if (c.check() == "key-match") {
      waits = c.outcome() == v1::CHECK_OUTCOME_NOT_EVALUATED &&
              c.reason().find("registered ASN rs-1/cloudflare") != std::string::npos;
    }
  }
  EXPECT_TRUE(waits) << e.DebugString();
  AnnouncePrimary();
  ASSERT_TRUE(Announce(*pfxd_, "dal-rs", "198.51.100.20", kPrefix, "13335").ok());
  EXPECT_TRUE(
      WaitForServiceState(*pfxd_, "svc-1", "p1", v1::PREFIX_VALIDATION_STATE_VERIFIED, &last))
      << last.error_message();
}

// A provider without a peering is the cause reported (not the key check that follows from it);
// Explain still shows every check.
TEST_F(RouteServerFlowTest, ProviderWithoutPeeringIsReportedFirst) {
  v1::CreatePeeringServiceRequest svc;
  svc.mutable_peering_service()->set_name("svc-2");
  svc.mutable_peering_service()->set_country("US");
  svc.mutable_peering_service()->set_provider_asn(3356);
  svc.mutable_peering_service()->set_provider_name("Lumen");
  svc.mutable_peering_service()->set_primary_peering_location("Seattle");
  v1::PeeringService service;
  ASSERT_TRUE(pfxd_->services().CreatePeeringService(Ctx().get(), svc, &service).ok());
  v1::CreatePeeringServicePrefixRequest req;
  req.mutable_peering_service_prefix()->set_peering_service_name("svc-2");
  req.mutable_peering_service_prefix()->set_name("p1");
  req.mutable_peering_service_prefix()->set_prefix(kPrefix);
  req.mutable_peering_service_prefix()->set_peering_service_prefix_key(
      registered_.peering_service_prefix_key());
  v1::PeeringServicePrefix p;
  ASSERT_TRUE(pfxd_->services().CreatePeeringServicePrefix(Ctx().get(), req, &p).ok());
  EXPECT_TRUE(WaitForServiceState(*pfxd_, "svc-2", "p1", v1::PREFIX_VALIDATION_STATE_INVALID, &p,
                                  "Peering service provider not found: "))
      << p.error_message();
  v1::ExplainRequest explain;
  explain.mutable_target()->set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
  explain.mutable_target()->set_parent("svc-2");
  explain.mutable_target()->set_name("p1");
  v1::ExplainResponse e;
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), explain, &e).ok());
  EXPECT_EQ(e.checks_size(), 8);
  EXPECT_EQ(e.provider_peerings_size(), 0);
}

TEST_F(RouteServerFlowTest, ExplainAndDryRunNameTheProvidersPeerings) {
  AnnouncePrimary();
  ASSERT_TRUE(Announce(*pfxd_, "dal-rs", "198.51.100.20", kPrefix, "13335").ok());
  v1::ExplainRequest req;
  v1::PeeringServicePrefixCandidate* c = req.mutable_peering_service_prefix_candidate();
  c->set_provider_asn(6939);
  c->set_primary_peering_location("Seattle");
  c->set_backup_peering_location("Dallas");
  c->set_prefix(kPrefix);
  v1::ExplainResponse e;
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), req, &e).ok());
  EXPECT_TRUE(e.dry_run());
  EXPECT_EQ(e.state(), v1::PREFIX_VALIDATION_STATE_VERIFIED) << e.error_message();
  ASSERT_EQ(e.provider_peerings_size(), 1);
  EXPECT_EQ(e.provider_peerings(0).name(), "rs-1");
  EXPECT_EQ(e.provider_peerings(0).primary_sessions(), 2);
  EXPECT_EQ(e.provider_peerings(0).backup_sessions(), 1);
  bool key_named = false;
  for (const v1::CheckResult& check : e.checks()) {
    if (check.check() != "key-match") continue;
    EXPECT_EQ(check.outcome(), v1::CHECK_OUTCOME_NOT_EVALUATED);
    key_named = check.reason().find("registered ASN rs-1/cloudflare") != std::string::npos;
  }
  EXPECT_TRUE(key_named);
  // With a wrong key the dry run says INVALID, and still stores nothing.
  std::string key = registered_.peering_service_prefix_key();
  key[35] = key[35] == '0' ? '1' : '0';
  c->set_peering_service_prefix_key(key);
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), req, &e).ok());
  EXPECT_EQ(e.state(), v1::PREFIX_VALIDATION_STATE_INVALID);
  v1::ListPeeringServicePrefixesRequest list;
  list.set_peering_service_name("svc-1");
  v1::ListPeeringServicePrefixesResponse listed;
  ASSERT_TRUE(pfxd_->services().ListPeeringServicePrefixes(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.peering_service_prefixes_size(), 0);
}

TEST_F(RouteServerFlowTest, KeyInUseBlocksDeletionUnlessForced) {
  ASSERT_TRUE(Activate("p1", registered_.peering_service_prefix_key()).ok());
  // The activation's own validation runs first: one that ran after the forced deletion would
  // rightly find the key owned by nobody and say so instead of why ("... was deleted").
  ASSERT_TRUE(WaitFor([&] {
    return GetServicePrefix(*pfxd_, "svc-1", "p1").prefix_validation_state() !=
           v1::PREFIX_VALIDATION_STATE_PENDING;
  }));
  v1::DeleteRegisteredAsnRequest del;
  del.set_peering_name("rs-1");
  del.set_name("cloudflare");
  google::protobuf::Empty empty;
  grpc::Status s = pfxd_->registrations().DeleteRegisteredAsn(Ctx().get(), del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("svc-1/p1"));
  del.set_force(true);
  ASSERT_TRUE(pfxd_->registrations().DeleteRegisteredAsn(Ctx().get(), del, &empty).ok());
  v1::PeeringServicePrefix p = GetServicePrefix(*pfxd_, "svc-1", "p1");
  EXPECT_EQ(p.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_INVALID);
  EXPECT_THAT(p.error_message(), HasSubstr("AS13335 was deleted"));
}

}  // namespace
}  // namespace pfx::testing
