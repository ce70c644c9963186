// pfxd's configuration: one validation pass before anything starts (bad values are refused
// naming the field, and nothing is created), the BMP address checked before gRPC serves, and
// hold_down_seconds: 0 meaning no hold-down.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs pfxd to completion (a refused configuration exits at once; a bounded timeout stops a
// pfxd that wrongly started).
CommandResult RunPfxd(const std::string& args) {
  return RunCommand(absl::StrCat("timeout 10 ", PFX_BINARY_DIR, "/server/pfxd ", args, " 2>&1"));
}

TEST(ConfigTest, BadValuesAreRefusedNamingTheFieldBeforeAnythingIsCreated) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/config_test_", getpid());
  const std::string data = dir + "/data";
  std::filesystem::create_directories(dir);
  struct Case {
    std::string args;
    std::string message;
  };
  const std::string irr = WriteTempFile("config_test.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
  const std::vector<Case> cases = {
      {"--hold_down_seconds=-1", "hold_down_seconds: must be 0-86400 (0: no hold-down), got -1"},
      {"--hold_down_seconds=86401", "hold_down_seconds: must be 0-86400"},
      {"--workers=0", "worker_threads: must be 1-64, got 0"},
      {"--workers=65", "worker_threads: must be 1-64, got 65"},
      {"--debounce_millis=-1", "debounce_millis: must be 0-60000"},
      {"--settle_seconds=3601", "settle_seconds: must be 0-3600"},
      {"--watch_buffer=0", "watch_buffer: must be 1-1000000"},
      {"--listen=127.0.0.1", "listen_address: expected HOST:PORT"},
      {"--listen=127.0.0.1:65536", "listen_address: expected HOST:PORT with a port 0-65535"},
      {"--bmp_listen=127.0.0.1:x", "bmp_listen_address: expected HOST:PORT"},
      {"--irr=/nonexistent.db", "irr[0].path: cannot read '/nonexistent.db'"},
      {"--mrt=jinx=/nonexistent.mrt", "mrt[0].path: cannot read"},
      {"--mrt='bad router=" + irr + "'", "mrt[0].router: must be 1-80 characters"},
  };
  for (const Case& c : cases) {
    CommandResult r = RunPfxd(
        absl::StrCat("--data_dir ", data, " --listen=127.0.0.1:0 --bmp_listen=off ", c.args));
    EXPECT_EQ(r.exit_code, 2) << c.args << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("configuration refused: " + c.message)) << c.args;
    EXPECT_FALSE(std::filesystem::exists(data)) << c.args << " created the data directory";
  }
  // From a config file: an unknown IRR source, and bounds that hold at their edges.
  const std::string bad = WriteTempFile("bad.textproto",
                                        "accepted_irr_sources: \"RADB\"\n"
                                        "accepted_irr_sources: \"RADBX\"\n");
  CommandResult r =
      RunPfxd(absl::StrCat("--config ", bad, " --data_dir ", data, " --bmp_listen=off"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("accepted_irr_sources[1]: 'RADBX' is not an IRR source"));
  // A flag overrides the file only when given: the file's 0 stays 0 (no hold-down) and passes.
  const std::string edge = WriteTempFile(
      "edge.textproto", "hold_down_seconds: 0\nworker_threads: 64\nsettle_seconds: 0\n");
  PfxdProcess ok({"--config=" + edge});
  EXPECT_TRUE(ok.Start());
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, ATakenBmpPortStopsPfxdBeforeGrpcServes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string dir = absl::StrCat(::testing::TempDir(), "/config_bmp_", getpid());
  const std::string port_file = dir + "/port";
  CommandResult r =
      RunPfxd(absl::StrCat("--data_dir ", dir, "/data --listen=127.0.0.1:0 --port_file ", port_file,
                           " --bmp_listen=127.0.0.1:", ntohs(addr.sin_port)));
  close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(port_file)) << "gRPC served before the BMP port failed";
  EXPECT_THAT(r.output, Not(HasSubstr("pfxd serving on")));
  std::filesystem::remove_all(dir);
}

// hold_down_seconds: 0 is allowed and means no hold-down: a VERIFIED prefix that loses a
// required route goes straight to FAILED.
TEST(ConfigTest, ZeroHoldDownFailsAtOnce) {
  std::string irr = WriteTempFile("hd0.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
  PfxdProcess pfxd({"--enable_route_injection", "--irr=" + irr, "--debounce_millis=20",
                    "--hold_down_seconds=0"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                     {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "r1", "1.1.1.0/24").ok());
  ASSERT_TRUE(Announce(pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  ASSERT_TRUE(Withdraw(pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24").ok());
  v1::RegisteredPrefix last;
  ASSERT_TRUE(
      WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_FAILED, &last));
  for (const v1::PrefixEvent& e : last.events()) {
    EXPECT_NE(e.event_summary(), "WARNING") << "went through a hold-down";
  }
}

}  // namespace
}  // namespace pfx::testing
