// The live feed end to end: a "partner" gobgpd (AS13335) with two eBGP sessions to an "edge"
// gobgpd (AS8075) that streams BMP (pre-policy) to pfxd, all on 127.0.0.0/8. A Voice prefix
// goes VERIFIED through real BGP, WARNING then FAILED after a withdrawal, VERIFIED again, and
// survives the edge router dying and coming back.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"
#include "tests/e2e/gobgpd_process.h"

namespace pfx::testing {
namespace {

constexpr char kPrefix[] = "1.1.1.0/24";

std::string EventsOf(const v1::RegisteredPrefix& r) {
  std::string out;
  for (const auto& e : r.events()) {
    absl::StrAppend(&out, e.event_timestamp().seconds(), ".", e.event_timestamp().nanos() / 1000000,
                    " ", e.event_type(), " ", e.event_summary(), ": ", e.event_description(), "\n");
  }
  return out;
}

// Both partner sessions ESTABLISHED (and, if `settled`, past their initial table).
bool BothSessionsUp(PfxdProcess& pfxd, bool settled = false) {
  v1::ListSessionsRequest req;
  req.set_peering_name("voice-1");
  v1::ListSessionsResponse resp;
  if (!pfxd.routes().ListSessions(Ctx().get(), req, &resp).ok()) return false;
  int up = 0;
  for (const auto& s : resp.sessions()) {
    up += s.session_state() == v1::SESSION_STATE_ESTABLISHED &&
          (!settled || s.initial_table_complete());
  }
  return up == 2;
}

TEST(GobgpBmpTest, VoicePrefixThroughRealBgp) {
  std::string irr = WriteTempFile("gobgp.rpsl", RouteObjects({{kPrefix, 13335}}));
  std::string config =
      WriteTempFile("gobgp.textproto", "bmp_routers { address: \"127.0.0.1\" name: \"edge\" }\n");
  PfxdProcess pfxd({"--config=" + config, "--irr=" + irr, "--hold_down_seconds=4",
                    "--settle_seconds=1", "--debounce_millis=50"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "edge", {"127.0.0.2"}},
                                                     {"Quincy", "edge", {"127.0.0.3"}}}))
                  .ok());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "r1", kPrefix).ok());

  const int edge_port = FreePort(), partner_port = FreePort();
  auto edge =
      std::make_unique<GobgpdProcess>("edge", EdgeConfig(edge_port, partner_port, pfxd.bmp_port()));
  GobgpdProcess partner("partner", PartnerConfig(edge_port, partner_port));
  ASSERT_TRUE(edge->Start());
  ASSERT_TRUE(partner.Start());
  ASSERT_TRUE(WaitFor([&] { return BothSessionsUp(pfxd); }, absl::Seconds(90)))
      << "BMP Peer Up for both sessions never arrived";

  ASSERT_EQ(partner.Cli(
                absl::StrCat("global rib add ", kPrefix, " community 8075:8007 nexthop 192.0.2.1")),
            0);
  v1::RegisteredPrefix last;
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED,
                                     &last, "", absl::Seconds(30)))
      << last.error_message();

  // Withdrawn on the partner (once gobgpd, which sends no End-of-RIB, has settled): WARNING
  // during the hold-down, FAILED after it.
  ASSERT_TRUE(WaitFor([&] { return BothSessionsUp(pfxd, /*settled=*/true); }));
  ASSERT_EQ(partner.Cli(absl::StrCat("global rib del ", kPrefix)), 0);
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_WARNING,
                                     &last, "Prefix not received from IP", absl::Seconds(30)))
      << v1::PrefixValidationState_Name(last.prefix_validation_state()) << ": "
      << last.error_message() << "\n"
      << EventsOf(last);
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_FAILED,
                                     &last, "Prefix not received from IP", absl::Seconds(30)));

  // Announced again: VERIFIED.
  ASSERT_EQ(partner.Cli(
                absl::StrCat("global rib add ", kPrefix, " community 8075:8007 nexthop 192.0.2.1")),
            0);
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED,
                                     &last, "", absl::Seconds(30)));

  // The edge router dies: its BMP connection closes, the sessions go down, WARNING.
  edge->Kill();
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_WARNING,
                                     &last, "session down", absl::Seconds(30)))
      << last.error_message();

  // It comes back: Peer Up, the table is sent again, VERIFIED.
  edge = std::make_unique<GobgpdProcess>("edge2",
                                         EdgeConfig(edge_port, partner_port, pfxd.bmp_port()));
  ASSERT_TRUE(edge->Start());
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED,
                                     &last, "", absl::Seconds(90)))
      << last.error_message();
  partner.Kill();
  edge->Kill();
}

}  // namespace
}  // namespace pfx::testing
