#include "validator/irr_index.h"

#include "gtest/gtest.h"

namespace pfx {
namespace {

IpPrefix P(const char* s) { return *IpPrefix::Parse(s); }

TEST(IrrIndexTest, ExactLessSpecificMismatchNotFound) {
  IrrIndex irr;
  irr.Add(P("1.1.1.0/24"), 13335, "RADB");
  irr.Add(P("8.0.0.0/12"), 3356, "ARIN");
  irr.Add(P("9.9.9.0/24"), 19281, "RIPE");

  IrrVerdict exact = irr.Lookup(P("1.1.1.0/24"), 13335);
  EXPECT_EQ(exact.match, IrrMatch::kExact);
  ASSERT_EQ(exact.objects.size(), 1u);
  EXPECT_EQ(exact.objects[0].ToString(), "route: 1.1.1.0/24 origin: AS13335 source: RADB");

  EXPECT_EQ(irr.Lookup(P("8.8.8.0/24"), 3356).match, IrrMatch::kLessSpecific);
  IrrVerdict mismatch = irr.Lookup(P("9.9.9.0/24"), 13335);
  EXPECT_EQ(mismatch.match, IrrMatch::kMismatch);
  ASSERT_EQ(mismatch.objects.size(), 1u);
  EXPECT_EQ(mismatch.objects[0].origin, 19281u);
  EXPECT_EQ(irr.Lookup(P("4.4.4.0/24"), 3356).match, IrrMatch::kNotFound);
  // A more specific object never covers a less specific prefix.
  EXPECT_EQ(irr.Lookup(P("1.1.0.0/16"), 13335).match, IrrMatch::kNotFound);
}

TEST(IrrIndexTest, ExactWinsOverCoveringMismatch) {
  IrrIndex irr;
  irr.Add(P("2001:db8::/32"), 1, "RIPE");
  irr.Add(P("2001:db8:1::/48"), 2, "RIPE");
  EXPECT_EQ(irr.Lookup(P("2001:db8:1::/48"), 2).match, IrrMatch::kExact);
  EXPECT_EQ(irr.Lookup(P("2001:db8:1::/48"), 1).match, IrrMatch::kLessSpecific);
}

TEST(IrrIndexTest, SourcePolicyFiltersAndDuplicatesFold) {
  IrrIndex irr({"RADB"});
  EXPECT_TRUE(irr.Add(P("1.1.1.0/24"), 13335, "radb"));
  EXPECT_TRUE(irr.Add(P("1.1.1.0/24"), 13335, "RADB"));
  EXPECT_FALSE(irr.Add(P("1.1.1.0/24"), 64500, "EVILDB"));
  EXPECT_EQ(irr.object_count(), 1u);
  EXPECT_EQ(irr.Lookup(P("1.1.1.0/24"), 64500).match, IrrMatch::kMismatch);
}

}  // namespace
}  // namespace pfx
