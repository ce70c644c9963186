// KeySealer: sealing and opening secrets, rotation, damage, and reading KEK files.
#include "storage/key_sealer.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pfx/v1/registration.pb.h"
#include "storage/records.pb.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kKey[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

KeyEncryptionKey Kek(const std::string& id, char fill) { return {id, std::string(32, fill)}; }

KeySealer Sealer(std::vector<KeyEncryptionKey> keys) { return std::move(*KeySealer::Create(keys)); }

TEST(KeySealerTest, SealsUnderTheFirstKeyAndOpensWithAnyConfiguredOne) {
  KeySealer k1 = Sealer({Kek("k1", 'a')});
  absl::StatusOr<std::string> sealed = k1.Seal(kKey);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_THAT(*sealed, StartsWith("sealed:v1:k1:"));
  EXPECT_THAT(*sealed, Not(HasSubstr(kKey)));
  EXPECT_EQ(KeySealer::SealedKekId(*sealed), "k1");
  EXPECT_EQ(*k1.Open(*sealed), kKey);
  // Deterministic (an unchanged record keeps its bytes); another plaintext seals otherwise.
  EXPECT_EQ(*k1.Seal(kKey), *sealed);
  EXPECT_NE(*k1.Seal("3f2504e0-4f89-41d3-9a0c-0305e82c3302"), *sealed);

  // Rotation: k2 seals, k1 still opens what it sealed.
  KeySealer rotated = Sealer({Kek("k2", 'b'), Kek("k1", 'a')});
  EXPECT_EQ(*rotated.Open(*sealed), kKey);
  EXPECT_FALSE(rotated.IsCurrent(*sealed));
  EXPECT_TRUE(rotated.IsCurrent(*rotated.Seal(kKey)));
  EXPECT_THAT(*rotated.Seal(kKey), StartsWith("sealed:v1:k2:"));
}

TEST(KeySealerTest, PlainValuesPassThroughAndSealingOffStoresThemPlain) {
  KeySealer off;
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(*off.Seal(kKey), kKey);
  EXPECT_EQ(*off.Open(kKey), kKey);
  EXPECT_TRUE(off.IsCurrent(kKey));
  KeySealer k1 = Sealer({Kek("k1", 'a')});
  EXPECT_EQ(*k1.Open(kKey), kKey);  // stored before sealing was configured
  EXPECT_FALSE(k1.IsCurrent(kKey));
  EXPECT_TRUE(k1.IsCurrent(""));  // nothing to hide
}

