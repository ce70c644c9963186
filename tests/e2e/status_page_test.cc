// The ops status page (/status on the metrics port, server/status_page.h) as a browser sees
// it: the real pfxd runs a voice flow to one VERIFIED and one FAILED prefix, and headless
// Chromium (Debian `chromium`) loads the page; the test reads the DOM it rendered. Skipped
// only when chromium is not installed.
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScript[] = "<script>document.title='pwned'</script>";

bool HaveChromium() { return RunCommand("command -v chromium >/dev/null 2>&1").exit_code == 0; }

// The DOM headless Chromium built from `url` (--dump-dom), "" when it fails. A fresh profile
// per load; bounded by `timeout` so a hung browser fails the test instead of hanging it.
std::string LoadInChromium(const std::string& url) {
  const std::string profile =
      absl::StrCat(::testing::TempDir(), "/chromium_profile_", getpid(), "_", rand());
  CommandResult r = RunCommand(
      absl::StrCat("timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                   "--user-data-dir=",
                   profile, " --dump-dom '", url, "' 2>/dev/null"));
  std::filesystem::remove_all(profile);
  return r.exit_code == 0 ? r.output : "";
}

// The text a reader sees: tags dropped, entities decoded, runs of whitespace made one space.
std::string VisibleText(const std::string& dom) {
  std::string body = dom.substr(std::min(dom.find("<body"), dom.size()));
  std::string text = std::regex_replace(body, std::regex("<[^>]*>"), " ");
  text = absl::StrReplaceAll(text, {{"&lt;", "<"},
                                    {"&gt;", ">"},
                                    {"&quot;", "\""},
                                    {"&#39;", "'"},
                                    {"&nbsp;", " "},
                                    {"&amp;", "&"}});
  text = std::regex_replace(text, std::regex("\\s+"), " ");
  return std::string(absl::StripAsciiWhitespace(text));
}

class StatusPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed (Debian package chromium)";
    port_file_ = WriteTempFile("status_metrics_port", "");
    std::filesystem::remove(port_file_);
    const std::string irr =
        WriteTempFile("status.rpsl", RouteObjects({{"1.1.1.0/24", 13335}, {"1.0.0.0/24", 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{
        "--enable_route_injection", "--irr=" + irr, "--debounce_millis=20",
        "--metrics_listen=127.0.0.1:0", "--metrics_port_file=" + port_file_});
    ASSERT_TRUE(pfxd_->Start());
    ASSERT_TRUE(WaitFor([&] { return !ReadFile(port_file_).empty(); }));
    base_ = absl::StrCat("http://127.0.0.1:", absl::StripAsciiWhitespace(ReadFile(port_file_)),
                         "/status");
  }

  std::string port_file_, base_;
  std::unique_ptr<PfxdProcess> pfxd_;
};

TEST_F(StatusPageTest, ChromiumShowsCountsTheFailingPrefixAndSessions) {
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  // "web" is announced on both sessions: VERIFIED. "sbc" only on sea-1: FAILED, and its
  // description (partner input) holds markup that must reach the reader as text.
  v1::RegisteredPrefix web, sbc;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "web", "1.1.1.0/24", &web).ok());
  v1::CreateRegisteredPrefixRequest create;
  create.mutable_registered_prefix()->set_peering_name("voice-1");
  create.mutable_registered_prefix()->set_name("sbc");
  create.mutable_registered_prefix()->set_prefix("1.0.0.0/24");
  create.mutable_registered_prefix()->set_traffic_class(v1::TRAFFIC_CLASS_SIGNALLING_AND_MEDIA);
  create.mutable_registered_prefix()->set_endpoint_description(kScript);
  ASSERT_TRUE(pfxd_->registrations().CreateRegisteredPrefix(Ctx().get(), create, &sbc).ok());
  ASSERT_FALSE(web.peering_service_prefix_key().empty());
  ASSERT_FALSE(sbc.peering_service_prefix_key().empty());
  ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(*pfxd_, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(*pfxd_, "sea-1", "198.51.100.1", "1.0.0.0/24", "13335").ok());
  ASSERT_TRUE(
      WaitForRegisteredState(*pfxd_, "voice-1", "web", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  ASSERT_TRUE(WaitForRegisteredState(*pfxd_, "voice-1", "sbc", v1::PREFIX_VALIDATION_STATE_FAILED,
                                     nullptr, "not advertised on session 198.51.100.5"));

  const std::string dom = LoadInChromium(base_);
  ASSERT_THAT(dom, HasSubstr("</html>")) << "chromium rendered nothing from " << base_;
  const std::string text = VisibleText(dom);
  // Counts per state: (state, registered, peering service).
  EXPECT_THAT(text, HasSubstr("VERIFIED 1 0")) << text;
  EXPECT_THAT(text, HasSubstr("FAILED 1 0")) << text;
  EXPECT_THAT(text, HasSubstr("PENDING 0 0")) << text;
  EXPECT_THAT(text, HasSubstr("total 2 0")) << text;
  // The failing prefix, its message and its description, as text.
  EXPECT_THAT(text, HasSubstr("1 matching")) << text;
  EXPECT_THAT(text, HasSubstr("FAILED 1.0.0.0/24 registered voice-1 sbc Prefix not received "
                              "from IP: 1.0.0.0/24 not advertised on session 198.51.100.5"))
      << text;
  EXPECT_THAT(text, HasSubstr(kScript)) << text;
  // The markup stayed text: no script element, and none ran.
  EXPECT_THAT(dom, Not(HasSubstr("<script")));
  EXPECT_THAT(dom, HasSubstr("<title>pfxd status</title>"));
  // Session rows: router, peer, peer AS (none for injected routes), state, initial table,
  // routes.
  EXPECT_THAT(text, HasSubstr("sea-1 198.51.100.1 - established complete 2")) << text;
  EXPECT_THAT(text, HasSubstr("sea-2 198.51.100.5 - established complete 1")) << text;
  EXPECT_THAT(text, HasSubstr("waiting 0")) << text;
  EXPECT_THAT(text, HasSubstr("IRR route objects 2")) << text;
  EXPECT_THAT(text, HasSubstr("RPKI: not configured")) << text;
  // The VERIFIED prefix is counted, not listed; no prefix key is on the page.
  EXPECT_THAT(text, Not(HasSubstr("1.1.1.0/24"))) << text;
  EXPECT_THAT(dom, Not(HasSubstr(web.peering_service_prefix_key())));
  EXPECT_THAT(dom, Not(HasSubstr(sbc.peering_service_prefix_key())));

  // The query string filters the list.
  std::string filtered = VisibleText(LoadInChromium(base_ + "?state=FAILED&q=1.0.0."));
  EXPECT_THAT(filtered, HasSubstr("1 matching, state FAILED, text \"1.0.0.\"")) << filtered;
  EXPECT_THAT(filtered, HasSubstr("sbc Prefix not received")) << filtered;
  filtered = VisibleText(LoadInChromium(base_ + "?state=WARNING"));
  EXPECT_THAT(filtered, HasSubstr("0 matching, state WARNING")) << filtered;
  EXPECT_THAT(filtered, Not(HasSubstr("sbc Prefix not received"))) << filtered;

  // Only GET and HEAD; /metrics still served by the exporter on the same port.
  const std::string metrics = absl::StrReplaceAll(base_, {{"/status", "/metrics"}});
  EXPECT_EQ(RunCommand("curl -s -o /dev/null -w '%{http_code}' -X POST " + base_).output, "405");
  EXPECT_THAT(RunCommand("curl -sf " + metrics).output, HasSubstr("pfxd_prefixes{"));
  EXPECT_THAT(RunCommand("curl -sfI " + base_).output,
              HasSubstr("Content-Security-Policy: default-src 'none'"));
}

}  // namespace
}  // namespace pfx::testing
