#include "validator/ip_prefix.h"

#include "gtest/gtest.h"

namespace pfx {
namespace {

TEST(IpPrefixTest, ParsesAndPrintsBothFamilies) {
  auto v4 = IpPrefix::Parse("203.0.113.0/24");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->ToString(), "203.0.113.0/24");
  EXPECT_TRUE(v4->is_v4());
  auto v6 = IpPrefix::Parse("2001:db8::/32");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->ToString(), "2001:db8::/32");
  EXPECT_FALSE(v6->is_v4());
}

TEST(IpPrefixTest, AddressesPrintAsTheyParse) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.9.100", "198.51.100.5",
                           "::", "::ffff:1.2.3.4", "2001:db8::1"}) {
    auto a = IpAddress::Parse(text);
    ASSERT_TRUE(a.ok()) << text;
    EXPECT_EQ(a->ToString(), text);
  }
}

TEST(IpPrefixTest, LengthBounds) {
  EXPECT_TRUE(IpPrefix::Parse("0.0.0.0/0").ok());
  EXPECT_TRUE(IpPrefix::Parse("1.2.3.4/32").ok());
  EXPECT_TRUE(IpPrefix::Parse("::/0").ok());
  EXPECT_TRUE(IpPrefix::Parse("::1/128").ok());
  EXPECT_FALSE(IpPrefix::Parse("10.0.0.0/33").ok());
  EXPECT_FALSE(IpPrefix::Parse("::/129").ok());
}

struct BadCase {
  const char* text;
  const char* message_part;
};
// Test names and failures show the case, not its bytes (which hold pointers).
void PrintTo(const BadCase& c, std::ostream* os) { *os << "\"" << c.text << "\""; }

class IpPrefixRejects : public testing::TestWithParam<BadCase> {};

TEST_P(IpPrefixRejects, WithAMessageNamingTheRule) {
  auto p = IpPrefix::Parse(GetParam().text);
  ASSERT_FALSE(p.ok()) << GetParam().text;
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find(GetParam().message_part), std::string::npos)
      << p.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpPrefixRejects,
    testing::Values(BadCase{"10.0.0.0/33", "prefix length must be 0..32"},
                    BadCase{"1.2.3.4/24", "host bits set (did you mean 1.2.3.0/24?)"},
                    BadCase{"::/129", "prefix length must be 0..128"}, BadCase{"", "empty"},
                    BadCase{"10.0.0.0", "no prefix length"}, BadCase{"10.0.0.0/", "prefix length"},
                    BadCase{"10.0.0.0/-1", "prefix length"},
                    BadCase{"10.0.0.0/+8", "prefix length"},
                    BadCase{"10.0.0.0/ 8", "prefix length"},
                    BadCase{"10.0.0/8", "not an IPv4 or IPv6 address"},
                    BadCase{"256.0.0.0/8", "not an IPv4 or IPv6 address"},
                    BadCase{"2001:db8::1/32", "host bits set"},
                    BadCase{"\xc3\xa9.0.0.0/8", "not an IPv4 or IPv6 address"}));

TEST(IpPrefixTest, RejectsHugeInputWithoutEchoingIt) {
  std::string huge(1024, '1');
  auto p = IpPrefix::Parse(huge);
  ASSERT_FALSE(p.ok());
  EXPECT_LT(p.status().message().size(), 200u);
}

TEST(IpPrefixTest, Covers) {
  auto p16 = *IpPrefix::Parse("10.1.0.0/16");
  auto p24 = *IpPrefix::Parse("10.1.2.0/24");
  auto other = *IpPrefix::Parse("10.2.0.0/24");
  auto v6 = *IpPrefix::Parse("::/0");
  EXPECT_TRUE(p16.Covers(p24));
  EXPECT_TRUE(p16.Covers(p16));
  EXPECT_FALSE(p24.Covers(p16));
  EXPECT_FALSE(p16.Covers(other));
  EXPECT_FALSE(v6.Covers(p16));
}

TEST(IpPrefixTest, OrdersCoveringBeforeCovered) {
  auto p16 = *IpPrefix::Parse("10.1.0.0/16");
  auto p24 = *IpPrefix::Parse("10.1.0.0/24");
  EXPECT_LT(p16, p24);
}

}  // namespace
}  // namespace pfx
