// File: fake_clock.h
// -----------------------------------------------------------------------------
// FakeClock: a Clock that moves only when a test moves it (Advance, Set), so timers, debounce
// and settle deadlines are reached exactly, never by sleeping. Thread-safe: the committer and
// other threads read it while the test moves it.

#ifndef PFX_TESTS_COMMON_FAKE_CLOCK_H_
#define PFX_TESTS_COMMON_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace pfx {

class FakeClock : public Clock {
 public:
  // An arbitrary fixed start, well away from the epoch and from any real "now".
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000)) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_FAKE_CLOCK_H_
