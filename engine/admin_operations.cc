#include "engine/admin_operations.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "registry/events.h"

namespace pfx {

absl::StatusOr<v1::ReloadReferenceDataResponse> ReloadReferenceData(ReferenceReloader& reloader) {
  ReloadReport report = reloader.ReloadNow();
  if (!report.irr.ok() || !report.rpki.ok()) {
    return absl::FailedPreconditionError(report.ToString());
  }
  v1::ReloadReferenceDataResponse out;
  out.set_irr_changed_prefixes(static_cast<int32_t>(report.irr_changed_prefixes));
  out.set_rpki_changed_prefixes(static_cast<int32_t>(report.rpki_changed_prefixes));
  out.set_requeued_prefixes(static_cast<int32_t>(report.requeued));
  return out;
}

absl::StatusOr<v1::CreateBackupResponse> CreateBackup(Database& db,
                                                      const v1::CreateBackupRequest& request) {
  if (request.directory().empty()) return absl::InvalidArgumentError("directory: is required");
  if (!std::filesystem::path(request.directory()).is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: '", request.directory(), "' must be an absolute path on pfxd's host"));
  }
  absl::Time start = absl::Now();
  if (absl::Status s = db.Checkpoint(request.directory()); !s.ok()) return s;
  v1::CreateBackupResponse out;
  out.set_directory(request.directory());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(request.directory(), ec)) {
    if (!entry.is_regular_file(ec)) continue;
    out.set_files(out.files() + 1);
    out.set_bytes(out.bytes() + static_cast<int64_t>(entry.file_size(ec)));
  }
  *out.mutable_time() = ToTimestamp(start);
  PFX_LOG(Info) << "backup: " << out.files() << " files, " << out.bytes() << " bytes in "
                << request.directory() << " (" << absl::FormatDuration(absl::Now() - start)
                << ")";
  return out;
}

}  // namespace pfx
