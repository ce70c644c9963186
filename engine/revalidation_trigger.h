// File: revalidation_trigger.h
// -----------------------------------------------------------------------------
// RevalidationTrigger: turns route-feed changes into validation queue entries, debounced.
// It listens to the RouteIndex: an announce or withdraw of a prefix marks the prefixes that
// track it; a session going up or down or finishing its initial table marks every prefix
// whose last validation required that session. Marked targets are queued together every
// `debounce` interval, so a burst of updates (a full table, a flapping session) costs one
// validation per prefix. The same loop settles sessions whose router never sends End-of-RIB
// once they have been quiet for `settle_time`. Thread-safe; the listener callback only takes
// a short lock.

#ifndef PFX_ENGINE_REVALIDATION_TRIGGER_H_
#define PFX_ENGINE_REVALIDATION_TRIGGER_H_

#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "engine/dependency_index.h"
#include "feed/route_index.h"
#include "storage/validation_queue.h"

namespace pfx {

class RevalidationTrigger {
 public:
  RevalidationTrigger(RouteIndex* routes, DependencyIndex* dependencies, ValidationQueue* queue,
                      absl::Duration debounce, absl::Duration settle_time);
  ~RevalidationTrigger();
  void Stop();

 private:
  void OnChanges(const std::vector<RouteChange>& changes);
  void Run();

  RouteIndex* routes_;
  DependencyIndex* dependencies_;
  ValidationQueue* queue_;
  absl::Duration debounce_;
  absl::Duration settle_time_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, v1::ValidationTarget> marked_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_REVALIDATION_TRIGGER_H_
