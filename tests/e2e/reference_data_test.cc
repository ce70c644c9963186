// RPKI route origin validation and live reload of the reference data, end to end: the real
// pfxd with rpki-client JSON files or a real RTR cache (stayrtr on 127.0.0.1), at each
// rpki_policy; IRR and RPKI files changed under a running pfxd and reloaded by SIGHUP and by
// Admin.ReloadReferenceData; a broken file keeps the old data.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pfx/v1/admin.grpc.pb.h"
#include "tests/e2e/fixtures.h"
#include "tests/e2e/gobgpd_process.h"  // FreePort
#include "tests/e2e/stayrtr_process.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPrefix[] = "1.1.1.0/24";

std::string Vrps(int asn, int max_length = 24) {
  return absl::StrCat(R"({"metadata":{"generated":1700000000},"roas":[{"asn":)", asn,
                      R"(,"prefix":"1.1.0.0/16","maxLength":)", max_length,
                      R"(,"ta":"apnic"}]})");
}

void Rewrite(const std::string& path, const std::string& text) {
  std::string next = path + ".next";
  std::ofstream(next) << text;
  std::rename(next.c_str(), path.c_str());  // whole, as a cron job's mv would
}

class ReferenceDataTest : public ::testing::Test {
 protected:
  // Starts pfxd with `args` plus the voice IRR; registers 1.1.1.0/24 and 9.9.9.0/24 on voice-1
  // and announces them from AS13335 on both sessions.
  void StartAndAnnounce(std::vector<std::string> args) {
    irr_ = WriteTempFile("reference.rpsl",
                         RouteObjects({{"1.1.1.0/24", 13335}, {"9.9.9.0/24", 13335}}));
    const std::string port_file = WriteTempFile("reference_metrics_port", "");
    std::filesystem::remove(port_file);
    args.insert(args.end(), {"--enable_route_injection", "--debounce_millis=20", "--irr=" + irr_,
                             "--metrics_listen=127.0.0.1:0", "--metrics_port_file=" + port_file});
    pfxd_ = std::make_unique<PfxdProcess>(args);
    pfxd_->set_capture_log(true);
    ASSERT_TRUE(pfxd_->Start()) << pfxd_->Log();
    for (int i = 0; i < 100 && ReadFile(port_file).empty(); ++i) absl::SleepFor(absl::Milliseconds(50));
    metrics_ = absl::StrCat("http://127.0.0.1:", absl::StripAsciiWhitespace(ReadFile(port_file)));
    ASSERT_TRUE(CreateActivePeering(
                    *pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                        {{"Seattle", "sea-1", {"198.51.100.1"}},
                                         {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
    for (auto [name, prefix] : {std::pair{"r1", kPrefix}, std::pair{"r9", "9.9.9.0/24"}}) {
      ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", name, prefix).ok());
      ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", prefix, "13335").ok());
      ASSERT_TRUE(Announce(*pfxd_, "sea-2", "198.51.100.5", prefix, "13335").ok());
    }
    admin_ = v1::Admin::NewStub(pfxd_->NewChannel(grpc::InsecureChannelCredentials()));
  }

  bool WaitFor(const std::string& name, v1::PrefixValidationState state,
               const std::string& message_part = "") {
    v1::RegisteredPrefix last;
    bool ok = WaitForRegisteredState(*pfxd_, "voice-1", name, state, &last, message_part);
    if (!ok) {
      ADD_FAILURE() << name << " stayed "
                    << v1::PrefixValidationState_Name(last.prefix_validation_state()) << ": "
                    << last.error_message();
    }
    return ok;
  }

  // The RPKI state of 1.1.1.0/24 on sea-1 as ListReceivedRoutes shows it.
  v1::ReceivedRoute Route() {
    v1::ListReceivedRoutesRequest req;
    req.set_peering_name("voice-1");
    req.set_prefix(kPrefix);
    v1::ListReceivedRoutesResponse resp;
    EXPECT_TRUE(pfxd_->routes().ListReceivedRoutes(Ctx().get(), req, &resp).ok());
    return resp.received_routes_size() > 0 ? resp.received_routes(0) : v1::ReceivedRoute();
  }

  v1::CheckResult RpkiCheck(const std::string& name) {
    v1::ExplainRequest req;
    req.mutable_target()->set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
    req.mutable_target()->set_parent("voice-1");
    req.mutable_target()->set_name(name);
    v1::ExplainResponse resp;
    EXPECT_TRUE(pfxd_->validation().Explain(Ctx().get(), req, &resp).ok());
    for (const v1::CheckResult& c : resp.checks()) {
      if (c.check() == "rpki-origin") return c;
    }
    ADD_FAILURE() << "Explain has no rpki-origin check";
    return {};
  }

  grpc::Status Reload(v1::ReloadReferenceDataResponse* out) {
    return admin_->ReloadReferenceData(Ctx().get(), v1::ReloadReferenceDataRequest(), out);
  }

  // The metrics port's /metrics or /status.
  std::string Http(const std::string& path) {
    return RunCommand(absl::StrCat("curl -sf ", metrics_, path)).output;
  }

  std::string irr_;
  std::string metrics_;  // http://127.0.0.1:PORT
  std::unique_ptr<PfxdProcess> pfxd_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

TEST_F(ReferenceDataTest, WithoutRpkiRoutesAreNotEvaluatedAndTheCheckDecidesNothing) {
  StartAndAnnounce({});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED);
  EXPECT_EQ(RpkiCheck("r1").outcome(), v1::CHECK_OUTCOME_NOT_EVALUATED);
  EXPECT_THAT(Http("/metrics"), ::testing::Not(HasSubstr("pfxd_rpki_vrps")));
  EXPECT_THAT(Http("/status"), HasSubstr("RPKI: not configured"));
}

TEST_F(ReferenceDataTest, AdvisoryShowsAnInvalidRouteAsEvidenceOnly) {
  std::string vrps = WriteTempFile("advisory.json", Vrps(64500));
  StartAndAnnounce({"--rpki_json=" + vrps});  // default policy: advisory
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_INVALID);
  v1::CheckResult check = RpkiCheck("r1");
  EXPECT_EQ(check.outcome(), v1::CHECK_OUTCOME_WARN);
  EXPECT_THAT(check.reason(), HasSubstr("AS13335 is RPKI invalid"));
  EXPECT_THAT(check.reason(), HasSubstr("AS64500 1.1.0.0/16-24 (apnic)"));
  EXPECT_THAT(check.reason(), HasSubstr("rpki_policy ADVISORY"));
  // The filter finds it; a NOT_FOUND route (9.9.9.0/24, no VRP covers it) is not listed.
  v1::ListReceivedRoutesRequest req;
  req.set_peering_name("voice-1");
  req.set_rpki_validation_state(v1::ROUTE_VALIDATION_STATE_INVALID);
  v1::ListReceivedRoutesResponse resp;
  ASSERT_TRUE(pfxd_->routes().ListReceivedRoutes(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.received_routes_size(), 2);  // sea-1 and sea-2
  EXPECT_EQ(resp.received_routes(0).prefix(), kPrefix);
}

TEST_F(ReferenceDataTest, WarnTurnsVerifiedIntoWarningAndSighupReloadsTheFile) {
  std::string vrps = WriteTempFile("warn.json", Vrps(64500));
  StartAndAnnounce({"--rpki_json=" + vrps, "--rpki_policy=warn"});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_WARNING, "RPKI origin invalid"));
  ASSERT_TRUE(WaitFor("r9", v1::PREFIX_VALIDATION_STATE_VERIFIED));  // NotFound is fine

  // The ROA now names AS13335: SIGHUP reloads, 1.1.1.0/24 is queued again and VERIFIED.
  Rewrite(vrps, Vrps(13335));
  ASSERT_EQ(kill(pfxd_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  v1::ReceivedRoute route = Route();
  EXPECT_EQ(route.rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_VALID);
  EXPECT_EQ(route.trust_anchor(), "apnic");
  EXPECT_THAT(pfxd_->Log(),
              HasSubstr("reference data reload: 1 changed prefixes touch 1 registered"));

  // Back to AS64500 through the RPC: the reply counts the RPKI change and its one requeue.
  Rewrite(vrps, Vrps(64500));
  v1::ReloadReferenceDataResponse changed;
  ASSERT_TRUE(Reload(&changed).ok());
  EXPECT_EQ(changed.irr_changed_prefixes(), 0);
  EXPECT_EQ(changed.rpki_changed_prefixes(), 1);
  EXPECT_EQ(changed.requeued_prefixes(), 1);  // r1; r9 is not covered by 1.1.0.0/16
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_WARNING, "RPKI origin invalid"));
  Rewrite(vrps, Vrps(13335));
  ASSERT_TRUE(Reload(&changed).ok());
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));

