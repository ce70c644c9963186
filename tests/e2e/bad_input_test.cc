// Bad input: every malformed request gets INVALID_ARGUMENT or NOT_FOUND naming the field,
// and the store is unchanged afterwards.
#include <functional>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

struct BadCase {
  std::string label;
  std::function<grpc::Status(PfxdProcess&)> call;
  grpc::StatusCode code;
  std::string field;
};

grpc::Status Register(PfxdProcess& p, const std::string& peering, const std::string& name,
                      const std::string& prefix) {
  return RegisterPrefix(p, peering, name, prefix);
}

grpc::Status RegisterAsn(PfxdProcess& p, int64_t asn) {
  v1::CreateRegisteredAsnRequest req;
  req.mutable_registered_asn()->set_peering_name("rs-1");
  req.mutable_registered_asn()->set_name("a");
  req.mutable_registered_asn()->set_asn(asn);
  v1::RegisteredAsn out;
  return p.registrations().CreateRegisteredAsn(Ctx().get(), req, &out);
}

std::string StoreSnapshot(PfxdProcess& p) {
  std::string out;
  v1::ListPeeringsResponse peerings;
  (void)p.peerings().ListPeerings(Ctx().get(), v1::ListPeeringsRequest(), &peerings);
  out += peerings.SerializeAsString();
  v1::ListRegisteredPrefixesResponse prefixes;
  (void)p.registrations().ListRegisteredPrefixes(Ctx().get(), v1::ListRegisteredPrefixesRequest(),
                                                 &prefixes);
  for (auto& r : *prefixes.mutable_registered_prefixes()) {
    // Validation output changes asynchronously (the worker may finish between snapshots);
    // only what the requests could have written is compared.
    r.clear_prefix_validation_state();
    r.clear_error_message();
    r.clear_hold_down_deadline();
  }
  out += prefixes.SerializeAsString();
  v1::ListRegisteredAsnsResponse asns;
  (void)p.registrations().ListRegisteredAsns(Ctx().get(), v1::ListRegisteredAsnsRequest(), &asns);
  out += asns.SerializeAsString();
  return out;
}

