// File: audit_log.h
// -----------------------------------------------------------------------------
// The audit trail (the `audit` column): one pfx.v1.AuditRecord per mutation attempt, added to
// the WriteSet of the change it records so the two are durable together. Keys sort newest
// first (the bitwise complement of the time in microseconds, then of a sequence), so a listing
// is one forward scan. Retention: records are kept like events (every one, for now).
// Thread-safe.

#ifndef PFX_STORAGE_AUDIT_LOG_H_
#define PFX_STORAGE_AUDIT_LOG_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "pfx/v1/admin.pb.h"
#include "storage/database.h"

namespace pfx {

class AuditLog {
 public:
  explicit AuditLog(Database* db) : db_(db) {}

  // Adds `record` to `writes`, stamped with `time_micros` (when the record has no time).
  void Append(WriteSet& writes, v1::AuditRecord record, int64_t time_micros);

  // Records newest first, filtered and paged as ListAuditRecordsRequest says. INVALID_ARGUMENT
  // naming page_size or page_token.
  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const v1::ListAuditRecordsRequest& request) const;

 private:
  Database* const db_;
  std::atomic<uint64_t> sequence_{0};
};

}  // namespace pfx

#endif  // PFX_STORAGE_AUDIT_LOG_H_
