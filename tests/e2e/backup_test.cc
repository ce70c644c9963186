// Backup and restore, end to end: `pfxctl admin backup` while pfxd serves, the data dir
// wiped, the backup copied back (docs/operations.md#backup-and-restore), and every resource,
// key, state, event and request_id reply is back. A write after the backup is not in it.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

std::string Listing(PfxdProcess& pfxd) {
  v1::ListRegisteredPrefixesRequest req;
  req.set_peering_name("voice-1");
  v1::ListRegisteredPrefixesResponse resp;
  EXPECT_TRUE(pfxd.registrations().ListRegisteredPrefixes(Ctx().get(), req, &resp).ok());
  return resp.DebugString();  // names, prefixes, keys, states, messages, events
}

TEST(BackupTest, BackupWhileServingThenRestoreBringsEverythingBack) {
  std::string irr = WriteTempFile("backup.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
  const std::string root = absl::StrCat(::testing::TempDir(), "/backup_test_", getpid());
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const std::string data_dir = root + "/data";
  const std::string backup = root + "/backup-1";
  std::vector<std::string> args = {"--enable_route_injection", "--debounce_millis=20",
                                   "--irr=" + irr};
  auto pfxd = std::make_unique<PfxdProcess>(args, data_dir);
  ASSERT_TRUE(pfxd->Start());
  ASSERT_TRUE(CreateActivePeering(*pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                     {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                      {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  v1::RegisteredPrefix r1;
  ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "r1", "1.1.1.0/24", &r1, "req-r1").ok());
  ASSERT_TRUE(Announce(*pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(*pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(WaitForRegisteredState(*pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "r2", "2.2.2.0/24").ok());
  const std::string before = Listing(*pfxd);
  ASSERT_THAT(before, HasSubstr(r1.peering_service_prefix_key()));
  ASSERT_THAT(before, HasSubstr("PREFIX_VALIDATION_STATE_VERIFIED"));

  CommandResult made = RunCommand(absl::StrCat(PFX_BINARY_DIR "/cli/pfxctl --server ",
                                               pfxd->address(), " admin backup --directory ",
                                               backup, " 2>&1"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_THAT(made.output, HasSubstr(backup));
  // The same directory again is refused: a backup never overwrites another.
  CommandResult again = RunCommand(absl::StrCat(PFX_BINARY_DIR "/cli/pfxctl --server ",
                                                pfxd->address(), " admin backup --directory ",
                                                backup, " 2>&1"));
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.output, HasSubstr("exists"));
  // After the backup: not in it.
  ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "after", "3.3.3.0/24").ok());
  pfxd->Stop();

  // The backup is a clean data dir on its own.
  CommandResult check =
      RunCommand(absl::StrCat(PFX_BINARY_DIR "/server/pfxd --check_db=", backup, " 2>&1"));
  EXPECT_EQ(check.exit_code, 0) << check.output;

  // Restore: wipe, copy back (cp -a keeps the owner-only modes), start.
  std::filesystem::remove_all(data_dir);
  ASSERT_EQ(RunCommand(absl::StrCat("cp -a ", backup, " ", data_dir)).exit_code, 0);
  pfxd = std::make_unique<PfxdProcess>(args, data_dir);
  ASSERT_TRUE(pfxd->Start());
  // Routes are the feed's, not the backup's: announce again, and r1 is VERIFIED as before.
  ASSERT_TRUE(Announce(*pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(*pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(WaitForRegisteredState(*pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  const std::string after = Listing(*pfxd);
  EXPECT_THAT(after, HasSubstr(r1.peering_service_prefix_key()));
  EXPECT_THAT(after, HasSubstr("\"r2\""));
  EXPECT_THAT(after, ::testing::Not(HasSubstr("3.3.3.0/24")));
  // The request_id reply came back too: the retry gets the same key, no new registration.
  v1::RegisteredPrefix retried;
  ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "r1", "1.1.1.0/24", &retried, "req-r1").ok());
  EXPECT_EQ(retried.peering_service_prefix_key(), r1.peering_service_prefix_key());
  pfxd->Stop();
  pfxd.reset();
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace pfx::testing
