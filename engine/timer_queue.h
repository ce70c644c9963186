// File: timer_queue.h
// -----------------------------------------------------------------------------
// TimerQueue: runs callbacks at a given time on one background thread (hold-down expiry
// requeues a prefix at its deadline). Callbacks must be quick. Stop() (or the destructor)
// drops pending callbacks. Thread-safe.

#ifndef PFX_ENGINE_TIMER_QUEUE_H_
#define PFX_ENGINE_TIMER_QUEUE_H_

#include <functional>
#include <map>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pfx {

class TimerQueue {
 public:
  TimerQueue();
  ~TimerQueue();
  void Schedule(absl::Time when, std::function<void()> callback);
  void Stop();

 private:
  void Run();

  absl::Mutex mu_;
  std::multimap<absl::Time, std::function<void()>> timers_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_TIMER_QUEUE_H_