  // A broken file: the reload fails naming it, the old VRPs stay (the route is still VALID).
  Rewrite(vrps, R"({"roas":[{"asn":13335,"prefix":"1.1.0.0/16","maxLength":8}]})");
  v1::ReloadReferenceDataResponse reply;
  grpc::Status s = Reload(&reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("RPKI kept the old data"));
  EXPECT_THAT(s.error_message(), HasSubstr("roas[0]: maxLength 8 is outside 16..32"));
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_VALID);
  EXPECT_EQ(GetRegistered(*pfxd_, "voice-1", "r1").prefix_validation_state(),
            v1::PREFIX_VALIDATION_STATE_VERIFIED);
  // Counted: four reloads (SIGHUP, three RPCs), one of them failed; the index has 1 VRP.
  const std::string metrics = Http("/metrics");
  EXPECT_THAT(metrics, HasSubstr("\npfxd_reference_reloads_total 4\n"));
  EXPECT_THAT(metrics, HasSubstr("\npfxd_reference_reload_failures_total 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\npfxd_rpki_vrps 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\npfxd_rpki_loaded_timestamp_seconds "));
  EXPECT_THAT(Http("/status"), HasSubstr("id=\"rpki\">1<"));
}

TEST_F(ReferenceDataTest, RejectInvalidFailsThePrefix) {
  std::string vrps = WriteTempFile("reject.json", Vrps(13335, /*max_length=*/16));
  StartAndAnnounce({"--rpki_json=" + vrps, "--rpki_policy=reject_invalid"});
  // AS13335 is right, but /24 is longer than the ROA's maxLength 16: invalid by length.
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_FAILED, "RPKI origin invalid"));
  EXPECT_EQ(RpkiCheck("r1").outcome(), v1::CHECK_OUTCOME_FAIL);
  ASSERT_TRUE(WaitFor("r9", v1::PREFIX_VALIDATION_STATE_VERIFIED));
}

