// File: rpki_store.h
// -----------------------------------------------------------------------------
// RpkiStore: the current RPKI index (validator/vrp_index.h), the union of the VRPs of the
// configured rpki-client JSON files and of an RTR cache (feed/rtr_client.h). Either source
// replaces its own part whole (ReloadFiles, SetRtrVrps); the store then builds a new index
// aside and swaps it in, so a validation always sees one consistent snapshot, and tells the
// listener which prefixes' VRPs changed (the prefixes they cover may validate differently).
// Not configured (no source at all): Get() is null and routes are NOT_EVALUATED; see usable()
// for an RTR cache that is out of sync.
// Thread-safe.

#ifndef PFX_ENGINE_RPKI_STORE_H_
#define PFX_ENGINE_RPKI_STORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "validator/vrp_index.h"

namespace pfx {

class RpkiStore {
 public:
  using ChangeListener = std::function<void(const std::vector<IpPrefix>& changed)>;

  // `files`: rpki-client JSON files are configured (loaded before use); `rtr`: an RTR cache.
  // Get() is non-null (empty until the first load) exactly when either is.
  explicit RpkiStore(bool files, bool rtr = false);

  // Called after every swap that changed some prefix's VRPs, on the reloading thread, one
  // call at a time; readers are not blocked meanwhile. It must not reload the store itself.
  void SetListener(ChangeListener listener);

  // Loads every file (all or nothing: one bad file keeps the whole previous file part) and
  // swaps the new index in. Returns the changed prefixes.
  absl::StatusOr<std::vector<IpPrefix>> ReloadFiles(const std::vector<std::string>& paths);
  // The RTR cache's whole current set, and whether it is complete and unexpired.
  std::vector<IpPrefix> SetRtrVrps(std::vector<Vrp> vrps, bool in_sync);
  // `notify` false: ReloadFiles does not call the listener (the caller requeues itself).
  void set_notify_file_changes(bool notify);

  std::shared_ptr<const VrpIndex> Get() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  bool configured() const { return files_ || rtr_; }
  // The index answers for RPKI: files are configured, or the RTR cache is in sync. When an
  // RTR cache is the only source and it is not (never reached, reset, expired), routes are
  // not evaluated rather than NotFound, so an outage cannot pass Invalid routes as NotFound.
  bool usable() const { return files_ || rtr_in_sync_.load(std::memory_order_acquire); }
  bool rtr_in_sync() const { return rtr_in_sync_.load(std::memory_order_acquire); }
  // The index when it can answer (usable()); null otherwise, and when not configured.
  std::shared_ptr<const VrpIndex> GetIfUsable() const { return usable() ? Get() : nullptr; }
  // When the index in use was built (InfinitePast before the first load).
  absl::Time loaded_at() const {
    absl::MutexLock lock(&mu_);
    return loaded_at_;
  }

 private:
  std::vector<IpPrefix> Rebuild() ABSL_EXCLUSIVE_LOCKS_REQUIRED(rebuild_mu_);

  const bool files_;
  const bool rtr_;
  std::atomic<bool> rtr_in_sync_{false};
  bool notify_file_changes_ ABSL_GUARDED_BY(rebuild_mu_) = true;
  absl::Mutex rebuild_mu_;  // one rebuild at a time; held while building, not while reading
  std::vector<Vrp> file_vrps_ ABSL_GUARDED_BY(rebuild_mu_);
  std::vector<Vrp> rtr_vrps_ ABSL_GUARDED_BY(rebuild_mu_);
  ChangeListener listener_ ABSL_GUARDED_BY(rebuild_mu_);
  mutable absl::Mutex mu_;
  std::shared_ptr<const VrpIndex> current_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace pfx

#endif  // PFX_ENGINE_RPKI_STORE_H_
