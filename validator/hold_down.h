// File: hold_down.h
// -----------------------------------------------------------------------------
// The hold-down rule of SPEC §3: a VERIFIED prefix (or one WARNING for an advisory check, or
// one already WARNING in hold-down)
// whose only failures are missing routes on required sessions goes to WARNING until the
// deadline, and to FAILED only when the route has not come back by then. Any other failure,
// or a prefix that was never VERIFIED, takes the pipeline's state at once.
// UNKNOWN (a session still sending its initial table) decides nothing: it keeps the deadline,
// and the caller passes the last decided state as `previous_state` while the stored state is
// UNKNOWN, so a router reconnecting inside the hold-down does not restart or skip it.
// A zero `hold_down` means no hold-down: a missing route fails the prefix at once.
// Pure function; times are absl::Time so tests choose them.

#ifndef PFX_VALIDATOR_HOLD_DOWN_H_
#define PFX_VALIDATOR_HOLD_DOWN_H_

#include <optional>

#include "absl/time/time.h"
#include "validator/check_result.h"

namespace pfx {

struct HoldDownDecision {
  ValidationState state;
  std::optional<absl::Time> deadline;  // set while in hold-down
};

HoldDownDecision ApplyHoldDown(ValidationState previous_state,
                               std::optional<absl::Time> previous_deadline,
                               const ValidationResult& result, absl::Time now,
                               absl::Duration hold_down);

}  // namespace pfx

#endif  // PFX_VALIDATOR_HOLD_DOWN_H_
