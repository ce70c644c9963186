// File: notices.h
// -----------------------------------------------------------------------------
// Notices: fan-out of "targets were validated" to in-process subscribers (WatchValidation
// streams, Revalidate progress), a worker's batch at a time (one lock per batch for a
// subscriber, not one per prefix). Subscribers' callbacks run on the publishing worker thread
// under the hub's lock, so they must be quick and must not call back into the hub.
// Thread-safe.

#ifndef PFX_ENGINE_NOTICES_H_
#define PFX_ENGINE_NOTICES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "pfx/v1/validation.pb.h"

namespace pfx {

struct ValidationNotice {
  v1::ValidationStateChange change;  // old_state == new_state when nothing changed
  std::string peering_name;          // registered prefixes: their peering; else empty
  std::string target_key;            // TargetKey(change.target()), or empty: not made yet
  absl::Status failure;  // not OK: the target could not be validated (only change.target set)
};

class NoticeHub {
 public:
  using Callback = std::function<void(const std::vector<ValidationNotice>&)>;

  uint64_t Subscribe(Callback callback);
  void Unsubscribe(uint64_t id);
  void Publish(const std::vector<ValidationNotice>& notices);

 private:
  absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Callback> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_ENGINE_NOTICES_H_