TEST(BadInputTest, EveryMalformedRequestNamesTheFieldAndStoresNothing) {
  PfxdProcess pfxd({});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                     {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  ASSERT_TRUE(
      CreateActivePeering(pfxd, MakePeering("rs-1", 6939, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                            {{"Seattle", "sea-rs", {"198.51.100.9"}}}))
          .ok());
  ASSERT_TRUE(Register(pfxd, "voice-1", "existing", "1.1.1.0/24").ok());
  const std::string before = StoreSnapshot(pfxd);

  const auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
  const std::vector<BadCase> cases = {
      {"length 33", [](auto& p) { return Register(p, "voice-1", "x", "10.0.0.0/33"); }, kInvalid,
       "registered_prefix.prefix"},
      {"host bits", [](auto& p) { return Register(p, "voice-1", "x", "1.2.3.4/24"); }, kInvalid,
       "registered_prefix.prefix"},
      {"v6 length 129", [](auto& p) { return Register(p, "voice-1", "x", "::/129"); }, kInvalid,
       "registered_prefix.prefix"},
      {"empty prefix", [](auto& p) { return Register(p, "voice-1", "x", ""); }, kInvalid,
       "registered_prefix.prefix"},
      {"1 KB prefix", [](auto& p) { return Register(p, "voice-1", "x", std::string(1024, '1')); },
       kInvalid, "registered_prefix.prefix"},
      {"non-ASCII prefix",
       [](auto& p) { return Register(p, "voice-1", "x", "\xe2\x91\xa0.0.0.0/8"); }, kInvalid,
       "registered_prefix.prefix"},
      {"ASN 0", [](auto& p) { return RegisterAsn(p, 0); }, kInvalid, "registered_asn.asn"},
      {"ASN 2^32", [](auto& p) { return RegisterAsn(p, 4294967296LL); }, kInvalid,
       "registered_asn.asn"},
      {"ASN negative", [](auto& p) { return RegisterAsn(p, -5); }, kInvalid, "registered_asn.asn"},
      {"ASN private", [](auto& p) { return RegisterAsn(p, 64512); }, kInvalid,
       "registered_asn.asn"},
      {"unknown peering", [](auto& p) { return Register(p, "nope", "x", "8.8.8.0/24"); },
       grpc::StatusCode::NOT_FOUND, "registered_prefix.peering_name"},
      {"empty name", [](auto& p) { return Register(p, "voice-1", "", "8.8.8.0/24"); }, kInvalid,
       "registered_prefix.name"},
      {"10 KB name",
       [](auto& p) { return Register(p, "voice-1", std::string(10240, 'n'), "8.8.8.0/24"); },
       kInvalid, "registered_prefix.name"},
      {"name with slash", [](auto& p) { return Register(p, "voice-1", "a/b", "8.8.8.0/24"); },
       kInvalid, "registered_prefix.name"},
      {"missing peering name", [](auto& p) { return Register(p, "", "x", "8.8.8.0/24"); }, kInvalid,
       "registered_prefix.peering_name"},
      {"missing peering",
       [](auto& p) {
         v1::CreatePeeringRequest req;
         v1::Peering out;
         return p.peerings().CreatePeering(Ctx().get(), req, &out);
       },
       kInvalid, "peering.name"},
      {"voice with one connection",
       [](auto& p) {
         v1::CreatePeeringRequest req;
         *req.mutable_peering() =
             MakePeering("v2", 3356, v1::PEERING_KIND_VOICE, {{"Dallas", "d1", {"203.0.113.1"}}});
         v1::Peering out;
         return p.peerings().CreatePeering(Ctx().get(), req, &out);
       },
       kInvalid, "peering.connections"},
      {"slow connection",
       [](auto& p) {
         v1::CreatePeeringRequest req;
         *req.mutable_peering() =
             MakePeering("v2", 3356, v1::PEERING_KIND_VOICE,
                         {{"Dallas", "d1", {"203.0.113.1"}}, {"Dallas", "d2", {"203.0.113.5"}}});
         req.mutable_peering()->mutable_connections(1)->set_bandwidth_mbps(1000);
         v1::Peering out;
         return p.peerings().CreatePeering(Ctx().get(), req, &out);
       },
       kInvalid, "peering.connections[1].bandwidth_mbps"},
      {"same router twice",
       [](auto& p) {
         v1::CreatePeeringRequest req;
         *req.mutable_peering() =
             MakePeering("v2", 3356, v1::PEERING_KIND_VOICE,
                         {{"Dallas", "d1", {"203.0.113.1"}}, {"Dallas", "d1", {"203.0.113.5"}}});
         v1::Peering out;
         return p.peerings().CreatePeering(Ctx().get(), req, &out);
       },
       kInvalid, "peering.connections[1].microsoft_router"},
      {"private peer ASN",
       [](auto& p) {
         v1::CreatePeeringRequest req;
         *req.mutable_peering() =
             MakePeering("v2", 65000, v1::PEERING_KIND_VOICE,
                         {{"Dallas", "d1", {"203.0.113.1"}}, {"Dallas", "d2", {"203.0.113.5"}}});
         v1::Peering out;
         return p.peerings().CreatePeering(Ctx().get(), req, &out);
       },
       kInvalid, "peering.peer_asn"},
      {"malformed key",
       [](auto& p) {
         v1::CreatePeeringServicePrefixRequest req;
         req.mutable_peering_service_prefix()->set_peering_service_name("svc");
         req.mutable_peering_service_prefix()->set_name("x");
         req.mutable_peering_service_prefix()->set_prefix("8.8.8.0/24");
         req.mutable_peering_service_prefix()->set_peering_service_prefix_key("not-a-key");
         v1::PeeringServicePrefix out;
         return p.services().CreatePeeringServicePrefix(Ctx().get(), req, &out);
       },
       kInvalid, "peering_service_prefix.peering_service_prefix_key"},
      {"bad page token",
       [](auto& p) {
         v1::ListPeeringsRequest req;
         req.set_page_token("garbage!");
         v1::ListPeeringsResponse out;
         return p.peerings().ListPeerings(Ctx().get(), req, &out);
       },
       kInvalid, "page_token"},
      {"get a missing registered prefix",
       [](auto& p) {
         v1::GetRegisteredPrefixRequest req;
         req.set_peering_name("voice-1");
         req.set_name("ghost");
         v1::RegisteredPrefix out;
         return p.registrations().GetRegisteredPrefix(Ctx().get(), req, &out);
       },
       grpc::StatusCode::NOT_FOUND,
       "name: registered prefix 'ghost' does not exist on peering 'voice-1'"},
      {"delete a missing service prefix",
       [](auto& p) {
         v1::DeletePeeringServicePrefixRequest req;
         req.set_peering_service_name("svc");
         req.set_name("ghost");
         google::protobuf::Empty out;
         return p.services().DeletePeeringServicePrefix(Ctx().get(), req, &out);
       },
       grpc::StatusCode::NOT_FOUND, "name: prefix 'ghost' does not exist on peering service 'svc'"},
      {"prefix on route-server peering",
       [](auto& p) { return Register(p, "rs-1", "x", "8.8.8.0/24"); },
       grpc::StatusCode::FAILED_PRECONDITION, "EXCHANGE_ROUTE_SERVER"},
  };
  for (const BadCase& c : cases) {
    grpc::Status s = c.call(pfxd);
    EXPECT_EQ(s.error_code(), c.code) << c.label << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.label;
    EXPECT_LT(s.error_message().size(), 400u) << c.label << " echoes its input";
  }
  EXPECT_EQ(StoreSnapshot(pfxd), before);
}

// Clears the field at `path` ("peering.connections[0].peering_location") in `m`.
void ClearPath(google::protobuf::Message& m, const std::string& path) {
  google::protobuf::Message* at = &m;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string name = parts[i];
    int index = -1;
    if (size_t bracket = name.find('['); bracket != std::string::npos) {
      index = std::stoi(name.substr(bracket + 1));
      name = name.substr(0, bracket);
    }
    const auto* f = at->GetDescriptor()->FindFieldByName(name);
    ASSERT_NE(f, nullptr) << path;
    const auto* r = at->GetReflection();
    if (i + 1 == parts.size()) {
      r->ClearField(at, f);
      return;
    }
    at = index >= 0 ? r->MutableRepeatedMessage(at, f, index) : r->MutableMessage(at, f);
  }
}

