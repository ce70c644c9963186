#include "validator/checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "validator/community.h"

namespace pfx {
namespace {

IpPrefix P(const char* s) { return *IpPrefix::Parse(s); }

SessionObservation Session(const char* peer, const char* location, const char* prefix,
                           const char* path, std::vector<uint32_t> communities = {kMapsCommunity}) {
  SessionObservation s{.router = "msee-1",
                       .peer_address = peer,
                       .location = location,
                       .state = FeedSessionState::kEstablished};
  if (prefix != nullptr) {
    s.route = ObservedRoute{P(prefix), *AsPath::Parse(path), std::move(communities), "192.0.2.1"};
  }
  return s;
}

const CheckReport& Find(const ValidationResult& r, const std::string& check) {
  for (const CheckReport& c : r.checks) {
    if (c.check == check) return c;
  }
  static CheckReport missing;
  ADD_FAILURE() << "no check " << check;
  return missing;
}

class RegisteredPrefixChecks : public testing::Test {
 protected:
  RegisteredPrefixChecks() { irr_.Add(P("1.1.1.0/24"), 13335, "RADB"); }

  ValidationResult Run(std::vector<SessionObservation> sessions,
                       const char* prefix = "1.1.1.0/24") {
    return CheckRegisteredPrefix({P(prefix), std::move(sessions), &irr_});
  }

  IrrIndex irr_;
};

TEST_F(RegisteredPrefixChecks, VerifiedWhenEverySessionAdvertisesCorrectly) {
  auto r = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
                Session("10.0.0.2", "Seattle", "1.1.1.0/24", "13335")});
  EXPECT_EQ(r.state, ValidationState::kVerified) << r.error_message;
  ASSERT_EQ(r.checks.size(), 6u);
  // Without RPKI data the advisory check decides nothing.
  EXPECT_EQ(r.checks.back().check, "rpki-origin");
  EXPECT_EQ(r.checks.back().outcome, Outcome::kNotEvaluated);
  EXPECT_TRUE(r.error_message.empty());
}

TEST_F(RegisteredPrefixChecks, MissingSessionIsFailedAndNamesIt) {
  auto r = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
                Session("10.0.0.2", "Seattle", nullptr, nullptr)});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_EQ(r.error_message,
            "Prefix not received from IP: 1.1.1.0/24 not advertised on session 10.0.0.2 on router "
            "msee-1 at Seattle");
  EXPECT_TRUE(r.only_missing_routes);
}

TEST_F(RegisteredPrefixChecks, InitialTableIsUnknownNotFailed) {
  auto pending = Session("10.0.0.2", "Seattle", nullptr, nullptr);
  pending.state = FeedSessionState::kInitialTable;
  auto r = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"), pending});
  EXPECT_EQ(r.state, ValidationState::kUnknown) << r.error_message;
}

TEST_F(RegisteredPrefixChecks, NoRequiredSessionsFails) {
  auto r = Run({});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_EQ(Find(r, "all-sessions-advertise").outcome, Outcome::kFail);
}

TEST_F(RegisteredPrefixChecks, MissingCommunityNamesWhatWasSeen) {
  auto r =
      Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
           Session("2001:db8::1", "Seattle", "1.1.1.0/24", "13335", {MakeCommunity(8075, 8001)})});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_EQ(r.error_message,
            "Advertisement missing MAPS community: community 8075:8007 missing on session "
            "2001:db8::1 on router msee-1 at Seattle (route 1.1.1.0/24 has 8075:8001)");
  EXPECT_FALSE(r.only_missing_routes);
}

TEST_F(RegisteredPrefixChecks, AsPathThreeVersusFour) {
  irr_.Add(P("1.1.1.0/24"), 3356, "RADB");
  auto ok = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335 174 3356")});
  EXPECT_EQ(ok.state, ValidationState::kVerified) << ok.error_message;
  irr_.Add(P("1.1.1.0/24"), 1299, "RADB");
  auto bad = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335 174 3356 1299")});
  EXPECT_EQ(bad.state, ValidationState::kFailed);
  EXPECT_EQ(bad.error_message.rfind("AS path isn't correct: ", 0), 0u) << bad.error_message;
}

