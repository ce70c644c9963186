// File: dependency_index.h
// -----------------------------------------------------------------------------
// DependencyIndex: which validated prefixes a route change touches. Registered and peering
// service prefixes are tracked by their exact prefix (an announce or withdraw of that prefix
// on any session requeues them) and by the feed sessions their last validation required (a
// session going up or down, or finishing its initial table, requeues them).
// Thread-safe.

#ifndef PFX_ENGINE_DEPENDENCY_INDEX_H_
#define PFX_ENGINE_DEPENDENCY_INDEX_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "feed/route_index.h"
#include "pfx/v1/validation.pb.h"
#include "registry/prefix_tracker.h"
#include "storage/validation_queue.h"

namespace pfx {

class DependencyIndex final : public PrefixTracker {
 public:
  void Track(const v1::ValidationTarget& target, const IpPrefix& prefix) override;
  void SetSessions(const v1::ValidationTarget& target, const std::vector<SessionKey>& sessions) {
    const std::string key = TargetKey(target);
    SetSessions({{&key, &sessions}});
  }
  // The sessions of several targets under one lock (a worker's batch); `key` is the target's
  // TargetKey (storage/validation_queue.h).
  struct SessionsOf {
    const std::string* key;
    const std::vector<SessionKey>* sessions;
  };
  void SetSessions(const std::vector<SessionsOf>& batch);
  void Forget(const v1::ValidationTarget& target) override;

  std::vector<v1::ValidationTarget> ForPrefix(const IpPrefix& prefix) const;
  std::vector<v1::ValidationTarget> ForSession(const SessionKey& session) const;
  // The targets whose prefix equals or is more specific than one of `changed` (reference
  // data changed there: route objects, VRPs). One pass over the tracked prefixes, each
  // probing its covering prefixes (<= 33 or 129 hash lookups).
  std::vector<v1::ValidationTarget> ForCoveredBy(const std::vector<IpPrefix>& changed) const;
  size_t size() const;

 private:
  struct Entry {
    v1::ValidationTarget target;
    IpPrefix prefix;
    std::vector<SessionKey> sessions;
  };
  void UnlinkSessions(const std::string& key, const Entry& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<v1::ValidationTarget> Resolve(const absl::flat_hash_set<std::string>& keys) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<IpPrefix, absl::flat_hash_set<std::string>> by_prefix_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<SessionKey, absl::flat_hash_set<std::string>> by_session_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_ENGINE_DEPENDENCY_INDEX_H_
