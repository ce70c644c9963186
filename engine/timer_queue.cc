#include "engine/timer_queue.h"

#include "absl/time/clock.h"

namespace pfx {

TimerQueue::TimerQueue() : thread_([this] { Run(); }) {}

TimerQueue::~TimerQueue() { Stop(); }

void TimerQueue::Schedule(absl::Time when, std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  timers_.emplace(when, std::move(callback));
}

void TimerQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  thread_.join();
}

void TimerQueue::Run() {
  while (true) {
    std::function<void()> due;
    {
      absl::MutexLock lock(&mu_);
      absl::Time next = timers_.empty() ? absl::InfiniteFuture() : timers_.begin()->first;
      auto wake = [this, next]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || (!timers_.empty() && timers_.begin()->first < next);
      };
      mu_.AwaitWithDeadline(absl::Condition(&wake), std::min(next, absl::Now() + absl::Seconds(1)));
      if (stopping_) return;
      if (timers_.empty() || timers_.begin()->first > absl::Now()) continue;
      due = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
    }
    due();
  }
}

}  // namespace pfx
