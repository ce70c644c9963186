// VrpIndex: RFC 6811 route origin validation at each boundary, and the changed-prefix diff.
#include "validator/vrp_index.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pfx {
namespace {

IpPrefix P(const char* s) { return *IpPrefix::Parse(s); }

class VrpIndexTest : public testing::Test {
 protected:
  VrpIndexTest() {
    index_.Add({P("10.0.0.0/16"), 20, 64500, "ripe"});
    index_.Add({P("10.0.0.0/16"), 16, 64501, "arin"});
    index_.Add({P("2001:db8::/32"), 48, 64500, "ripe"});
    index_.Add({P("192.0.2.0/24"), 24, 0, "apnic"});  // AS0: nobody may originate it
  }
  RpkiState State(const char* prefix, std::optional<uint32_t> origin) {
    return index_.Lookup(P(prefix), origin).state;
  }
  VrpIndex index_;
};

TEST_F(VrpIndexTest, ValidWhenACoveringVrpNamesTheOriginAndAllowsTheLength) {
  EXPECT_EQ(State("10.0.0.0/16", 64500), RpkiState::kValid);
  EXPECT_EQ(State("10.0.16.0/20", 64500), RpkiState::kValid);  // length == maxLength
  EXPECT_EQ(State("10.0.0.0/16", 64501), RpkiState::kValid);
  EXPECT_EQ(State("2001:db8:1::/48", 64500), RpkiState::kValid);
}

TEST_F(VrpIndexTest, InvalidOneBitPastMaxLengthOrFromAnotherOrigin) {
  EXPECT_EQ(State("10.0.0.0/21", 64500), RpkiState::kInvalid);  // maxLength 20 + 1
  EXPECT_EQ(State("10.0.0.0/17", 64501), RpkiState::kInvalid);  // maxLength 16 + 1
  EXPECT_EQ(State("10.0.0.0/16", 64502), RpkiState::kInvalid);
  EXPECT_EQ(State("2001:db8:1:1::/64", 64500), RpkiState::kInvalid);
  RpkiVerdict v = index_.Lookup(P("10.0.0.0/16"), 64502);
  std::vector<std::string> covering;
  for (const Vrp& vrp : v.covering) covering.push_back(vrp.ToString());
  EXPECT_THAT(covering, testing::UnorderedElementsAre("AS64500 10.0.0.0/16-20 (ripe)",
                                                      "AS64501 10.0.0.0/16-16 (arin)"));
}

TEST_F(VrpIndexTest, As0AndNoSingleOriginNeverMatch) {
  EXPECT_EQ(State("192.0.2.0/24", 0), RpkiState::kInvalid);
  EXPECT_EQ(State("10.0.0.0/16", std::nullopt), RpkiState::kInvalid);  // AS_SET origin
}

TEST_F(VrpIndexTest, NotFoundWhenNothingCovers) {
  EXPECT_EQ(State("10.1.0.0/16", 64500), RpkiState::kNotFound);
  EXPECT_EQ(State("10.0.0.0/15", 64500), RpkiState::kNotFound);  // less specific than the VRP
  EXPECT_EQ(State("2001:db9::/32", 64500), RpkiState::kNotFound);
}

TEST_F(VrpIndexTest, DuplicatesFoldAcrossTrustAnchors) {
  index_.Add({P("10.0.0.0/16"), 20, 64500, "arin"});
  EXPECT_EQ(index_.size(), 4u);
}

TEST(ChangedVrpPrefixes, NamesPrefixesWhoseVrpsDiffer) {
  VrpIndex before, after;
  before.Add({P("10.0.0.0/16"), 20, 64500, "ripe"});
  before.Add({P("10.1.0.0/16"), 16, 64500, "ripe"});
  before.Add({P("10.2.0.0/16"), 16, 64500, "ripe"});
  after.Add({P("10.0.0.0/16"), 20, 64500, "arin"});  // only the trust anchor: no change
  after.Add({P("10.1.0.0/16"), 24, 64500, "ripe"});  // maxLength changed
  after.Add({P("10.3.0.0/16"), 16, 64500, "ripe"});  // added; 10.2/16 removed
  EXPECT_THAT(ChangedVrpPrefixes(before, after),
              testing::ElementsAre(P("10.1.0.0/16"), P("10.2.0.0/16"), P("10.3.0.0/16")));
  EXPECT_TRUE(ChangedVrpPrefixes(after, after).empty());
}

}  // namespace
}  // namespace pfx