template <typename Stub, typename Req, typename Resp>
std::function<grpc::Status(const google::protobuf::Message&)> Caller(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*)) {
  return [&stub, method](const google::protobuf::Message& m) {
    Resp out;
    return (stub.*method)(Ctx().get(), static_cast<const Req&>(m), &out);
  };
}

// Every required field of every request, cleared one at a time from a request that succeeds
// (or would, but for state), is INVALID_ARGUMENT naming that field; nothing is stored.
TEST(BadInputTest, EveryRequiredFieldIsNamedWhenMissing) {
  PfxdProcess pfxd({"--enable_route_injection"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                     {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  const std::string before = StoreSnapshot(pfxd);

  v1::CreatePeeringRequest create_peering;
  *create_peering.mutable_peering() =
      MakePeering("v2", 3356, v1::PEERING_KIND_VOICE,
                  {{"Dallas", "d1", {"203.0.113.1"}}, {"Dallas", "d2", {"203.0.113.5"}}});
  v1::CreateRegisteredPrefixRequest create_prefix;
  create_prefix.mutable_registered_prefix()->set_peering_name("voice-1");
  create_prefix.mutable_registered_prefix()->set_name("x");
  create_prefix.mutable_registered_prefix()->set_prefix("8.8.8.0/24");
  create_prefix.mutable_registered_prefix()->set_traffic_class(v1::TRAFFIC_CLASS_MEDIA);
  create_prefix.mutable_registered_prefix()->set_endpoint_description("relays");
  v1::CreateRegisteredAsnRequest create_asn;
  create_asn.mutable_registered_asn()->set_peering_name("voice-1");
  create_asn.mutable_registered_asn()->set_name("x");
  create_asn.mutable_registered_asn()->set_asn(13335);
  v1::CreatePeeringServiceRequest create_service;
  create_service.mutable_peering_service()->set_name("svc");
  create_service.mutable_peering_service()->set_country("US");
  create_service.mutable_peering_service()->set_provider_asn(13335);
  create_service.mutable_peering_service()->set_provider_name("Contoso");
  create_service.mutable_peering_service()->set_primary_peering_location("Seattle");
  v1::CreatePeeringServicePrefixRequest create_service_prefix;
  create_service_prefix.mutable_peering_service_prefix()->set_peering_service_name("svc");
  create_service_prefix.mutable_peering_service_prefix()->set_name("x");
  create_service_prefix.mutable_peering_service_prefix()->set_prefix("8.8.8.0/24");
  create_service_prefix.mutable_peering_service_prefix()->set_peering_service_prefix_key(
      "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
  v1::SetConnectionStateRequest set_state;
  set_state.set_peering_name("voice-1");
  set_state.set_connection_id("sea-1");
  set_state.set_connection_state(v1::CONNECTION_STATE_ACTIVE);
  v1::GetRegisteredPrefixRequest get_prefix;
  get_prefix.set_peering_name("voice-1");
  get_prefix.set_name("x");
  v1::ListReceivedRoutesRequest routes;
  routes.set_peering_name("voice-1");
  v1::ExplainRequest explain_target;
  explain_target.mutable_target()->set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  explain_target.mutable_target()->set_parent("voice-1");
  explain_target.mutable_target()->set_name("x");
  v1::ExplainRequest dry_voice;
  dry_voice.mutable_registered_prefix_candidate()->set_peering_name("voice-1");
  dry_voice.mutable_registered_prefix_candidate()->set_prefix("8.8.8.0/24");
  v1::ExplainRequest dry_service;
  dry_service.mutable_peering_service_prefix_candidate()->set_provider_asn(13335);
  dry_service.mutable_peering_service_prefix_candidate()->set_primary_peering_location("Seattle");
  dry_service.mutable_peering_service_prefix_candidate()->set_prefix("8.8.8.0/24");
  v1::AnnounceRoutesRequest announce;
  announce.mutable_session()->set_router("sea-1");
  announce.mutable_session()->set_peer_address("198.51.100.1");
  announce.add_routes()->set_prefix("8.8.8.0/24");

  struct Case {
    const google::protobuf::Message* valid;
    std::function<grpc::Status(const google::protobuf::Message&)> call;
    std::vector<std::string> required;
  };
  const std::vector<Case> cases = {
      {&create_peering,
       Caller(pfxd.peerings(), &v1::Peerings::Stub::CreatePeering),
       {"peering.name", "peering.peer_asn", "peering.kind", "peering.connections",
        "peering.connections[0].connection_id", "peering.connections[0].peering_location",
        "peering.connections[0].microsoft_router", "peering.connections[0].bandwidth_mbps",
        "peering.connections[0].sessions"}},
      {&create_prefix,
       Caller(pfxd.registrations(), &v1::Registrations::Stub::CreateRegisteredPrefix),
       {"registered_prefix.peering_name", "registered_prefix.name", "registered_prefix.prefix",
        "registered_prefix.traffic_class", "registered_prefix.endpoint_description"}},
      {&create_asn,
       Caller(pfxd.registrations(), &v1::Registrations::Stub::CreateRegisteredAsn),
       {"registered_asn.peering_name", "registered_asn.name", "registered_asn.asn"}},
      {&create_service,
       Caller(pfxd.services(), &v1::PeeringServices::Stub::CreatePeeringService),
       {"peering_service.name", "peering_service.country", "peering_service.provider_asn",
        "peering_service.provider_name", "peering_service.primary_peering_location"}},
      {&create_service_prefix,
       Caller(pfxd.services(), &v1::PeeringServices::Stub::CreatePeeringServicePrefix),
       {"peering_service_prefix.peering_service_name", "peering_service_prefix.name",
        "peering_service_prefix.prefix", "peering_service_prefix.peering_service_prefix_key"}},
      {&set_state,
       Caller(pfxd.peerings(), &v1::Peerings::Stub::SetConnectionState),
       {"peering_name", "connection_id", "connection_state"}},
      {&get_prefix,
       Caller(pfxd.registrations(), &v1::Registrations::Stub::GetRegisteredPrefix),
       {"peering_name", "name"}},
      {&routes, Caller(pfxd.routes(), &v1::Routes::Stub::ListReceivedRoutes), {"peering_name"}},
      {&explain_target,
       Caller(pfxd.validation(), &v1::Validation::Stub::Explain),
       {"target.kind", "target.parent", "target.name"}},
      {&dry_voice,
       Caller(pfxd.validation(), &v1::Validation::Stub::Explain),
       {"registered_prefix_candidate.peering_name", "registered_prefix_candidate.prefix"}},
      {&dry_service,
       Caller(pfxd.validation(), &v1::Validation::Stub::Explain),
       {"peering_service_prefix_candidate.provider_asn",
        "peering_service_prefix_candidate.primary_peering_location",
        "peering_service_prefix_candidate.prefix"}},
      {&announce,
       Caller(pfxd.injection(), &v1::RouteInjection::Stub::AnnounceRoutes),
       {"session.router", "session.peer_address", "routes[0].prefix"}},
  };
  for (const Case& c : cases) {
    for (const std::string& field : c.required) {
      std::unique_ptr<google::protobuf::Message> request(c.valid->New());
      request->CopyFrom(*c.valid);
      ClearPath(*request, field);
      grpc::Status s = c.call(*request);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << c.valid->GetDescriptor()->name() << " without " << field << ": " << s.error_message();
      EXPECT_THAT(s.error_message(), ::testing::StartsWith(field + ":"))
          << c.valid->GetDescriptor()->name();
    }
  }
  EXPECT_EQ(StoreSnapshot(pfxd), before);
}

}  // namespace
}  // namespace pfx::testing
