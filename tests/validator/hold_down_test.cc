#include "validator/hold_down.h"

#include "gtest/gtest.h"

namespace pfx {
namespace {

ValidationResult Missing() {
  ValidationResult r;
  r.state = ValidationState::kFailed;
  r.only_missing_routes = true;
  return r;
}

TEST(HoldDownTest, VerifiedLosingARouteWarnsUntilDeadline) {
  absl::Time t0 = absl::FromUnixSeconds(1000);
  auto d = ApplyHoldDown(ValidationState::kVerified, std::nullopt, Missing(), t0, absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kWarning);
  ASSERT_TRUE(d.deadline.has_value());
  EXPECT_EQ(*d.deadline, t0 + absl::Minutes(5));

  auto before = ApplyHoldDown(ValidationState::kWarning, d.deadline, Missing(),
                              t0 + absl::Minutes(5) - absl::Seconds(1), absl::Minutes(5));
  EXPECT_EQ(before.state, ValidationState::kWarning);
  EXPECT_EQ(before.deadline, d.deadline);

  auto at = ApplyHoldDown(ValidationState::kWarning, d.deadline, Missing(), t0 + absl::Minutes(5),
                          absl::Minutes(5));
  EXPECT_EQ(at.state, ValidationState::kFailed);
  EXPECT_FALSE(at.deadline.has_value());
}

TEST(HoldDownTest, NeverVerifiedFailsAtOnce) {
  auto d = ApplyHoldDown(ValidationState::kPending, std::nullopt, Missing(), absl::Now(),
                         absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kFailed);
}

TEST(HoldDownTest, OtherFailuresAreNotSoftened) {
  ValidationResult r = Missing();
  r.only_missing_routes = false;
  auto d =
      ApplyHoldDown(ValidationState::kVerified, std::nullopt, r, absl::Now(), absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kFailed);
}

TEST(HoldDownTest, UnknownKeepsTheDeadlineForLater) {
  absl::Time t0 = absl::FromUnixSeconds(1000);
  ValidationResult unknown;
  unknown.state = ValidationState::kUnknown;
  auto held = ApplyHoldDown(ValidationState::kWarning, t0 + absl::Minutes(5), unknown, t0,
                            absl::Minutes(5));
  EXPECT_EQ(held.state, ValidationState::kUnknown);
  EXPECT_EQ(held.deadline, t0 + absl::Minutes(5));
  // Back from UNKNOWN with the last decided state (VERIFIED) the hold-down still applies.
  auto d = ApplyHoldDown(ValidationState::kVerified, std::nullopt, Missing(), t0, absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kWarning);
}

TEST(HoldDownTest, RecoveryClearsTheDeadline) {
  ValidationResult ok;
  ok.state = ValidationState::kVerified;
  auto d = ApplyHoldDown(ValidationState::kWarning, absl::Now(), ok, absl::Now(), absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kVerified);
  EXPECT_FALSE(d.deadline.has_value());
}

TEST(HoldDownTest, ZeroMeansNoHoldDown) {
  ValidationResult missing;
  missing.state = ValidationState::kFailed;
  missing.only_missing_routes = true;
  const absl::Time now = absl::FromUnixSeconds(1000);
  HoldDownDecision d =
      ApplyHoldDown(ValidationState::kVerified, std::nullopt, missing, now, absl::ZeroDuration());
  EXPECT_EQ(d.state, ValidationState::kFailed);
  EXPECT_FALSE(d.deadline.has_value());
  // One second of hold-down is still a hold-down (the bound's other side).
  d = ApplyHoldDown(ValidationState::kVerified, std::nullopt, missing, now, absl::Seconds(1));
  EXPECT_EQ(d.state, ValidationState::kWarning);
  EXPECT_EQ(d.deadline, now + absl::Seconds(1));
}

}  // namespace
}  // namespace pfx

namespace pfx {
namespace {

// A prefix WARNING for an advisory check (rpki_policy WARN: no deadline) was verified: losing
// a route starts the hold-down instead of failing at once.
TEST(HoldDownTest, AdvisoryWarningEarnsTheHoldDownLikeVerified) {
  absl::Time t0 = absl::FromUnixSeconds(1000);
  auto d = ApplyHoldDown(ValidationState::kWarning, std::nullopt, Missing(), t0, absl::Minutes(5));
  EXPECT_EQ(d.state, ValidationState::kWarning);
  ASSERT_TRUE(d.deadline.has_value());
  EXPECT_EQ(*d.deadline, t0 + absl::Minutes(5));
}

}  // namespace
}  // namespace pfx
