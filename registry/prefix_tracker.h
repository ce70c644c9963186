// File: prefix_tracker.h
// -----------------------------------------------------------------------------
// PrefixTracker: how the registry tells the layer above it (the validation runtime's
// dependency index) which prefixes are stored, without depending on it. A mutation calls
// Track for each prefix it creates and Forget for each it deletes, under the store's write
// lock while it stages its batch. Implementations must be thread-safe and must not call back
// into the registry.

#ifndef PFX_REGISTRY_PREFIX_TRACKER_H_
#define PFX_REGISTRY_PREFIX_TRACKER_H_

#include "pfx/v1/validation.pb.h"
#include "validator/ip_prefix.h"

namespace pfx {

class PrefixTracker {
 public:
  virtual ~PrefixTracker() = default;
  virtual void Track(const v1::ValidationTarget& target, const IpPrefix& prefix) = 0;
  virtual void Forget(const v1::ValidationTarget& target) = 0;
};

}  // namespace pfx

#endif  // PFX_REGISTRY_PREFIX_TRACKER_H_
