// File: reference_reload.h
// -----------------------------------------------------------------------------
// ReferenceReloader: live reload of the reference data prefixes are checked against, the IRR
// dumps and the RPKI JSON files, without stopping validation. Each source is loaded into a
// new index aside and swapped in whole (IrrStore, RpkiStore); a source whose new files do not
// load keeps its old index, and the error is logged and counted (never an empty index). Then
// exactly the registered and peering service prefixes whose answer can have changed are
// queued again (durably): those equal to or more specific than a prefix whose route objects
// or VRPs changed (DependencyIndex::ForCoveredBy). RTR updates take the same requeue path
// through the RpkiStore's listener (Requeue).
// Triggers: ReloadNow() (SIGHUP, Admin.ReloadReferenceData) and an optional timer that
// reloads when a file's size or modification time changed and then stayed the same for one
// more interval (a file rewritten in place is not read half-written). A damaged IRR dump
// (cut short, corrupt compression) fails the reload: its objects are never swapped in.
// Thread-safe: one reload at a time.

#ifndef PFX_ENGINE_REFERENCE_RELOAD_H_
#define PFX_ENGINE_REFERENCE_RELOAD_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/dependency_index.h"
#include "engine/irr_store.h"
#include "engine/rpki_store.h"
#include "storage/validation_queue.h"

namespace pfx {

struct ReloadReport {
  absl::Status irr;   // OK, or why the IRR files kept the old index
  absl::Status rpki;  // OK (also when no RPKI file is configured), or why not
  size_t irr_changed_prefixes = 0;
  size_t rpki_changed_prefixes = 0;
  size_t requeued = 0;  // for IRR and RPKI together (a prefix counted once)
  std::string ToString() const;  // one line for the log and the RPC reply
};

class ReferenceReloader {
 public:
  ReferenceReloader(IrrStore* irr, std::vector<std::string> irr_paths, RpkiStore* rpki,
                    std::vector<std::string> rpki_paths, const DependencyIndex* dependencies,
                    ValidationQueue* queue);
  ~ReferenceReloader();  // stops the timer

  ReloadReport ReloadNow();
  // Queues the prefixes covered by `changed` (durably); returns how many. `why` for the log.
  size_t Requeue(const std::vector<IpPrefix>& changed, const std::string& why);

  // Checks the files every `interval` and reloads when one changed since the last load.
  void StartTimer(absl::Duration interval);

  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  uint64_t reloads() const { return reloads_.load(std::memory_order_relaxed); }

 private:
  std::string FilesSignature() const;  // size and mtime of every file
  void RunTimer(absl::Duration interval);

  IrrStore* irr_;
  const std::vector<std::string> irr_paths_;
  RpkiStore* rpki_;
  const std::vector<std::string> rpki_paths_;
  const DependencyIndex* dependencies_;
  ValidationQueue* queue_;
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> reloads_{0};

  absl::Mutex reload_mu_;  // one reload at a time
  std::string last_signature_ ABSL_GUARDED_BY(reload_mu_);
  absl::Mutex timer_mu_;
  bool stopping_ ABSL_GUARDED_BY(timer_mu_) = false;
  std::thread timer_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_REFERENCE_RELOAD_H_
