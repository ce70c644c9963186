#include "engine/revalidation_trigger.h"

#include "base/log.h"

namespace pfx {

RevalidationTrigger::RevalidationTrigger(RouteIndex* routes, DependencyIndex* dependencies,
                                         ValidationQueue* queue, absl::Duration debounce,
                                         absl::Duration settle_time)
    : routes_(routes),
      dependencies_(dependencies),
      queue_(queue),
      debounce_(debounce),
      settle_time_(settle_time) {
  routes->AddListener([this](const std::vector<RouteChange>& changes) { OnChanges(changes); });
  thread_ = std::thread([this] { Run(); });
}

RevalidationTrigger::~RevalidationTrigger() { Stop(); }

void RevalidationTrigger::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  thread_.join();
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

void RevalidationTrigger::Run() {
  while (true) {
    routes_->SettleQuietSessions(absl::Now(), settle_time_);  // marks dependents (listener)
    std::vector<v1::ValidationTarget> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), debounce_);
      if (stopping_) return;
      for (auto& [key, target] : marked_) batch.push_back(std::move(target));
      marked_.clear();
    }
    if (batch.empty()) continue;
    // Buffered: a lost requeue is redone by the feed itself after a restart (the MRT reload
    // or the BMP reconnect announces everything again).
    if (absl::Status s = queue_->Enqueue(batch, Durability::kBuffered); !s.ok()) {
      PFX_LOG(Error) << "requeue of " << batch.size() << " prefixes failed: " << s;
    }
  }
}

}  // namespace pfx
