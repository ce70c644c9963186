// File: revalidation_trigger.h
// -----------------------------------------------------------------------------
// RevalidationTrigger: turns route-feed changes into validation queue entries, debounced.
// It listens to the RouteIndex: an announce or withdraw of a prefix marks the prefixes that
// track it; a session going up or down or finishing its initial table marks every prefix
// whose last validation required that session. Marked targets are queued together every
// `debounce` interval, so a burst of updates (a full table, a flapping session) costs one
// validation per prefix. The same loop settles sessions whose router never sends End-of-RIB
// once they have been quiet for `settle_time`. Time is the injected Clock's: pfxd calls
// Start(), whose thread runs Poll() at each debounce deadline; a test with a fake clock calls
// Poll() itself after moving its clock. Thread-safe; the listener callback only takes a short
// lock.

#ifndef PFX_ENGINE_REVALIDATION_TRIGGER_H_
#define PFX_ENGINE_REVALIDATION_TRIGGER_H_

#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "engine/dependency_index.h"
#include "feed/route_index.h"
#include "storage/validation_queue.h"

namespace pfx {

class RevalidationTrigger {
 public:
  RevalidationTrigger(RouteIndex* routes, DependencyIndex* dependencies, ValidationQueue* queue,
                      const Clock* clock, absl::Duration debounce, absl::Duration settle_time);
  ~RevalidationTrigger();

  // One step at clock->Now(): settles sessions quiet for settle_time (which marks their
  // dependents), then, if `debounce` has passed since the last flush, queues every marked
  // target (buffered) and clears the marks. Returns how many targets it queued. A change after
  // a quiet spell is queued at once; the rest of its burst waits for the debounce deadline.
  size_t Poll();
  size_t marked() const;

  void Start();  // a thread that calls Poll() at each debounce deadline (real time)
  void Stop();

 private:
  void OnChanges(const std::vector<RouteChange>& changes);
  void Run();

  RouteIndex* routes_;
  DependencyIndex* dependencies_;
  ValidationQueue* queue_;
  const Clock* clock_;
  absl::Duration debounce_;
  absl::Duration settle_time_;
  mutable absl::Mutex mu_;
  absl::Time last_flush_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, v1::ValidationTarget> marked_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_REVALIDATION_TRIGGER_H_
