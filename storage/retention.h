// File: retention.h
// -----------------------------------------------------------------------------
// RetentionSweeper: keeps the history columns from growing forever (docs/operations.md,
// Retention). Each sweep deletes
//   - events (per prefix) older than `event_max_age`, and beyond the newest
//     `events_per_prefix` of each prefix (Azure shows recent events, not years of them);
//   - request_id replies (idx_request) older than `request_reply_max_age`, and the oldest
//     beyond `max_request_replies` (a retry after that is treated as a new request);
//   - audit records older than `audit_max_age`.
// A zero limit keeps everything of that kind. The sweep reads a column with an iterator and
// deletes in batches of kBatch rows (buffered writes: a delete lost in a crash is swept
// again), outside the registry's write lock, so writes never wait for it; new rows are never
// candidates (they are the newest). Replies stored before their time was recorded are
// stamped with the sweep's time the first time it sees them.
// Thread-safe: one sweep at a time; Start() runs one every `interval` on its own thread.

#ifndef PFX_STORAGE_RETENTION_H_
#define PFX_STORAGE_RETENTION_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace pfx {

struct RetentionPolicy {
  absl::Duration event_max_age = absl::Hours(24 * 365);
  uint64_t events_per_prefix = 1000;
  absl::Duration request_reply_max_age = absl::Hours(24 * 7);
  uint64_t max_request_replies = 1000000;
  absl::Duration audit_max_age = absl::Hours(24 * 400);
};

struct SweepReport {
  uint64_t events_deleted = 0;
  uint64_t request_replies_deleted = 0;
  uint64_t request_replies_stamped = 0;
  uint64_t audit_records_deleted = 0;
  std::string ToString() const;
};

class RetentionSweeper {
 public:
  static constexpr size_t kBatch = 1000;

  RetentionSweeper(Database* db, RetentionPolicy policy) : db_(db), policy_(policy) {}
  ~RetentionSweeper();  // stops the thread

  absl::StatusOr<SweepReport> SweepOnce(absl::Time now);
  void Start(absl::Duration interval);

  // Totals since start (metrics).
  uint64_t deleted_total() const;

 private:
  absl::Status SweepEvents(absl::Time now, SweepReport& report)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sweep_mu_);
  absl::Status SweepRequestReplies(absl::Time now, SweepReport& report)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sweep_mu_);
  absl::Status SweepAudit(absl::Time now, SweepReport& report)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sweep_mu_);
  class Batch;  // the rows one sweep deletes or rewrites, committed kBatch at a time

  Database* db_;
  const RetentionPolicy policy_;
  absl::Mutex sweep_mu_;
  mutable absl::Mutex mu_;
  uint64_t deleted_total_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_RETENTION_H_
