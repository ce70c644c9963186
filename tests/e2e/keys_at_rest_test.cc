// Prefix keys at rest, against the real pfxd binary: with a key-encryption key configured no
// issued key is in any file of the data dir (while serving and after), a start without the
// key is refused, and a rotation reseals under the new key so the old one can go.
#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/files_holding.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A KEK file of 64 hex digits, mode 0600.
std::string KekFile(const std::string& name, char digit) {
  std::string path = WriteTempFile(name, std::string(64, digit) + "\n");
  chmod(path.c_str(), 0600);
  return path;
}

class KeysAtRestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("pfx_keys_at_rest_", getpid());
    std::filesystem::remove_all(dir_);
    irr_ = WriteTempFile("keys_at_rest.rpsl",
                         RouteObjects({{"1.1.1.0/24", 13335}, {"9.9.9.0/24", 13335}}));
    k1_ = KekFile("kek-1", 'a');
    k2_ = KekFile("kek-2", 'b');
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<PfxdProcess> Pfxd(const std::string& keks) {
    auto pfxd = std::make_unique<PfxdProcess>(
        std::vector<std::string>{"--enable_route_injection", "--irr=" + irr_,
                                 "--debounce_millis=20", "--key_encryption_key=" + keks},
        dir_);
    pfxd->set_capture_log(true);
    return pfxd;
  }
  CommandResult Run(const std::string& args) {
    return RunCommand(absl::StrCat(PFX_BINARY_DIR, "/server/pfxd ", args, " 2>&1"));
  }

  std::string dir_, irr_, k1_, k2_;
};