// The IRR dump changes under pfxd: the reload requeues exactly the prefix whose objects
// changed (r1), not the other one (r9), and a broken dump keeps the old objects.
TEST_F(ReferenceDataTest, IrrReloadRequeuesExactlyTheChangedPrefixes) {
  StartAndAnnounce({});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  ASSERT_TRUE(WaitFor("r9", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  Rewrite(irr_, RouteObjects({{"1.1.1.0/24", 64500}, {"9.9.9.0/24", 13335}}));
  v1::ReloadReferenceDataResponse reply;
  ASSERT_TRUE(Reload(&reply).ok());
  EXPECT_EQ(reply.irr_changed_prefixes(), 1);
  EXPECT_EQ(reply.requeued_prefixes(), 1);
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_FAILED, "IRR origin mismatch"));
  EXPECT_EQ(GetRegistered(*pfxd_, "voice-1", "r9").prefix_validation_state(),
            v1::PREFIX_VALIDATION_STATE_VERIFIED);

  // A dump cut short (a copy caught half-written): refused, the objects stay as they were.
  ASSERT_EQ(RunCommand(absl::StrCat("gzip -c ", irr_, " > ", irr_, ".gz && head -c 40 ", irr_,
                                    ".gz > ", irr_))
                .exit_code,
            0);
  grpc::Status cut = Reload(&reply);
  EXPECT_EQ(cut.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(cut.error_message(), HasSubstr("a half-written or corrupt dump is not loaded"));
  EXPECT_EQ(GetRegistered(*pfxd_, "voice-1", "r9").prefix_validation_state(),
            v1::PREFIX_VALIDATION_STATE_VERIFIED);

  std::filesystem::remove(irr_);
  grpc::Status s = Reload(&reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("IRR kept the old data"));
  EXPECT_THAT(s.error_message(), HasSubstr(irr_));
}

// The timer reload: a cron job's new file is picked up without a signal.
TEST_F(ReferenceDataTest, TimerReloadsAChangedFile) {
  std::string vrps = WriteTempFile("timer.json", Vrps(64500));
  StartAndAnnounce({"--rpki_json=" + vrps, "--rpki_policy=warn", "--reference_reload_seconds=10"});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_WARNING, "RPKI origin invalid"));
  Rewrite(vrps, Vrps(13335));
  v1::RegisteredPrefix last;
  EXPECT_TRUE(WaitForRegisteredState(*pfxd_, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED,
                                     &last, "", absl::Seconds(30)))
      << last.error_message();
}

