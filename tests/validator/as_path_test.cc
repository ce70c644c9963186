#include "validator/as_path.h"

#include "gtest/gtest.h"
#include "validator/asn.h"

namespace pfx {
namespace {

TEST(AsnTest, FirstAndLastOfEveryRange) {
  struct Case {
    uint32_t asn;
    AsnClass expected;
  };
  const Case cases[] = {
      {0, AsnClass::kReserved},          {1, AsnClass::kPublic},
      {23455, AsnClass::kPublic},        {23456, AsnClass::kReserved},
      {23457, AsnClass::kPublic},        {64495, AsnClass::kPublic},
      {64496, AsnClass::kDocumentation}, {64511, AsnClass::kDocumentation},
      {64512, AsnClass::kPrivate},       {65534, AsnClass::kPrivate},
      {65535, AsnClass::kReserved},      {65536, AsnClass::kDocumentation},
      {65551, AsnClass::kDocumentation}, {65552, AsnClass::kReserved},
      {131071, AsnClass::kReserved},     {131072, AsnClass::kPublic},
      {4199999999u, AsnClass::kPublic},  {4200000000u, AsnClass::kPrivate},
      {4294967294u, AsnClass::kPrivate}, {4294967295u, AsnClass::kReserved},
      {8075, AsnClass::kPublic},         {13335, AsnClass::kPublic},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyAsn(c.asn).asn_class, c.expected) << c.asn;
  }
}

TEST(AsnTest, ValidatePublicAsnFieldNamesFieldAndRule) {
  EXPECT_TRUE(ValidatePublicAsnField("peer_asn", 13335).ok());
  for (int64_t bad : {0LL, -1LL, 4294967296LL, 64512LL, 4294967295LL}) {
    auto r = ValidatePublicAsnField("peer_asn", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("peer_asn"), std::string::npos);
  }
}

TEST(AsPathTest, ParseAndPrintRoundTrip) {
  for (const char* text : {"13335", "13335 174 3356", "13335 {64500,64501}", "(65001 65002) 13335",
                           "[65001 65002] 174", ""}) {
    auto p = AsPath::Parse(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status();
    EXPECT_EQ(p->ToString(), text);
  }
}

TEST(AsPathTest, ParseRejectsGarbage) {
  for (const char* text : {"13335 x", "{13335", "13335}", "{}", "{1 {2}}", "99999999999"}) {
    EXPECT_FALSE(AsPath::Parse(text).ok()) << text;
  }
}

TEST(AsPathTest, LengthCountsSetAsOneAndConfedAsZero) {
  EXPECT_EQ(AsPath::Parse("1 2 3")->Length(), 3);
  EXPECT_EQ(AsPath::Parse("1 2 {3,4,5}")->Length(), 3);
  EXPECT_EQ(AsPath::Parse("(65001 65002) 1 2 3")->Length(), 3);
  EXPECT_EQ(AsPath::Parse("")->Length(), 0);
}

TEST(AsPathTest, OriginIsLastOfFinalSequence) {
  EXPECT_EQ(AsPath::Parse("174 13335")->Origin(), 13335u);
  EXPECT_EQ(AsPath::Parse("174 {13335}")->Origin(), std::nullopt);
  EXPECT_EQ(AsPath::Parse("")->Origin(), std::nullopt);
}

struct RuleCase {
  const char* path;
  bool ok;
  bool private_asn;
};
// Test names and failures show the case, not its bytes (which hold pointers).
void PrintTo(const RuleCase& c, std::ostream* os) { *os << "\"" << c.path << "\""; }

class AsPathRuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(AsPathRuleTest, Applies) {
  auto path = AsPath::Parse(GetParam().path);
  ASSERT_TRUE(path.ok());
  AsPathVerdict v = CheckAsPath(*path);
  EXPECT_EQ(v.ok, GetParam().ok) << GetParam().path << ": " << v.problem;
  EXPECT_EQ(v.private_asn, GetParam().private_asn) << GetParam().path;
  EXPECT_EQ(v.problem.empty(), v.ok);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AsPathRuleTest,
    testing::Values(RuleCase{"13335", true, false}, RuleCase{"13335 174 3356", true, false},
                    RuleCase{"13335 174 3356 1299", false, false},    // length 4
                    RuleCase{"13335 174 {3356,1299}", true, false},   // set counts one
                    RuleCase{"13335 174 3356 {1299}", false, false},  // 3 + set = 4
                    RuleCase{"13335 13335", false, false},            // prepending at origin
                    RuleCase{"174 13335 13335", false, false},        // prepending at origin
                    RuleCase{"174 174 13335", false, false},          // prepending mid-path
                    RuleCase{"13335 174 13335", false, false},        // repeated, not adjacent
                    RuleCase{"13335 {174,174}", false, false},        // repeated inside a set
                    RuleCase{"13335 64511", false, true},             // documentation
                    RuleCase{"13335 64512", false, true},             // first private
                    RuleCase{"13335 65534", false, true},             // last private
                    RuleCase{"13335 65535", false, true},             // reserved
                    RuleCase{"13335 4200000000", false, true},        // first private 32-bit
                    RuleCase{"13335 4294967294", false, true},        // last private 32-bit
                    RuleCase{"13335 4294967295", false, true},        // reserved
                    RuleCase{"13335 23456", false, true},             // AS_TRANS
                    RuleCase{"0 13335", false, true},                 // AS 0
                    RuleCase{"13335 4199999999", true, false},        // just below private
                    RuleCase{"13335 64495", true, false}));           // just below doc

}  // namespace
}  // namespace pfx
