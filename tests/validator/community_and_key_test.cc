#include <array>

#include "gtest/gtest.h"
#include "validator/community.h"
#include "validator/prefix_key.h"

namespace pfx {
namespace {

TEST(CommunityTest, ParseFormat) {
  EXPECT_EQ(*ParseCommunity("8075:8007"), kMapsCommunity);
  EXPECT_EQ(CommunityToString(kMapsCommunity), "8075:8007");
  EXPECT_EQ(*ParseCommunity("65535:65535"), 0xFFFFFFFFu);
  for (const char* bad : {"8075", "8075:", ":8007", "65536:1", "1:65536", "a:b", "8075:8007:1"}) {
    EXPECT_FALSE(ParseCommunity(bad).ok()) << bad;
  }
  const uint32_t seen[] = {MakeCommunity(8075, 8001), kMapsCommunity};
  EXPECT_TRUE(HasCommunity(seen, kMapsCommunity));
  EXPECT_FALSE(HasCommunity(std::span(seen, 1), kMapsCommunity));
}

// FromRandomBytes makes an RFC 4122 version-4 UUID: it sets exactly the version and variant
// bits and keeps the other 122 bits as given.
TEST(PrefixKeyTest, FromRandomBytesSetsOnlyVersionAndVariantBits) {
  for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x5A}}) {
    std::array<uint8_t, PrefixKey::kBytes> random;
    random.fill(fill);
    PrefixKey key = PrefixKey::FromRandomBytes(random);
    std::string text = key.ToString();
    EXPECT_EQ(text[14], '4') << text;                                          // version
    EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos) << text;  // variant 10xx
    for (size_t b = 0; b < PrefixKey::kBytes; ++b) {
      uint8_t fixed = b == 6 ? 0xF0 : b == 8 ? 0xC0 : 0x00;  // version and variant bits
      EXPECT_EQ(key.bytes()[b] & ~fixed & 0xFF, fill & ~fixed & 0xFF) << "byte " << b;
    }
  }
}

TEST(PrefixKeyTest, ParseAcceptsUpperCaseRejectsMalformed) {
  auto k = PrefixKey::Parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->ToString(), "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  for (const char* bad :
       {"", "3f2504e0-4f89-11d3-9a0c-0305e82c330", "3f2504e04f8911d39a0c0305e82c3301",
        "3f2504e0-4f89-11d3-9a0c-0305e82c330g", "3f2504e0_4f89-11d3-9a0c-0305e82c3301"}) {
    EXPECT_FALSE(PrefixKey::Parse(bad).ok()) << bad;
  }
}

TEST(PrefixKeyTest, MismatchInAnySingleByteIsDetected) {
  auto key = *PrefixKey::Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
  for (size_t i = 0; i < PrefixKey::kBytes; ++i) {
    auto bytes = key.bytes();
    bytes[i] ^= 0x01;
    EXPECT_FALSE(ConstantTimeEquals(key, PrefixKey::FromBytes(bytes))) << "byte " << i;
  }
}

}  // namespace
}  // namespace pfx