// RTR: stayrtr on 127.0.0.1 serves a JSON file; pfxd's RTRlib client syncs, and a change of
// the file reaches pfxd (stayrtr re-reads it every second and notifies) and requeues.
TEST_F(ReferenceDataTest, RtrCacheChangesReachValidation) {
  std::string vrps = WriteTempFile("rtr.json", Vrps(64500));
  StayrtrProcess cache(vrps);
  ASSERT_TRUE(cache.Start());
  StartAndAnnounce({"--rpki_rtr=" + cache.address(), "--rpki_policy=warn"});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_WARNING, "RPKI origin invalid"))
      << pfxd_->Log() << cache.Log();
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_INVALID);
  EXPECT_EQ(Route().trust_anchor(), "");  // RTR carries no trust anchor

  Rewrite(vrps, Vrps(13335));
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_VERIFIED)) << pfxd_->Log() << cache.Log();
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_VALID);
  // Exactly r1 was requeued by the change (r9 is not under 1.1.0.0/16).
  EXPECT_THAT(pfxd_->Log(), HasSubstr("RPKI change: 1 changed prefixes touch 1 registered"));
  EXPECT_EQ(GetRegistered(*pfxd_, "voice-1", "r9").prefix_validation_state(),
            v1::PREFIX_VALIDATION_STATE_VERIFIED);
}

// An RTR cache that cannot be reached: under REJECT_INVALID the prefix is UNKNOWN (no RPKI
// data backs a verdict) and routes NOT_EVALUATED, rather than NotFound passing everything.
TEST_F(ReferenceDataTest, AnUnreachableRtrCacheDecidesNothing) {
  StartAndAnnounce({"--rpki_rtr=127.0.0.1:" + std::to_string(FreePort()),
                    "--rpki_policy=reject_invalid"});
  ASSERT_TRUE(WaitFor("r1", v1::PREFIX_VALIDATION_STATE_UNKNOWN, "RTR cache is not in sync"));
  EXPECT_EQ(Route().rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED);
  EXPECT_THAT(Http("/metrics"), HasSubstr("\npfxd_rpki_usable 0\n"));
}

}  // namespace
}  // namespace pfx::testing
