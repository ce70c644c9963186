// Latency of the live feed: from `gobgp global rib add` on a partner gobgpd to the prefix's
// VERIFIED state in pfxd (partner -> eBGP -> edge gobgpd -> BMP -> pfxd -> validation), over
// 20 runs on loopback; prints min / median / max. Run by bench/bmp_latency.sh; not a test.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"
#include "tests/e2e/gobgpd_process.h"

namespace pfx::testing {
namespace {

TEST(BmpLatency, RibAddToVerified) {
  std::string irr = WriteTempFile("lat.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
  PfxdProcess pfxd(
      {"--irr=" + irr, "--hold_down_seconds=600", "--settle_seconds=1", "--debounce_millis=10"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "127.0.0.1", {"127.0.0.2"}},
                                                     {"Quincy", "127.0.0.1", {"127.0.0.3"}}}))
                  .ok());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "r1", "1.1.1.0/24").ok());
  const int edge_port = FreePort(), partner_port = FreePort();
  GobgpdProcess edge("lat-edge", EdgeConfig(edge_port, partner_port, pfxd.bmp_port()));
  GobgpdProcess partner("lat-partner", PartnerConfig(edge_port, partner_port));
  ASSERT_TRUE(edge.Start() && partner.Start());
  auto state = [&] { return GetRegistered(pfxd, "voice-1", "r1").prefix_validation_state(); };
  // Polls every 2 ms (a Get on loopback takes ~0.2 ms), so the figure is not quantized.
  auto wait_until = [&](auto condition, absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(2));
    }
    return false;
  };
  std::vector<double> ms;
  for (int run = 0; run < 20; ++run) {
    absl::Time start = absl::Now();
    ASSERT_EQ(partner.Cli("global rib add 1.1.1.0/24 community 8075:8007 nexthop 192.0.2.1"), 0);
    ASSERT_TRUE(wait_until([&] { return state() == v1::PREFIX_VALIDATION_STATE_VERIFIED; },
                           absl::Seconds(120)));
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    ASSERT_EQ(partner.Cli("global rib del 1.1.1.0/24"), 0);
    ASSERT_TRUE(wait_until([&] { return state() != v1::PREFIX_VALIDATION_STATE_VERIFIED; },
                           absl::Seconds(30)));
  }
  // The first run includes session establishment; report it apart.
  double first = ms.front();
  ms.erase(ms.begin());
  std::sort(ms.begin(), ms.end());
  std::printf(
      "rib add -> VERIFIED over %zu runs (after a first run of %.0f ms that includes "
      "session set-up): min %.0f ms, median %.0f ms, max %.0f ms\n",
      ms.size(), first, ms.front(), ms[ms.size() / 2], ms.back());
}

}  // namespace
}  // namespace pfx::testing
