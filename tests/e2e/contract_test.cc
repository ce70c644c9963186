// The pfx.v1 contract as a client meets it: page tokens bound to their listing, unknown enum
// numbers refused by name, the fields the seeds require, dry runs that store nothing, and keys
// that are version-4 UUIDs. Each case is a regression test for an answer that was once wrong.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string irr = WriteTempFile("contract.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{
        "--enable_route_injection", "--irr=" + irr, "--debounce_millis=20"});
    ASSERT_TRUE(pfxd_->Start());
    ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                        {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                         {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
  }

  grpc::Status CreateService(const std::string& name, int64_t provider_asn,
                             const std::string& provider_name = "Contoso") {
    v1::CreatePeeringServiceRequest req;
    req.mutable_peering_service()->set_name(name);
    req.mutable_peering_service()->set_country("US");
    req.mutable_peering_service()->set_provider_asn(provider_asn);
    req.mutable_peering_service()->set_provider_name(provider_name);
    req.mutable_peering_service()->set_primary_peering_location("Seattle");
    v1::PeeringService out;
    return pfxd_->services().CreatePeeringService(Ctx().get(), req, &out);
  }

  std::unique_ptr<PfxdProcess> pfxd_;
};

void ExpectInvalid(const grpc::Status& s, const std::string& field) {
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), StartsWith(field + ":"));
}

