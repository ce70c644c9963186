#include "validator/special_purpose_registry.h"

#include "gtest/gtest.h"

namespace pfx {
namespace {

struct Case {
  const char* prefix;
  bool is_private;
};
// Test names and failures show the case, not its bytes (which hold pointers).
void PrintTo(const Case& c, std::ostream* os) { *os << c.prefix; }

class PrivacyTest : public testing::TestWithParam<Case> {};

TEST_P(PrivacyTest, Classifies) {
  auto prefix = IpPrefix::Parse(GetParam().prefix);
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  PrivacyVerdict v = SpecialPurposeRegistry::Default().Classify(*prefix);
  EXPECT_EQ(v.is_private, GetParam().is_private) << GetParam().prefix << ": " << v.reason;
  EXPECT_FALSE(v.reason.empty());
}

// Every range edge: the first and last /32 (or /128) inside, and the neighbours just outside.
INSTANTIATE_TEST_SUITE_P(
    Ipv4Edges, PrivacyTest,
    testing::Values(
        Case{"0.0.0.0/0", true}, Case{"0.0.0.0/8", true}, Case{"0.255.255.255/32", true},
        Case{"1.0.0.0/32", false}, Case{"1.0.0.0/24", false}, Case{"9.255.255.255/32", false},
        Case{"10.0.0.0/32", true}, Case{"10.255.255.255/32", true}, Case{"11.0.0.0/32", false},
        Case{"8.0.0.0/7", false},  // 8.0.0.0-9.255.255.255: stops short of 10/8
        Case{"100.63.255.255/32", false}, Case{"100.64.0.0/32", true},
        Case{"100.127.255.255/32", true}, Case{"100.128.0.0/32", false},
        Case{"126.255.255.255/32", false}, Case{"127.0.0.0/8", true}, Case{"128.0.0.0/32", false},
        Case{"169.253.255.255/32", false}, Case{"169.254.0.0/16", true},
        Case{"169.255.0.0/32", false}, Case{"172.15.255.255/32", false},
        Case{"172.16.0.0/32", true}, Case{"172.31.255.255/32", true}, Case{"172.32.0.0/32", false},
        Case{"192.0.0.0/24", true}, Case{"192.0.0.8/32", true}, Case{"192.0.0.9/32", false},
        Case{"192.0.0.10/32", false}, Case{"192.0.0.11/32", true}, Case{"192.0.0.255/32", true},
        Case{"192.0.1.0/24", false}, Case{"192.0.2.0/24", true}, Case{"192.0.3.0/24", false},
        Case{"192.31.196.0/24", false}, Case{"192.52.193.0/24", false},
        Case{"192.88.99.0/24", true}, Case{"192.167.255.255/32", false},
        Case{"192.168.0.0/16", true}, Case{"192.169.0.0/32", false}, Case{"192.175.48.0/24", false},
        Case{"198.17.255.255/32", false}, Case{"198.18.0.0/15", true},
        Case{"198.19.255.255/32", true}, Case{"198.20.0.0/32", false},
        Case{"198.51.100.0/24", true}, Case{"203.0.113.0/24", true}, Case{"203.0.112.0/24", false},
        Case{"203.0.112.0/23", true},  // covers TEST-NET-3
        Case{"223.255.255.255/32", false}, Case{"224.0.0.0/4", true},
        Case{"239.255.255.255/32", true}, Case{"240.0.0.0/4", true},
        Case{"255.255.255.255/32", true}, Case{"128.0.0.0/1", true}, Case{"1.1.1.0/24", false},
        Case{"8.8.8.0/24", false}, Case{"1.1.1.0/25", false}));

INSTANTIATE_TEST_SUITE_P(
    Ipv6Edges, PrivacyTest,
    testing::Values(
        Case{"::/0", true}, Case{"::/128", true}, Case{"::1/128", true}, Case{"::2/128", false},
        Case{"::ffff:0:0/96", true}, Case{"64:ff9b::/96", false}, Case{"64:ff9b:1::/48", true},
        Case{"100::/64", true}, Case{"2001::/23", true}, Case{"2001:1::1/128", false},
        Case{"2001:1::4/128", true}, Case{"2001:2::/48", true}, Case{"2001:3::/32", false},
        Case{"2001:4:112::/48", false}, Case{"2001:200::/23", false}, Case{"2001:db8::/32", true},
        Case{"2001:db9::/32", false}, Case{"2002::/16", true}, Case{"2620:4f:8000::/48", false},
        Case{"2620:4f:8000::/47", false}, Case{"3fff::/20", true}, Case{"fbff:ffff::/32", false},
        Case{"fc00::/7", true}, Case{"fdff:ffff::/32", true}, Case{"fe00::/9", false},
        Case{"fe80::/10", true}, Case{"ff00::/8", true}, Case{"2a00:1450::/32", false},
        Case{"2000::/3", true}));  // covers 2001:db8::/32

TEST(SpecialPurposeTableTest, EveryEntryParsesAndNamesItsRfc) {
  for (const SpecialPurposeEntry& e : SpecialPurposeTable()) {
    EXPECT_TRUE(IpPrefix::Parse(e.prefix).ok()) << e.prefix;
    EXPECT_EQ(e.rfc.substr(0, 4), "RFC ") << e.prefix;
  }
}

TEST(SpecialPurposeTableTest, ReasonNamesTheEntry) {
  auto v = SpecialPurposeRegistry::Default().Classify(*IpPrefix::Parse("10.1.0.0/16"));
  EXPECT_EQ(v.reason, "10.1.0.0/16 is inside 10.0.0.0/8 (Private-Use, RFC 1918)");
}

}  // namespace
}  // namespace pfx