TEST_F(RegisteredPrefixChecks, MoreSpecificThan24HasTheSameBound) {
  irr_.Add(P("1.1.1.0/25"), 3356, "RADB");
  irr_.Add(P("1.1.1.0/25"), 1299, "RADB");
  auto ok = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/25", "13335 174 3356")}, "1.1.1.0/25");
  EXPECT_EQ(ok.state, ValidationState::kVerified) << ok.error_message;
  auto bad =
      Run({Session("10.0.0.1", "Seattle", "1.1.1.0/25", "13335 174 3356 1299")}, "1.1.1.0/25");
  EXPECT_EQ(bad.state, ValidationState::kFailed);
}

TEST_F(RegisteredPrefixChecks, PrivateAsnHasItsOwnHeading) {
  irr_.Add(P("1.1.1.0/24"), 13335, "RADB");
  auto r = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "64512 13335")});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_EQ(r.error_message.rfind("AS path for prefix shouldn't have any private ASN", 0), 0u)
      << r.error_message;
}

TEST_F(RegisteredPrefixChecks, PrependingFails) {
  auto r = Run({Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335 13335")});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_NE(r.error_message.find("prepending"), std::string::npos);
}

TEST_F(RegisteredPrefixChecks, PrivatePrefixIsInvalid) {
  auto r = Run({Session("10.0.0.1", "Seattle", "10.1.0.0/16", "13335")}, "10.1.0.0/16");
  EXPECT_EQ(r.state, ValidationState::kInvalid);
  EXPECT_EQ(r.error_message.rfind("Registered prefix is invalid: 10.1.0.0/16 is inside", 0), 0u)
      << r.error_message;
}

TEST_F(RegisteredPrefixChecks, IrrOutcomes) {
  irr_.Add(P("8.0.0.0/12"), 3356, "ARIN");
  irr_.Add(P("9.9.9.0/24"), 19281, "RIPE");
  auto less = Run({Session("10.0.0.1", "Seattle", "8.8.8.0/24", "3356")}, "8.8.8.0/24");
  EXPECT_EQ(less.state, ValidationState::kVerified);
  EXPECT_NE(Find(less, "irr-origin").reason.find("less-specific"), std::string::npos);
  auto mismatch = Run({Session("10.0.0.1", "Seattle", "9.9.9.0/24", "13335")}, "9.9.9.0/24");
  EXPECT_EQ(mismatch.state, ValidationState::kFailed);
  EXPECT_NE(Find(mismatch, "irr-origin").reason.find("origin: AS19281 source: RIPE"),
            std::string::npos);
  auto none = Run({Session("10.0.0.1", "Seattle", "4.4.4.0/24", "3356")}, "4.4.4.0/24");
  EXPECT_EQ(none.state, ValidationState::kFailed);
  EXPECT_EQ(Find(none, "irr-origin").outcome, Outcome::kFail);
}

class ServicePrefixChecks : public testing::Test {
 protected:
  ServicePrefixChecks() {
    irr_.Add(P("1.1.1.0/24"), 13335, "RADB");
    key_ = *PrefixKey::Parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0");
  }
  ServicePrefixInput Input() {
    ServicePrefixInput in;
    in.prefix = P("1.1.1.0/24");
    in.given_key = key_;
    in.provider_found = true;
    in.primary_sessions = {Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
                           Session("10.0.0.2", "Seattle", "1.1.1.0/24", "13335")};
    in.has_backup_location = true;
    auto backup = Session("10.0.1.1", "Dallas", "1.1.1.0/24", "13335");
    backup.backup = true;
    in.backup_sessions = {backup};
    in.registered_asn_keys[13335] = {key_, "registered ASN rs-1/cust (AS13335)"};
    in.irr = &irr_;
    return in;
  }
  IrrIndex irr_;
  PrefixKey key_ = *PrefixKey::Parse("00000000-0000-0000-0000-000000000000");
};

TEST_F(ServicePrefixChecks, VerifiedViaRegisteredAsn) {
  auto r = CheckServicePrefix(Input());
  EXPECT_EQ(r.state, ValidationState::kVerified) << r.error_message;
  EXPECT_TRUE(r.learned_via_provider);
  std::vector<std::string> names;
  for (const CheckReport& c : r.checks) names.push_back(c.check);
  EXPECT_THAT(names, testing::ElementsAre("not-private", "irr-origin", "provider", "key-match",
                                          "primary-and-backup-advertise", "community", "as-path",
                                          "rpki-origin"));
}

TEST_F(ServicePrefixChecks, VerifiedViaCoveringRegisteredPrefix) {
  auto in = Input();
  in.registered_asn_keys.clear();
  in.registered_prefix_keys.push_back({key_, "registered prefix voice/r (1.1.0.0/16)"});
  EXPECT_EQ(CheckServicePrefix(in).state, ValidationState::kVerified);
}

TEST_F(ServicePrefixChecks, KeyOffByOneByteIsInvalid) {
  auto in = Input();
  auto bytes = key_.bytes();
  bytes[15] ^= 1;
  in.given_key = PrefixKey::FromBytes(bytes);
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kInvalid);
  EXPECT_EQ(Find(r, "key-match").outcome, Outcome::kFail);
}

TEST_F(ServicePrefixChecks, UnregisteredPrefixIsInvalid) {
  auto in = Input();
  in.registered_asn_keys.clear();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kInvalid);
  EXPECT_THAT(r.error_message,
              testing::HasSubstr("no registered ASN for the route's origin AS13335"));
}

