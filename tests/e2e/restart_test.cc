// Durability: kill -9 pfxd while clients are still registering and the queue is busy; a
// restart on the same data directory has every acknowledged resource and key, and finishes
// the queue.
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

std::string NthPrefix(int i) { return absl::StrCat("20.", i / 256, ".", i % 256, ".0/24"); }

// An MRT source that blocks (a FIFO nobody writes to) neither stops pfxd from starting nor
// holds its shutdown: SIGTERM ends it in seconds, and what it acknowledged is there after.
TEST(RestartTest, AnMrtLoadThatBlocksDoesNotHoldShutdown) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/blocked_mrt_", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/data");
  const std::string fifo = dir + "/never-written.mrt";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  {
    PfxdProcess pfxd({"--mrt=r1=" + fifo}, dir + "/data");
    ASSERT_TRUE(pfxd.Start()) << "pfxd serves while its MRT source blocks";
    ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
    const absl::Time start = absl::Now();
    pfxd.Stop();  // fails the test if SIGTERM does not end pfxd within 15 s
    EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  }
  PfxdProcess again({}, dir + "/data");
  ASSERT_TRUE(again.Start());
  v1::GetPeeringRequest get;
  get.set_name("voice-1");
  v1::Peering peering;
  EXPECT_TRUE(again.peerings().GetPeering(Ctx().get(), get, &peering).ok());
  again.Stop();
  std::filesystem::remove_all(dir);
}

