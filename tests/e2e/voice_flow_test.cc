// Voice seed flow, end to end against the real pfxd binary over gRPC.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

class VoiceFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string irr = WriteTempFile("voice.rpsl", RouteObjects({{"1.1.1.0/24", 13335},
                                                                {"1.0.0.0/24", 13335},
                                                                {"8.8.8.0/24", 15169},
                                                                {"9.9.9.0/24", 13335},
                                                                {"4.4.4.0/24", 13335},
                                                                {"10.1.0.0/16", 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{
        "--enable_route_injection", "--irr=" + irr, "--debounce_millis=20"});
    ASSERT_TRUE(pfxd_->Start());
    peering_ = MakePeering(
        "voice-1", 13335, v1::PEERING_KIND_VOICE,
        {{"Seattle", "sea-1", {"198.51.100.1"}}, {"Seattle", "sea-2", {"198.51.100.5"}}});
    v1::CreatePeeringRequest req;
    *req.mutable_peering() = peering_;
    v1::Peering created;
    ASSERT_TRUE(pfxd_->peerings().CreatePeering(Ctx().get(), req, &created).ok());
    EXPECT_TRUE(created.connections(0).sessions(0).bfd_enabled());
    EXPECT_EQ(created.sku(), "Premium Free");
  }

  void Activate() {
    for (const auto& c : peering_.connections()) {
      v1::SetConnectionStateRequest set;
      set.set_peering_name("voice-1");
      set.set_connection_id(c.connection_id());
      set.set_connection_state(v1::CONNECTION_STATE_ACTIVE);
      v1::Peering p;
      ASSERT_TRUE(pfxd_->peerings().SetConnectionState(Ctx().get(), set, &p).ok());
    }
  }

  // Registers `prefix` as `name`, announces it on both sessions with `path` and `communities`,
  // and waits for `state`; returns the error message seen.
  std::string RunCase(const std::string& name, const std::string& prefix, const std::string& path,
                      const std::vector<std::string>& communities, v1::PrefixValidationState state,
                      const std::string& message_part) {
    EXPECT_TRUE(RegisterPrefix(*pfxd_, "voice-1", name, prefix).ok());
    EXPECT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", prefix, path, communities).ok());
    EXPECT_TRUE(Announce(*pfxd_, "sea-2", "198.51.100.5", prefix, path, communities).ok());
    v1::RegisteredPrefix last;
    EXPECT_TRUE(WaitForRegisteredState(*pfxd_, "voice-1", name, state, &last, message_part))
        << name << " stayed " << v1::PrefixValidationState_Name(last.prefix_validation_state())
        << ": " << last.error_message();
    return last.error_message();
  }

  std::unique_ptr<PfxdProcess> pfxd_;
  v1::Peering peering_;
};

TEST_F(VoiceFlowTest, RegistrationNeedsAnActiveConnection) {
  grpc::Status s = RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("no ACTIVE connection"));
}