// Route server: the registered ASN is found through the route's origin. With the key of one of
// the provider's registered ASNs and no route yet, key-match waits (NOT_EVALUATED) and the
// advertise check fails naming the sessions: FAILED, which a route fixes.
TEST_F(ServicePrefixChecks, AsnKeyWaitingForARouteIsFailedNamingTheSessions) {
  auto in = Input();
  in.given_key_owner = ServicePrefixInput::KeyOwner{"registered ASN rs-1/cust", true};
  for (auto& s : in.primary_sessions) s.route.reset();
  for (auto& s : in.backup_sessions) s.route.reset();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kFailed) << r.error_message;
  EXPECT_EQ(Find(r, "key-match").outcome, Outcome::kNotEvaluated);
  EXPECT_THAT(Find(r, "key-match").reason, testing::HasSubstr("no provider session advertises"));
  EXPECT_THAT(r.error_message,
              testing::StartsWith("Prefix not received from IP: 1.1.1.0/24 not advertised on "
                                  "sessions 10.0.0.1 on router msee-1 at Seattle"));
  EXPECT_TRUE(r.only_missing_routes) << "hold-down still applies";
}

// A key that belongs to no registration of the provider is INVALID with or without routes.
TEST_F(ServicePrefixChecks, KeyOfNobodyIsInvalidEvenWithoutRoutes) {
  auto in = Input();
  for (auto& s : in.primary_sessions) s.route.reset();
  for (auto& s : in.backup_sessions) s.route.reset();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kInvalid) << r.error_message;
  EXPECT_THAT(r.error_message,
              testing::HasSubstr("the key given belongs to no registration of the provider"));
}

// The key is one of the provider's registered ASNs, but the routes come from another origin:
// a route from the key's ASN fixes it, so FAILED. A registered prefix's key that does not
// cover the prefix never will: INVALID.
TEST_F(ServicePrefixChecks, ProvidersKeyForOtherRoutesIsFailed) {
  auto in = Input();
  auto bytes = key_.bytes();
  bytes[0] ^= 1;
  in.given_key = PrefixKey::FromBytes(bytes);
  in.given_key_owner = ServicePrefixInput::KeyOwner{"registered ASN rs-1/other", true};
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kFailed) << r.error_message;
  EXPECT_THAT(r.error_message, testing::HasSubstr("belongs to registered ASN rs-1/other"));
  in.given_key_owner = ServicePrefixInput::KeyOwner{"registered prefix voice-1/r9", false};
  r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kInvalid) << r.error_message;
  EXPECT_THAT(r.error_message, testing::HasSubstr("which does not cover 1.1.1.0/24"));
}