TEST_F(ContractTest, PageTokensAreBoundToTheirListingAndFilter) {
  for (const char* name : {"a-1", "a-2", "a-3"}) ASSERT_TRUE(CreateService(name, 13335).ok());
  v1::ListPeeringServicesRequest list;
  list.set_page_size(1);
  v1::ListPeeringServicesResponse page;
  ASSERT_TRUE(pfxd_->services().ListPeeringServices(Ctx().get(), list, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  const std::string token = page.next_page_token();

  // A token the server never issued, on a top-level list (once accepted with a page).
  for (const std::string& forged : {std::string("AAAA"), std::string("not base64!"),
                                    token.substr(0, token.size() - 2) + "xx"}) {
    list.set_page_token(forged);
    ExpectInvalid(pfxd_->services().ListPeeringServices(Ctx().get(), list, &page), "page_token");
    v1::ListPeeringsRequest peerings;
    peerings.set_page_token(forged);
    v1::ListPeeringsResponse pr;
    ExpectInvalid(pfxd_->peerings().ListPeerings(Ctx().get(), peerings, &pr), "page_token");
  }
  // Issued for peering services: refused by another listing, and by another filter.
  v1::ListPeeringsRequest peerings;
  peerings.set_page_token(token);
  v1::ListPeeringsResponse pr;
  ExpectInvalid(pfxd_->peerings().ListPeerings(Ctx().get(), peerings, &pr), "page_token");
  v1::ListRegisteredPrefixesRequest prefixes;
  prefixes.set_peering_name("voice-1");
  prefixes.set_page_token(token);
  v1::ListRegisteredPrefixesResponse rp;
  ExpectInvalid(pfxd_->registrations().ListRegisteredPrefixes(Ctx().get(), prefixes, &rp),
                "page_token");
  // And accepted where it was issued: the pages cover every service once.
  list.set_page_token(token);
  ASSERT_TRUE(pfxd_->services().ListPeeringServices(Ctx().get(), list, &page).ok());
  ASSERT_EQ(page.peering_services_size(), 1);
  EXPECT_EQ(page.peering_services(0).name(), "a-2");

  // Received routes: a token carries its filters.
  for (const char* p : {"40.0.0.0/24", "40.0.1.0/24", "40.0.2.0/24"}) {
    ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", p, "13335").ok());
  }
  v1::ListReceivedRoutesRequest routes;
  routes.set_peering_name("voice-1");
  routes.set_page_size(1);
  v1::ListReceivedRoutesResponse rr;
  ASSERT_TRUE(pfxd_->routes().ListReceivedRoutes(Ctx().get(), routes, &rr).ok());
  ASSERT_FALSE(rr.next_page_token().empty());
  routes.set_page_token(rr.next_page_token());
  routes.set_as_path("13335");
  ExpectInvalid(pfxd_->routes().ListReceivedRoutes(Ctx().get(), routes, &rr), "page_token");
}

TEST_F(ContractTest, UnknownEnumNumbersAreRefusedByField) {
  v1::CreatePeeringRequest create;
  *create.mutable_peering() =
      MakePeering("voice-2", 3356, v1::PEERING_KIND_VOICE,
                  {{"Dallas", "dal-1", {"198.51.100.9"}}, {"Dallas", "dal-2", {"198.51.100.13"}}});
  create.mutable_peering()->mutable_connections(1)->set_connection_state(
      static_cast<v1::ConnectionState>(99));
  v1::Peering peering;
  grpc::Status s = pfxd_->peerings().CreatePeering(Ctx().get(), create, &peering);
  ExpectInvalid(s, "peering.connections[1].connection_state");
  EXPECT_THAT(s.error_message(), HasSubstr("99 is not a ConnectionState"));
  v1::GetPeeringRequest get;
  get.set_name("voice-2");
  EXPECT_EQ(pfxd_->peerings().GetPeering(Ctx().get(), get, &peering).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "nothing stored";

  create.mutable_peering()->mutable_connections(1)->set_connection_state(v1::CONNECTION_STATE_NONE);
  create.mutable_peering()->set_kind(static_cast<v1::PeeringKind>(7));
  ExpectInvalid(pfxd_->peerings().CreatePeering(Ctx().get(), create, &peering), "peering.kind");

  v1::RevalidateRequest revalidate;
  revalidate.add_states(v1::PREFIX_VALIDATION_STATE_FAILED);
  revalidate.add_states(static_cast<v1::PrefixValidationState>(99));
  grpc::ClientContext ctx;
  auto reader = pfxd_->validation().Revalidate(&ctx, revalidate);
  v1::RevalidateResponse progress;
  while (reader->Read(&progress)) {
  }
  ExpectInvalid(reader->Finish(), "states[1]");

  v1::ExplainRequest explain;
  v1::ExplainResponse response;
  ExpectInvalid(pfxd_->validation().Explain(Ctx().get(), explain, &response), "target");
  explain.mutable_target()->set_parent("voice-1");
  explain.mutable_target()->set_name("x");
  ExpectInvalid(pfxd_->validation().Explain(Ctx().get(), explain, &response), "target.kind");
  explain.mutable_target()->set_kind(static_cast<v1::ValidationTarget::Kind>(99));
  ExpectInvalid(pfxd_->validation().Explain(Ctx().get(), explain, &response), "target.kind");

  v1::ListReceivedRoutesRequest routes;
  routes.set_peering_name("voice-1");
  routes.set_rpki_validation_state(static_cast<v1::RouteValidationState>(12));
  v1::ListReceivedRoutesResponse rr;
  ExpectInvalid(pfxd_->routes().ListReceivedRoutes(Ctx().get(), routes, &rr),
                "rpki_validation_state");
}

TEST_F(ContractTest, RegisteredPrefixCarriesTrafficClassAndEndpoints) {
  v1::CreateRegisteredPrefixRequest req;
  req.mutable_registered_prefix()->set_peering_name("voice-1");
  req.mutable_registered_prefix()->set_name("sbc");
  req.mutable_registered_prefix()->set_prefix("1.1.1.0/24");
  v1::RegisteredPrefix out;
  ExpectInvalid(pfxd_->registrations().CreateRegisteredPrefix(Ctx().get(), req, &out),
                "registered_prefix.traffic_class");
  req.mutable_registered_prefix()->set_traffic_class(v1::TRAFFIC_CLASS_SIGNALLING);
  ExpectInvalid(pfxd_->registrations().CreateRegisteredPrefix(Ctx().get(), req, &out),
                "registered_prefix.endpoint_description");
  req.mutable_registered_prefix()->set_endpoint_description("SIP proxies, Seattle");
  ASSERT_TRUE(pfxd_->registrations().CreateRegisteredPrefix(Ctx().get(), req, &out).ok());
  v1::RegisteredPrefix got = GetRegistered(*pfxd_, "voice-1", "sbc");
  EXPECT_EQ(got.traffic_class(), v1::TRAFFIC_CLASS_SIGNALLING);
  EXPECT_EQ(got.endpoint_description(), "SIP proxies, Seattle");
  // Keys are RFC 4122 version-4 UUIDs (clients validate them as GUIDs).
  const std::string& key = got.peering_service_prefix_key();
  ASSERT_EQ(key.size(), 36u);
  EXPECT_EQ(key[14], '4') << key;
  EXPECT_THAT(std::string("89ab"), HasSubstr(std::string(1, key[19]))) << key;
  // Internal bookkeeping is not part of the reply (observed origins, last decided state).
  EXPECT_EQ(v1::RegisteredPrefix::descriptor()->FindFieldByName("observed_origins"), nullptr);
  EXPECT_EQ(v1::RegisteredPrefix::descriptor()->FindFieldByName("last_decided_state"), nullptr);
  EXPECT_EQ(got.GetReflection()->GetUnknownFields(got).field_count(), 0);
}

TEST_F(ContractTest, PeeringServiceNeedsTheProviderName) {
  ExpectInvalid(CreateService("svc", 13335, ""), "peering_service.provider_name");
  ASSERT_TRUE(CreateService("svc", 13335, "Contoso Voice").ok());
  v1::GetPeeringServiceRequest get;
  get.set_name("svc");
  v1::PeeringService s;
  ASSERT_TRUE(pfxd_->services().GetPeeringService(Ctx().get(), get, &s).ok());
  EXPECT_EQ(s.provider_name(), "Contoso Voice");
}

TEST_F(ContractTest, DryRunOfARegisteredPrefixExplainsAndStoresNothing) {
  ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  v1::ExplainRequest req;
  req.mutable_registered_prefix_candidate()->set_peering_name("voice-1");
  req.mutable_registered_prefix_candidate()->set_prefix("1.1.1.0/24");
  v1::ExplainResponse e;
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), req, &e).ok());
  EXPECT_TRUE(e.dry_run());
  EXPECT_EQ(e.state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_THAT(e.error_message(), HasSubstr("198.51.100.5 on router sea-2 at Seattle"));
  ASSERT_EQ(e.checks_size(), 7);
  EXPECT_EQ(e.checks(0).check(), "registrable");
  EXPECT_EQ(e.checks(0).outcome(), v1::CHECK_OUTCOME_PASS);
  EXPECT_EQ(e.checks(2).check(), "irr-origin");
  EXPECT_EQ(e.checks(2).outcome(), v1::CHECK_OUTCOME_PASS);

  v1::ListRegisteredPrefixesRequest list;
  v1::ListRegisteredPrefixesResponse listed;
  ASSERT_TRUE(pfxd_->registrations().ListRegisteredPrefixes(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.registered_prefixes_size(), 0) << "the dry run stored nothing";

  // Held by a registration already: the dry run says it could not be registered.
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "held", "1.1.1.0/24").ok());
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), req, &e).ok());
  EXPECT_EQ(e.state(), v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_THAT(e.error_message(), HasSubstr("Prefix cannot be registered: 1.1.1.0/24 is already "
                                           "registered as voice-1/held"));

  req.mutable_registered_prefix_candidate()->set_prefix("1.1.1.1/24");
  ExpectInvalid(pfxd_->validation().Explain(Ctx().get(), req, &e),
                "registered_prefix_candidate.prefix");
  req.mutable_registered_prefix_candidate()->set_prefix("1.1.1.0/24");
  req.mutable_registered_prefix_candidate()->set_peering_name("nope");
  EXPECT_EQ(pfxd_->validation().Explain(Ctx().get(), req, &e).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace pfx::testing
