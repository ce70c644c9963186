#include "engine/revalidation_trigger.h"

#include "base/log.h"

namespace pfx {

constexpr absl::Duration kSettleCheckInterval = absl::Seconds(1);

RevalidationTrigger::RevalidationTrigger(RouteIndex* routes, DependencyIndex* dependencies,
                                         ValidationQueue* queue, const Clock* clock,
                                         absl::Duration debounce, absl::Duration settle_time)
    : routes_(routes),
      dependencies_(dependencies),
      queue_(queue),
      clock_(clock),
      debounce_(debounce),
      settle_time_(settle_time),
      last_flush_(absl::InfinitePast()) {
  routes->AddListener([this](const std::vector<RouteChange>& changes) { OnChanges(changes); });
}

RevalidationTrigger::~RevalidationTrigger() { Stop(); }

void RevalidationTrigger::Start() { thread_ = std::thread([this] { Run(); }); }

void RevalidationTrigger::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

size_t RevalidationTrigger::marked() const {
  absl::MutexLock lock(&mu_);
  return marked_.size();
}

void RevalidationTrigger::OnChanges(const std::vector<RouteChange>& changes) {
  std::vector<v1::ValidationTarget> touched;
  for (const RouteChange& c : changes) {
    // A route change touches the prefixes registered for it; a session change (up, down,
    // reset, initial table complete) those whose last validation read that session.
    std::vector<v1::ValidationTarget> t =
        c.kind == RouteChange::Kind::kAnnounce || c.kind == RouteChange::Kind::kWithdraw
            ? dependencies_->ForPrefix(c.prefix)
            : dependencies_->ForSession(c.session);
    touched.insert(touched.end(), t.begin(), t.end());
  }
  if (touched.empty()) return;
  absl::MutexLock lock(&mu_);
  for (v1::ValidationTarget& t : touched) marked_.emplace(TargetKey(t), std::move(t));
}

size_t RevalidationTrigger::Poll() {
  const absl::Time now = clock_->Now();
  routes_->SettleQuietSessions(now, settle_time_);  // marks dependents (listener)
  std::vector<v1::ValidationTarget> batch;
  {
    absl::MutexLock lock(&mu_);
    if (marked_.empty() || now < last_flush_ + debounce_) return 0;
    last_flush_ = now;
    for (auto& [key, target] : marked_) batch.push_back(std::move(target));
    marked_.clear();
  }
  if (batch.empty()) return 0;
  // Buffered: a lost requeue is redone by the feed itself after a restart (the MRT reload or
  // the BMP reconnect announces everything again).
  if (absl::Status s = queue_->Enqueue(batch, Durability::kBuffered); !s.ok()) {
    PFX_LOG(Error) << "requeue of " << batch.size() << " prefixes failed (kept marked, retried at "
                   << "the next debounce deadline): " << s;
    absl::MutexLock lock(&mu_);
    for (v1::ValidationTarget& t : batch) marked_.emplace(TargetKey(t), std::move(t));
    return 0;
  }
  return batch.size();
}

void RevalidationTrigger::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // Idle, wakes at the first mark, or after a second to settle quiet sessions; with marks,
      // at the debounce deadline. No busy loop whatever `debounce` is (0 included).
      auto marked_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !marked_.empty();
      };
      mu_.AwaitWithDeadline(absl::Condition(&marked_or_stopping),
                            absl::Now() + kSettleCheckInterval);
      if (!marked_.empty()) {
        mu_.AwaitWithDeadline(absl::Condition(&stopping_), last_flush_ + debounce_);
      }
      if (stopping_) return;
    }
    Poll();
  }
}

}  // namespace pfx
