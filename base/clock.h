// File: clock.h
// -----------------------------------------------------------------------------
// Clock: the time seam (pfxd uses RealClock; a test of one layer can pass its own).

#ifndef PFX_BASE_CLOCK_H_
#define PFX_BASE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pfx {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// The process's real clock, for defaults.
inline const Clock& SystemClock() {
  static const RealClock clock;
  return clock;
}

}  // namespace pfx

#endif  // PFX_BASE_CLOCK_H_