TEST_F(ServicePrefixChecks, DryRunWithoutKeyNamesTheMatchingRegistration) {
  auto in = Input();
  in.given_key.reset();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(Find(r, "key-match").outcome, Outcome::kNotEvaluated);
  EXPECT_THAT(Find(r, "key-match").reason, testing::HasSubstr("registered ASN rs-1/cust"));
  EXPECT_EQ(r.state, ValidationState::kVerified);
}

TEST_F(ServicePrefixChecks, BackupMissingFails) {
  auto in = Input();
  in.backup_sessions[0].route.reset();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_NE(r.error_message.find("10.0.1.1 on router msee-1 at Dallas"), std::string::npos)
      << r.error_message;
  EXPECT_TRUE(r.only_missing_routes);
}

TEST_F(ServicePrefixChecks, FewerThanTwoPrimarySessions) {
  auto in = Input();
  in.primary_sessions.pop_back();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_EQ(
      r.error_message.rfind("Provider has fewer than two sessions in its primary location", 0), 0u);
}

TEST_F(ServicePrefixChecks, NoBackupSessions) {
  auto in = Input();
  in.backup_sessions.clear();
  auto r = CheckServicePrefix(in);
  EXPECT_EQ(r.error_message.rfind("Provider has no sessions in its backup location", 0), 0u);
  in.has_backup_location = false;
  EXPECT_EQ(CheckServicePrefix(in).state, ValidationState::kVerified);
}

TEST_F(ServicePrefixChecks, ProviderNotFound) {
  auto in = Input();
  in.provider_found = false;
  in.primary_sessions.clear();
  in.backup_sessions.clear();
  auto r = CheckServicePrefix(in);
  // The most basic cause is the one reported; Explain still shows every check.
  EXPECT_EQ(r.state, ValidationState::kInvalid);
  EXPECT_EQ(r.error_message.rfind("Peering service provider not found: ", 0), 0u)
      << r.error_message;
  EXPECT_EQ(Find(r, "provider").outcome, Outcome::kFail);
  EXPECT_EQ(Find(r, "key-match").outcome, Outcome::kNotEvaluated);
  EXPECT_EQ(Find(r, "primary-and-backup-advertise").outcome, Outcome::kNotEvaluated);
  EXPECT_EQ(r.checks.size(), 8u);
}

}  // namespace
}  // namespace pfx

