// File: admin_operations.h
// -----------------------------------------------------------------------------
// The pfx.v1.Admin operations beyond the audit trail, as API replies:
//   ReloadReferenceData  ReferenceReloader::ReloadNow; a source that kept its old data makes
//                        the call FAILED_PRECONDITION with the report (the other source did
//                        reload).
//   CreateBackup         Database::Checkpoint into request.directory, with its size.
// Thread-safe as the components they call.

#ifndef PFX_ENGINE_ADMIN_OPERATIONS_H_
#define PFX_ENGINE_ADMIN_OPERATIONS_H_

#include "absl/status/statusor.h"
#include "engine/reference_reload.h"
#include "pfx/v1/admin.pb.h"
#include "storage/database.h"

namespace pfx {

absl::StatusOr<v1::ReloadReferenceDataResponse> ReloadReferenceData(ReferenceReloader& reloader);
absl::StatusOr<v1::CreateBackupResponse> CreateBackup(Database& db,
                                                      const v1::CreateBackupRequest& request);

}  // namespace pfx

#endif  // PFX_ENGINE_ADMIN_OPERATIONS_H_
