// File: recovery.h
// -----------------------------------------------------------------------------
// Start-up recovery of the validation runtime from the store: tracks every stored prefix in
// the dependency index and requeues prefixes never validated (PENDING), in hold-down
// (WARNING) or UNKNOWN, so a restart resumes where the last run stopped. Their states say so,
// so these entries need no queue rows. Run once, before workers start.

#ifndef PFX_ENGINE_RECOVERY_H_
#define PFX_ENGINE_RECOVERY_H_

#include "absl/status/status.h"
#include "engine/dependency_index.h"
#include "registry/registry.h"

namespace pfx {

// A failed scan, or a stored prefix that does not parse, is DATA_LOSS / the scan's error.
absl::Status RecoverValidation(const StoreContext& ctx, DependencyIndex& dependencies);

}  // namespace pfx

#endif  // PFX_ENGINE_RECOVERY_H_