namespace pfx {
namespace {

// rpki-origin at each rpki_policy: the same RPKI-invalid route (AS13335 where the ROA names
// AS64500) is evidence only, a WARNING, or a failure.
class RpkiOriginCheck : public testing::Test {
 protected:
  RpkiOriginCheck() {
    irr_.Add(P("1.1.1.0/24"), 13335, "RADB");
    vrps_.Add({P("1.1.0.0/16"), 24, 64500, "apnic"});
  }
  ValidationResult Run(RpkiPolicy policy, const char* origin = "13335") {
    return CheckRegisteredPrefix({P("1.1.1.0/24"),
                                  {Session("10.0.0.1", "Seattle", "1.1.1.0/24", origin),
                                   Session("10.0.0.2", "Seattle", "1.1.1.0/24", origin)},
                                  &irr_,
                                  {&vrps_, policy}});
  }
  IrrIndex irr_;
  VrpIndex vrps_;
};

TEST_F(RpkiOriginCheck, AdvisoryKeepsVerifiedAndShowsTheEvidence) {
  ValidationResult r = Run(RpkiPolicy::kAdvisory);
  EXPECT_EQ(r.state, ValidationState::kVerified) << r.error_message;
  const CheckReport& c = Find(r, "rpki-origin");
  EXPECT_EQ(c.outcome, Outcome::kWarn);
  EXPECT_FALSE(c.warns);
  EXPECT_THAT(c.reason, testing::HasSubstr("from AS13335 is RPKI invalid"));
  EXPECT_THAT(c.matched_objects, testing::ElementsAre("AS64500 1.1.0.0/16-24 (apnic)"));
  EXPECT_EQ(c.evidence.size(), 2u);
}

TEST_F(RpkiOriginCheck, WarnTurnsAnOtherwiseVerifiedPrefixWarning) {
  ValidationResult r = Run(RpkiPolicy::kWarn);
  EXPECT_EQ(r.state, ValidationState::kWarning);
  EXPECT_THAT(r.error_message, testing::StartsWith("RPKI origin invalid: route on session"));
  EXPECT_FALSE(r.only_missing_routes);
}

TEST_F(RpkiOriginCheck, RejectInvalidFails) {
  ValidationResult r = Run(RpkiPolicy::kRejectInvalid);
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_THAT(r.error_message, testing::StartsWith("RPKI origin invalid: "));
  EXPECT_FALSE(r.only_missing_routes);  // hold-down does not soften it
}

TEST_F(RpkiOriginCheck, ValidAndNotFoundPassAtEveryPolicy) {
  vrps_.Add({P("1.1.0.0/16"), 24, 13335, "apnic"});
  for (RpkiPolicy policy : {RpkiPolicy::kAdvisory, RpkiPolicy::kWarn, RpkiPolicy::kRejectInvalid}) {
    ValidationResult r = Run(policy);
    EXPECT_EQ(r.state, ValidationState::kVerified) << r.error_message;
    EXPECT_EQ(Find(r, "rpki-origin").outcome, Outcome::kPass);
    EXPECT_EQ(Find(r, "rpki-origin").reason, "AS13335 Valid");
  }
  VrpIndex empty;
  vrps_ = empty;
  ValidationResult r = Run(RpkiPolicy::kRejectInvalid);
  EXPECT_EQ(r.state, ValidationState::kVerified);
  EXPECT_EQ(Find(r, "rpki-origin").reason, "AS13335 NotFound");
}

TEST_F(RpkiOriginCheck, UnavailableDataIsUndeterminedUnlessAdvisory) {
  for (RpkiPolicy policy : {RpkiPolicy::kWarn, RpkiPolicy::kRejectInvalid}) {
    ValidationResult r = CheckRegisteredPrefix(
        {P("1.1.1.0/24"),
         {Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
          Session("10.0.0.2", "Seattle", "1.1.1.0/24", "13335")},
         &irr_,
         {nullptr, policy, /*unavailable=*/true}});
    EXPECT_EQ(r.state, ValidationState::kUnknown);
    EXPECT_THAT(r.error_message, testing::HasSubstr("RTR cache is not in sync"));
  }
  ValidationResult r = CheckRegisteredPrefix(
      {P("1.1.1.0/24"),
       {Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335"),
        Session("10.0.0.2", "Seattle", "1.1.1.0/24", "13335")},
       &irr_,
       {nullptr, RpkiPolicy::kAdvisory, /*unavailable=*/true}});
  EXPECT_EQ(r.state, ValidationState::kVerified);
  EXPECT_EQ(Find(r, "rpki-origin").outcome, Outcome::kNotEvaluated);
}

TEST_F(RpkiOriginCheck, AWarningPrefixStillFailsOnARealFailure) {
  // Another failing check decides: FAILED (not WARNING) under WARN.
  ValidationResult r = CheckRegisteredPrefix(
      {P("1.1.1.0/24"),
       {Session("10.0.0.1", "Seattle", "1.1.1.0/24", "13335", {}),
        Session("10.0.0.2", "Seattle", "1.1.1.0/24", "13335", {})},
       &irr_,
       {&vrps_, RpkiPolicy::kWarn}});
  EXPECT_EQ(r.state, ValidationState::kFailed);
  EXPECT_THAT(r.error_message, testing::HasSubstr("MAPS community"));
}

}  // namespace
}  // namespace pfx