TEST_F(KeysAtRestTest, NoKeyInAnyFileAndRotationRetiresTheOldKey) {
  std::vector<std::string> keys;
  v1::RegisteredPrefix voice;
  {
    std::unique_ptr<PfxdProcess> pfxd = Pfxd("k1=" + k1_);
    ASSERT_TRUE(pfxd->Start()) << pfxd->Log();
    ASSERT_TRUE(CreateActivePeering(*pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                       {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                        {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
    ASSERT_TRUE(
        CreateActivePeering(*pfxd, MakePeering("rs-1", 6939, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                               {{"Dallas", "dal-rs", {"198.51.100.20"}}}))
            .ok());
    ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "voice-a", "1.1.1.0/24", &voice, "req-a").ok());
    v1::RegisteredPrefix other;
    ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "voice-b", "9.9.9.0/24", &other).ok());
    v1::CreateRegisteredAsnRequest asn;
    asn.mutable_registered_asn()->set_peering_name("rs-1");
    asn.mutable_registered_asn()->set_name("cloudflare");
    asn.mutable_registered_asn()->set_asn(13335);
    v1::RegisteredAsn registered_asn;
    ASSERT_TRUE(pfxd->registrations().CreateRegisteredAsn(Ctx().get(), asn, &registered_asn).ok());
    keys = {voice.peering_service_prefix_key(), other.peering_service_prefix_key(),
            registered_asn.peering_service_prefix_key()};
    for (const std::string& k : keys) ASSERT_EQ(k.size(), 36u);

    // Validation reads and rewrites the sealed records; a service prefix finds the key's
    // owner through the digest index (voice-a's key on voice-b's prefix: INVALID).
    ASSERT_TRUE(Announce(*pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
    ASSERT_TRUE(Announce(*pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
    EXPECT_TRUE(
        WaitForRegisteredState(*pfxd, "voice-1", "voice-a", v1::PREFIX_VALIDATION_STATE_VERIFIED));
    v1::CreatePeeringServiceRequest svc;
    svc.mutable_peering_service()->set_name("svc-1");
    svc.mutable_peering_service()->set_country("United States");
    svc.mutable_peering_service()->set_provider_asn(13335);
    svc.mutable_peering_service()->set_provider_name("Cloudflare");
    svc.mutable_peering_service()->set_primary_peering_location("Seattle");
    v1::PeeringService service;
    ASSERT_TRUE(pfxd->services().CreatePeeringService(Ctx().get(), svc, &service).ok());
    v1::CreatePeeringServicePrefixRequest activate;
    activate.mutable_peering_service_prefix()->set_peering_service_name("svc-1");
    activate.mutable_peering_service_prefix()->set_name("wrong-key");
    activate.mutable_peering_service_prefix()->set_prefix("9.9.9.0/24");
    activate.mutable_peering_service_prefix()->set_peering_service_prefix_key(keys[0]);
    v1::PeeringServicePrefix activated;
    ASSERT_TRUE(
        pfxd->services().CreatePeeringServicePrefix(Ctx().get(), activate, &activated).ok());
    v1::PeeringServicePrefix wrong;
    EXPECT_TRUE(WaitForServiceState(*pfxd, "svc-1", "wrong-key",
                                    v1::PREFIX_VALIDATION_STATE_INVALID, &wrong, "voice-1/voice-a"))
        << wrong.error_message();

    // Acknowledged writes are in the WAL: sealed there too.
    EXPECT_THAT(FilesHolding(dir_, keys), IsEmpty());
    pfxd->Stop();
  }
  EXPECT_THAT(FilesHolding(dir_, keys), IsEmpty());
  CommandResult check = Run(absl::StrCat("--check_db ", dir_, " --key_encryption_key=k1=", k1_));
  EXPECT_EQ(check.exit_code, 0) << check.output;

  // Without its key pfxd refuses to start, naming it, and changes nothing.
  CommandResult refused =
      Run(absl::StrCat("--listen 127.0.0.1:0 --bmp_listen off --data_dir ", dir_));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("sealed under key-encryption key 'k1'"));
  refused = Run(absl::StrCat("--listen 127.0.0.1:0 --bmp_listen off --data_dir ", dir_,
                             " --key_encryption_key=k2=", k2_));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("key_encryption_key { id: \"k1\""));

  // Rotation: k2 first, k1 kept to open; the start reseals everything under k2.
  {
    std::unique_ptr<PfxdProcess> pfxd = Pfxd(absl::StrCat("k2=", k2_, ",k1=", k1_));
    ASSERT_TRUE(pfxd->Start()) << pfxd->Log();
    EXPECT_THAT(pfxd->Log(), HasSubstr("sealed under key-encryption key 'k2'"));
    EXPECT_EQ(GetRegistered(*pfxd, "voice-1", "voice-a").peering_service_prefix_key(), keys[0]);
    pfxd->Stop();
  }
  check = Run(absl::StrCat("--check_db ", dir_, " --key_encryption_key=k2=", k2_));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  {
    std::unique_ptr<PfxdProcess> pfxd = Pfxd("k2=" + k2_);
    ASSERT_TRUE(pfxd->Start()) << pfxd->Log();
    EXPECT_EQ(GetRegistered(*pfxd, "voice-1", "voice-a").peering_service_prefix_key(), keys[0]);
    // A retry of the first create replays its stored (sealed, then resealed) reply.
    v1::RegisteredPrefix replayed;
    ASSERT_TRUE(RegisterPrefix(*pfxd, "voice-1", "voice-a", "1.1.1.0/24", &replayed, "req-a").ok());
    EXPECT_EQ(replayed.peering_service_prefix_key(), keys[0]);
    pfxd->Stop();
  }
  EXPECT_THAT(FilesHolding(dir_, keys), IsEmpty());
}

TEST_F(KeysAtRestTest, AKeyFileOthersCanReadIsRefused) {
  chmod(k1_.c_str(), 0644);
  CommandResult r = Run(absl::StrCat("--listen 127.0.0.1:0 --bmp_listen off --data_dir ", dir_,
                                     " --key_encryption_key=k1=", k1_));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("key_encryption_key[0].file: " + k1_));
  EXPECT_THAT(r.output, HasSubstr("chmod 600 " + k1_));
  r = Run(absl::StrCat("--listen 127.0.0.1:0 --bmp_listen off --data_dir ", dir_,
                       " --key_encryption_key=", k2_));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("key_encryption_key[0].id: '' is not"));
}

}  // namespace
}  // namespace pfx::testing