TEST(RestartTest, KillNineLosesNothingAcknowledged) {
  std::string data_dir = absl::StrCat(::testing::TempDir(), "/restart_", getpid());
  absl::Mutex mu;
  std::map<int, std::string> acknowledged;  // registration index -> key
  int attempted = 0;
  {
    PfxdProcess first({"--enable_route_injection", "--workers=1"}, data_dir);
    ASSERT_TRUE(first.Start());
    ASSERT_TRUE(CreateActivePeering(first, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                       {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                        {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
    std::atomic<bool> stop{false};
    std::thread client([&] {
      for (int i = 0; i < 5000 && !stop; ++i) {
        v1::RegisteredPrefix r;
        {
          absl::MutexLock lock(&mu);
          attempted = i + 1;
        }
        if (!RegisterPrefix(first, "voice-1", absl::StrCat("r", i), NthPrefix(i), &r).ok()) break;
        absl::MutexLock lock(&mu);
        acknowledged[i] = r.peering_service_prefix_key();
      }
    });
    // Kill while registrations are still arriving.
    ASSERT_TRUE(WaitFor([&] {
      absl::MutexLock lock(&mu);
      return acknowledged.size() >= 150;
    }));
    first.Kill();
    stop = true;
    client.join();
  }
  PfxdProcess second({"--enable_route_injection"}, data_dir);
  ASSERT_TRUE(second.Start());
  absl::MutexLock lock(&mu);
  ASSERT_GE(acknowledged.size(), 150u);
  for (const auto& [i, key] : acknowledged) {
    v1::RegisteredPrefix r = GetRegistered(second, "voice-1", absl::StrCat("r", i));
    ASSERT_EQ(r.prefix(), NthPrefix(i)) << "lost acknowledged registration r" << i;
    EXPECT_EQ(r.peering_service_prefix_key(), key);
  }
  // No route is announced, so every stored prefix, acknowledged or caught mid-write, ends
  // FAILED once the resumed queue is drained; nothing is half-written.
  v1::ListRegisteredPrefixesRequest list;
  list.set_page_size(1000);
  EXPECT_TRUE(WaitFor(
      [&] {
        v1::ListRegisteredPrefixesResponse resp;
        if (!second.registrations().ListRegisteredPrefixes(Ctx().get(), list, &resp).ok()) {
          return false;
        }
        for (const auto& r : resp.registered_prefixes()) {
          if (r.prefix_validation_state() != v1::PREFIX_VALIDATION_STATE_FAILED) return false;
          if (r.peering_service_prefix_key().size() != 36) return false;
        }
        return resp.registered_prefixes_size() >= static_cast<int>(acknowledged.size()) &&
               resp.registered_prefixes_size() <= attempted;
      },
      absl::Seconds(60)));
  // The unique index survived too.
  EXPECT_EQ(RegisterPrefix(second, "voice-1", "again", NthPrefix(acknowledged.begin()->first))
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

// A data directory written by the build before storage records (schema 2, prefixes stored as
// pfx.v1 messages with their bookkeeping inside; testdata/README.md) opens with today's pfxd:
// resources, keys and states read as they were, replies carry no bookkeeping, and the
// bookkeeping still works (the routes seen last time make a withdrawal a WARNING with a
// withdrawal event, not a fresh start).
TEST(RestartTest, ADataDirOfTheBuildBeforeRecordsReadsUnchanged) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/schema2_", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/data");
  ASSERT_EQ(RunCommand(absl::StrCat("tar xzf ", PFX_SOURCE_DIR,
                                    "/testdata/datadirs/schema2-788af94.tar.gz -C ", dir, "/data"))
                .exit_code,
            0);
  PfxdProcess pfxd(
      {"--enable_route_injection", "--debounce_millis=20", "--hold_down_seconds=60",
       absl::StrCat("--irr=", PFX_SOURCE_DIR, "/testdata/datadirs/schema2-788af94.irr.rpsl")},
      dir + "/data");
  ASSERT_TRUE(pfxd.Start());
  v1::RegisteredPrefix r = GetRegistered(pfxd, "voice-1", "r1");
  EXPECT_EQ(r.prefix(), "1.1.1.0/24");
  EXPECT_EQ(r.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_EQ(r.peering_service_prefix_key(), "a03ca244-5852-bc81-38e1-794846ef1ff4");
  EXPECT_EQ(r.traffic_class(), v1::TRAFFIC_CLASS_UNSPECIFIED) << "stored before the field";
  EXPECT_GE(r.events_size(), 2);
  EXPECT_EQ(r.GetReflection()->GetUnknownFields(r).field_count(), 0) << "bookkeeping leaked";
  v1::PeeringServicePrefix p = GetServicePrefix(pfxd, "svc", "p1");
  EXPECT_EQ(p.prefix_validation_state(), v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_EQ(p.learned_type(), v1::LEARNED_TYPE_VIA_SERVICE_PROVIDER);
  EXPECT_EQ(p.GetReflection()->GetUnknownFields(p).field_count(), 0);

  // Schema 3's idx_key_users was built from the stored prefixes at start-up: r1's key is in
  // use by svc/p1, so deleting r1 without force is refused naming it.
  v1::DeleteRegisteredPrefixRequest del;
  del.set_peering_name("voice-1");
  del.set_name("r1");
  google::protobuf::Empty empty;
  grpc::Status refused = pfxd.registrations().DeleteRegisteredPrefix(Ctx().get(), del, &empty);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("svc/p1"), std::string::npos) << refused.error_message();

  // The feed is new after a restart: the same routes come back, then one goes.
  ASSERT_TRUE(Announce(pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Withdraw(pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24").ok());
  v1::RegisteredPrefix last;
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "r1", v1::PREFIX_VALIDATION_STATE_WARNING,
                                     &last, "hold-down"))
      << last.error_message();
  int announcements = 0, withdrawals = 0;
  for (const v1::PrefixEvent& e : last.events()) {
    announcements += e.event_type() == "PrefixAnnouncementEvent";
    withdrawals += e.event_type() == "PrefixWithdrawalEvent";
  }
  // svc/p1 finds its provider's peerings through idx_peer_asn, built at start-up: the same
  // withdrawal puts it in hold-down (with no index it would read "provider not found").
  v1::PeeringServicePrefix service_last;
  EXPECT_TRUE(WaitForServiceState(pfxd, "svc", "p1", v1::PREFIX_VALIDATION_STATE_WARNING,
                                  &service_last, "hold-down"))
      << service_last.error_message();
  EXPECT_EQ(withdrawals, 1);
  EXPECT_EQ(announcements, 2) << "the two from before the restart only: the routes seen then "
                                 "were remembered, so their return is no new announcement";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pfx::testing
