// Durability: kill -9 pfxd while the queue is busy; a restart on the same data directory has
// every acknowledged resource and key, and finishes the queue.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

constexpr int kPrefixes = 200;

std::string NthPrefix(int i) { return absl::StrCat("20.", i / 256, ".", i % 256, ".0/24"); }

TEST(RestartTest, KillNineLosesNothingAcknowledged) {
  std::string data_dir = absl::StrCat(::testing::TempDir(), "/restart_", getpid());
  std::vector<std::string> keys;
  {
    // A long debounce and one worker keep the queue busy when the process dies.
    PfxdProcess first({"--enable_route_injection", "--workers=1"}, data_dir);
    ASSERT_TRUE(first.Start());
    ASSERT_TRUE(CreateActivePeering(first, MakePeering("voice-1", 13335, v1::VOICE,
                                                       {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                        {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
    for (int i = 0; i < kPrefixes; ++i) {
      v1::RegisteredPrefix r;
      ASSERT_TRUE(RegisterPrefix(first, "voice-1", absl::StrCat("r", i), NthPrefix(i), &r).ok());
      keys.push_back(r.peering_service_prefix_key());
    }
    first.Kill();
  }
  PfxdProcess second({"--enable_route_injection"}, data_dir);
  ASSERT_TRUE(second.Start());
  for (int i = 0; i < kPrefixes; ++i) {
    v1::RegisteredPrefix r = GetRegistered(second, "voice-1", absl::StrCat("r", i));
    ASSERT_EQ(r.prefix(), NthPrefix(i)) << "lost registration r" << i;
    EXPECT_EQ(r.peering_service_prefix_key(), keys[i]);
  }
  // No route is announced, so every prefix ends FAILED once the queue is drained.
  EXPECT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < kPrefixes; ++i) {
          if (GetRegistered(second, "voice-1", absl::StrCat("r", i)).prefix_validation_state() !=
              v1::PREFIX_VALIDATION_STATE_FAILED) {
            return false;
          }
        }
        return true;
      },
      absl::Seconds(60)));
  // The unique index survived too.
  EXPECT_EQ(RegisterPrefix(second, "voice-1", "again", NthPrefix(7)).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

}  // namespace
}  // namespace pfx::testing
