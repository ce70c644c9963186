// File: revalidation.h
// -----------------------------------------------------------------------------
// Revalidate's core, without the network: which stored prefixes a RevalidateRequest selects,
// and how far their validation has come.
//   CheckRevalidateRequest   the request's filters, each error naming its field;
//   SelectForRevalidation    the selected targets, in chunks as the scan finds them, so the
//                            validation of the first ones overlaps the rest of the scan;
//   RevalidationProgress     counts the selected targets' completions from worker notices.
// Thread-safe: RevalidationProgress locks; the functions keep no state.

#ifndef PFX_ENGINE_REVALIDATION_H_
#define PFX_ENGINE_REVALIDATION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/notices.h"
#include "pfx/v1/validation.pb.h"
#include "storage/database.h"

namespace pfx {

// INVALID_ARGUMENT naming the field: enum values, names, both parents set, prefixes.
absl::Status CheckRevalidateRequest(const v1::RevalidateRequest& request);

// Passes the targets `request` selects to `sink`, in chunks of up to `chunk_size`. Without
// prefix or state filters only the keys are read. Checks the request first (nothing is passed
// on when it is bad); a failed scan or a stored prefix that does not parse is the error.
// `stop` (optional): once it turns true the scan ends early with CANCELLED.
absl::Status SelectForRevalidation(
    const Database& db, const v1::RevalidateRequest& request,
    const std::function<void(std::vector<v1::ValidationTarget>)>& sink,
    size_t chunk_size = 4096, const std::atomic<bool>* stop = nullptr);

class RevalidationProgress {
 public:
  // Counts `targets` as selected (call before queueing them; a repeat counts once).
  void Add(const std::vector<v1::ValidationTarget>& targets);
  // The selection is complete: the total is final.
  void SelectionDone();
  bool selection_done() const;
  // Counts the selected targets among `notices`; true when any was.
  bool OnNotices(const std::vector<ValidationNotice>& notices);
  // total, done, failed, the states reached, and finished (selection done and every target
  // done).
  v1::RevalidateResponse Snapshot() const;
  // The first validation failure among the selected targets (OK when none).
  absl::Status first_failure() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, bool> selected_ ABSL_GUARDED_BY(mu_);  // target -> done
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t done_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_failure_ ABSL_GUARDED_BY(mu_);
  bool selection_done_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<v1::PrefixValidationState, int64_t> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_ENGINE_REVALIDATION_H_
