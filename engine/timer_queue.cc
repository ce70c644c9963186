#include "engine/timer_queue.h"

namespace pfx {

TimerQueue::~TimerQueue() { Stop(); }

void TimerQueue::Schedule(absl::Time when, std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  timers_.emplace(when, std::move(callback));
}

size_t TimerQueue::pending() const {
  absl::MutexLock lock(&mu_);
  return timers_.size();
}

size_t TimerQueue::RunDue() {
  size_t ran = 0;
  while (true) {
    std::function<void()> due;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ || timers_.empty() || timers_.begin()->first > clock_->Now()) return ran;
      due = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
    }
    due();
    ++ran;
  }
}

void TimerQueue::Start() { thread_ = std::thread([this] { Run(); }); }

void TimerQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void TimerQueue::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      absl::Time next = timers_.empty() ? absl::InfiniteFuture() : timers_.begin()->first;
      // Wakes at the earliest deadline, or sooner when an earlier timer is scheduled.
      auto wake = [this, next]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || (!timers_.empty() && timers_.begin()->first < next);
      };
      mu_.AwaitWithDeadline(absl::Condition(&wake), next);
      if (stopping_) return;
    }
    RunDue();
  }
}

}  // namespace pfx
