// GeneratePrefixKey: keys from the kernel CSPRNG, well formed and unpredictable.
#include <array>

#include "gtest/gtest.h"
#include "registry/key_generator.h"

namespace pfx {
namespace {

TEST(KeyGeneratorTest, GeneratesDistinctWellFormedKeys) {
  auto a = GeneratePrefixKey();
  auto b = GeneratePrefixKey();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(ConstantTimeEquals(*a, *b));
  std::string text = a->ToString();
  ASSERT_EQ(text.size(), 36u);
  EXPECT_EQ(text[8], '-');
  EXPECT_EQ(text[23], '-');
  auto parsed = PrefixKey::Parse(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(ConstantTimeEquals(*parsed, *a));
}

// Clients validate keys as GUIDs: every generated key is an RFC 4122 version-4 UUID, and the
// other 122 bits vary (over 256 keys each of them takes both values).
TEST(KeyGeneratorTest, GeneratedKeysAreVersion4Uuids) {
  std::array<uint8_t, PrefixKey::kBytes> ones{}, zeros{};
  zeros.fill(0xFF);
  for (int i = 0; i < 256; ++i) {
    auto key = GeneratePrefixKey();
    ASSERT_TRUE(key.ok());
    std::string text = key->ToString();
    EXPECT_EQ(text[14], '4') << text;                                          // version
    EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos) << text;  // variant 10xx
    for (size_t b = 0; b < PrefixKey::kBytes; ++b) {
      ones[b] |= key->bytes()[b];
      zeros[b] &= key->bytes()[b];
    }
  }
  for (size_t b = 0; b < PrefixKey::kBytes; ++b) {
    uint8_t fixed = b == 6 ? 0xF0 : b == 8 ? 0xC0 : 0x00;  // version and variant bits
    EXPECT_EQ(static_cast<uint8_t>((ones[b] & ~zeros[b]) | fixed), 0xFF) << "byte " << b;
  }
}

}  // namespace
}  // namespace pfx