TEST_F(VoiceFlowTest, FailedOnOneSessionThenVerifiedOnBoth) {
  Activate();
  v1::RegisteredPrefix created;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", &created).ok());
  EXPECT_EQ(created.peering_service_prefix_key().size(), 36u);
  EXPECT_EQ(created.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_PENDING);

  ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  v1::RegisteredPrefix last;
  ASSERT_TRUE(WaitForRegisteredState(
      *pfxd_, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_FAILED, &last,
      "Prefix not received from IP: 1.1.1.0/24 not advertised on session 198.51.100.5"));
  EXPECT_THAT(last.error_message(), HasSubstr("Prefix not received from IP"));
  EXPECT_THAT(last.error_message(), HasSubstr("198.51.100.5 on router sea-2 at Seattle"));

  ASSERT_TRUE(Announce(*pfxd_, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(
      WaitForRegisteredState(*pfxd_, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED, &last))
      << last.error_message();
  EXPECT_TRUE(last.error_message().empty());
  bool announced = false;
  for (const auto& e : last.events()) announced |= e.event_type() == "PrefixAnnouncementEvent";
  EXPECT_TRUE(announced);

  // Explain shows every check with the routes per session.
  v1::ExplainRequest explain;
  explain.mutable_target()->set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  explain.mutable_target()->set_parent("voice-1");
  explain.mutable_target()->set_name("r1");
  v1::ExplainResponse why;
  ASSERT_TRUE(pfxd_->validation().Explain(Ctx().get(), explain, &why).ok());
  ASSERT_EQ(why.checks_size(), 6);  // ... as-path, rpki-origin
  EXPECT_EQ(why.checks(2).check(), "all-sessions-advertise");
  EXPECT_EQ(why.checks(2).evidence_size(), 2);
  EXPECT_EQ(why.checks(2).evidence(0).routes(0).communities(0), "8075:8007");
}

TEST_F(VoiceFlowTest, EachRuleGivesItsStateAndMessage) {
  Activate();
  EXPECT_THAT(
      RunCase("community", "1.0.0.0/24", "13335", {"8075:8001"}, v1::PREFIX_VALIDATION_STATE_FAILED,
              "Advertisement missing MAPS community: community 8075:8007 missing on session"),
      HasSubstr("Advertisement missing MAPS community: community 8075:8007 missing on session"));
  EXPECT_THAT(RunCase("path4", "8.8.8.0/24", "13335 174 3356 15169", {"8075:8007"},
                      v1::PREFIX_VALIDATION_STATE_FAILED, "AS path isn't correct"),
              HasSubstr("AS path isn't correct"));
  EXPECT_THAT(RunCase("private-asn", "9.9.9.0/24", "64512 13335", {"8075:8007"},
                      v1::PREFIX_VALIDATION_STATE_FAILED,
                      "AS path for prefix shouldn't have any private ASN"),
              HasSubstr("AS path for prefix shouldn't have any private ASN"));
  EXPECT_THAT(RunCase("prepend", "4.4.4.0/24", "13335 13335", {"8075:8007"},
                      v1::PREFIX_VALIDATION_STATE_FAILED, "prepending"),
              HasSubstr("prepending"));
  EXPECT_THAT(
      RunCase("private", "10.1.0.0/16", "13335", {"8075:8007"}, v1::PREFIX_VALIDATION_STATE_INVALID,
              "Registered prefix is invalid: 10.1.0.0/16 is inside 10.0.0.0/8"),
      HasSubstr("Registered prefix is invalid: 10.1.0.0/16 is inside 10.0.0.0/8"));
}

TEST_F(VoiceFlowTest, PrefixHeldByOnePeeringOnly) {
  Activate();
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24").ok());
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-2", 3356, v1::PEERING_KIND_VOICE,
                                                      {{"Dallas", "dal-1", {"203.0.113.1"}},
                                                       {"Dallas", "dal-2", {"203.0.113.5"}}}))
                  .ok());
  grpc::Status s = RegisterPrefix(*pfxd_, "voice-2", "r1", "1.1.1.0/24");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr("voice-1/r1"));

  // Deleting frees the prefix for the other peering.
  v1::DeleteRegisteredPrefixRequest del;
  del.set_peering_name("voice-1");
  del.set_name("r1");
  google::protobuf::Empty empty;
  ASSERT_TRUE(pfxd_->registrations().DeleteRegisteredPrefix(Ctx().get(), del, &empty).ok());
  EXPECT_TRUE(RegisterPrefix(*pfxd_, "voice-2", "r1", "1.1.1.0/24").ok());
}

TEST_F(VoiceFlowTest, RetriedRequestIsAppliedOnce) {
  Activate();
  v1::RegisteredPrefix first, second;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", &first, "req-42").ok());
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", &second, "req-42").ok());
  EXPECT_EQ(first.peering_service_prefix_key(), second.peering_service_prefix_key());
  EXPECT_EQ(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", nullptr, "req-43").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(VoiceFlowTest, PeeringWithRegistrationsCannotBeDeleted) {
  Activate();
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24").ok());
  v1::DeletePeeringRequest del;
  del.set_name("voice-1");
  google::protobuf::Empty empty;
  grpc::Status s = pfxd_->peerings().DeletePeering(Ctx().get(), del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("r1"));
}

}  // namespace
}  // namespace pfx::testing
