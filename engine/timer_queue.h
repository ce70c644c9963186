// File: timer_queue.h
// -----------------------------------------------------------------------------
// TimerQueue: runs callbacks once the clock reaches their time (hold-down expiry requeues a
// prefix at its deadline). Time is the injected Clock's: pfxd calls Start(), whose thread
// sleeps until the next deadline and runs what is due; a test with a fake clock never starts
// it and calls RunDue() after moving its clock. Callbacks must be quick. Stop() (or the
// destructor) drops pending callbacks. Thread-safe.

#ifndef PFX_ENGINE_TIMER_QUEUE_H_
#define PFX_ENGINE_TIMER_QUEUE_H_

#include <functional>
#include <map>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace pfx {

class TimerQueue {
 public:
  explicit TimerQueue(const Clock* clock) : clock_(clock) {}
  ~TimerQueue();

  void Schedule(absl::Time when, std::function<void()> callback);
  // Runs every callback due at clock->Now() on the calling thread, earliest first; returns how
  // many ran. Callbacks scheduled by a callback run in the same call if already due.
  size_t RunDue();
  size_t pending() const;

  // Runs callbacks as they fall due on a thread of its own (waits in real time: for RealClock).
  void Start();
  void Stop();

 private:
  void Run();

  const Clock* clock_;
  mutable absl::Mutex mu_;
  std::multimap<absl::Time, std::function<void()>> timers_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_TIMER_QUEUE_H_
