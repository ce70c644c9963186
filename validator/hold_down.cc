#include "validator/hold_down.h"

namespace pfx {

HoldDownDecision ApplyHoldDown(ValidationState previous_state,
                               std::optional<absl::Time> previous_deadline,
                               const ValidationResult& result, absl::Time now,
                               absl::Duration hold_down) {
  if (result.state == ValidationState::kUnknown) return {result.state, previous_deadline};
  bool softenable = result.state == ValidationState::kFailed && result.only_missing_routes &&
                    hold_down > absl::ZeroDuration();
  if (!softenable) return {result.state, std::nullopt};
  // WARNING without a deadline is a verified prefix with an advisory remark (rpki_policy WARN):
  // it earns the hold-down like VERIFIED.
  bool was_verified = previous_state == ValidationState::kVerified ||
                      (previous_state == ValidationState::kWarning && !previous_deadline.has_value());
  bool in_hold_down = previous_state == ValidationState::kWarning && previous_deadline.has_value();
  if (was_verified) return {ValidationState::kWarning, now + hold_down};
  if (in_hold_down && now < *previous_deadline) {
    return {ValidationState::kWarning, previous_deadline};
  }
  return {ValidationState::kFailed, std::nullopt};
}

}  // namespace pfx