TEST(KeySealerTest, MissingWrongOrDamagedKeysAreRefused) {
  const std::string sealed = *Sealer({Kek("k1", 'a')}).Seal(kKey);
  absl::StatusOr<std::string> missing = KeySealer().Open(sealed);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("'k1', which is not configured"));
  EXPECT_EQ(Sealer({Kek("k2", 'a')}).Open(sealed).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Same id, other material: the tag does not verify.
  absl::StatusOr<std::string> wrong = Sealer({Kek("k1", 'z')}).Open(sealed);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wrong.status().message(), HasSubstr("does not open under key-encryption key 'k1'"));
  KeySealer k1 = Sealer({Kek("k1", 'a')});
  std::string flipped = sealed;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(k1.Open(flipped).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(k1.Open("sealed:v1:k1:").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(k1.Open("sealed:v1:k1:@@@").status().code(), absl::StatusCode::kDataLoss);
  // A value sealed under k1 cannot pass as k2's even when k2 has the same material.
  std::string relabeled = sealed;
  relabeled.replace(0, std::string("sealed:v1:k1").size(), "sealed:v1:k2");
  EXPECT_EQ(Sealer({Kek("k2", 'a')}).Open(relabeled).status().code(), absl::StatusCode::kDataLoss);
}

TEST(KeySealerTest, CreateRefusesBadIdsAndMaterial) {
  EXPECT_THAT(KeySealer::Create({Kek("", 'a')}).status().message(), HasSubstr("1 to 64"));
  EXPECT_THAT(KeySealer::Create({Kek("a b", 'a')}).status().message(), HasSubstr("1 to 64"));
  EXPECT_TRUE(KeySealer::Create({Kek(std::string(64, 'x'), 'a')}).ok());
  EXPECT_FALSE(KeySealer::Create({Kek(std::string(65, 'x'), 'a')}).ok());
  EXPECT_THAT(KeySealer::Create({Kek("k1", 'a'), Kek("k1", 'b')}).status().message(),
              HasSubstr("given twice"));
  EXPECT_THAT(KeySealer::Create({{"k1", std::string(31, 'a')}}).status().message(),
              HasSubstr("needs 32 bytes"));
}

TEST(KeySealerTest, SealsAndOpensEverySecretFieldOfAMessage) {
  KeySealer k1 = Sealer({Kek("k1", 'a')});
  v1::ListRegisteredPrefixesResponse page;
  page.add_registered_prefixes()->set_peering_service_prefix_key(kKey);
  page.add_registered_prefixes()->set_name("no key");
  ASSERT_TRUE(k1.SealSecrets(page).ok());
  EXPECT_THAT(page.registered_prefixes(0).peering_service_prefix_key(), StartsWith("sealed:v1:"));
  EXPECT_EQ(page.registered_prefixes(1).peering_service_prefix_key(), "");
  ASSERT_TRUE(k1.OpenSecrets(page).ok());
  EXPECT_EQ(page.registered_prefixes(0).peering_service_prefix_key(), kKey);

  // A stored reply is sealed whole: it is bytes that may echo a key.
  storage::RequestReplyRecord reply;
  reply.set_request_sha256("fingerprint");
  reply.set_reply(page.SerializeAsString());
  ASSERT_TRUE(k1.SealSecrets(reply).ok());
  EXPECT_THAT(reply.reply(), Not(HasSubstr(kKey)));
  EXPECT_EQ(reply.request_sha256(), "fingerprint");
  ASSERT_TRUE(k1.OpenSecrets(reply).ok());
  EXPECT_EQ(reply.reply(), page.SerializeAsString());
}

class KekFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content, mode_t mode) {
    const std::string path = absl::StrCat(::testing::TempDir(), "/kek_", getpid(), "_", files_++);
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), mode);
    return path;
  }
  int files_ = 0;
};

TEST_F(KekFileTest, ReadsRawOrHexKeysOwnedByPfxdAlone) {
  absl::StatusOr<KeyEncryptionKey> raw =
      ReadKeyEncryptionKey("k1", Write(std::string(32, '\x9c'), 0600));
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->material, std::string(32, '\x9c'));
  absl::StatusOr<KeyEncryptionKey> hex =
      ReadKeyEncryptionKey("k1", Write(std::string(64, 'A') + "\n", 0400));
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(hex->material, std::string(32, '\xaa'));

  const std::string open = Write(std::string(64, 'a'), 0644);
  absl::StatusOr<KeyEncryptionKey> refused = ReadKeyEncryptionKey("k1", open);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("mode 0644"));
  EXPECT_THAT(refused.status().message(), HasSubstr("chmod 600 " + open));
  EXPECT_EQ(ReadKeyEncryptionKey("k1", Write(std::string(64, 'a'), 0640)).status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<KeyEncryptionKey> passphrase =
      ReadKeyEncryptionKey("k1", Write("correct horse battery staple 123", 0600));
  EXPECT_THAT(passphrase.status().message(), HasSubstr("look like a passphrase"));
  for (const std::string& bad : {std::string(), std::string(31, 'q'), std::string(63, 'a'),
                                 std::string(64, 'g'), std::string(33, 'q')}) {
    absl::StatusOr<KeyEncryptionKey> r = ReadKeyEncryptionKey("k1", Write(bad, 0600));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad.size();
    EXPECT_THAT(r.status().message(), HasSubstr("openssl rand -hex 32"));
  }
  EXPECT_EQ(ReadKeyEncryptionKey("k1", "/nonexistent/kek").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pfx
