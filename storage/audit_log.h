// File: audit_log.h
// -----------------------------------------------------------------------------
// The audit trail (the `audit` column): one pfx.v1.AuditRecord per mutation attempt, added to
// the WriteSet of the change it records so the two are durable together. The key is the
// bitwise complement of a sequence that continues across restarts (Open finds the last one),
// so records sort newest first in the order they were written, whatever the clock does, and a
// listing is one forward scan. Retention: records are kept like events (every one, for now).
// Thread-safe.

#ifndef PFX_STORAGE_AUDIT_LOG_H_
#define PFX_STORAGE_AUDIT_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "pfx/v1/admin.pb.h"
#include "storage/database.h"

namespace pfx {

class AuditLog {
 public:
  // Reads where the sequence stands.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Database* db);

  // Adds `record` to `writes`, stamped with `time_micros` (when the record has no time).
  void Append(WriteSet& writes, v1::AuditRecord record, int64_t time_micros);

  // Records newest first, filtered and paged as ListAuditRecordsRequest says. INVALID_ARGUMENT
  // naming page_size or page_token.
  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const v1::ListAuditRecordsRequest& request) const;

 private:
  AuditLog(Database* db, uint64_t next) : db_(db), next_sequence_(next) {}

  Database* const db_;
  std::atomic<uint64_t> next_sequence_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_AUDIT_LOG_H_
