// File: validation_queue.h
// -----------------------------------------------------------------------------
// ValidationQueue: the durable queue of prefixes waiting for validation.
//
// Durability: an entry is a row of the `queue` column (sequence -> ValidationTarget). A
// producer adds the row to its own WriteSet (Stage), commits, then Publish()es, so a
// registration and its queue entry land in one atomic batch. A worker Pop()s an entry,
// validates, and deletes the row in the same batch that stores the result (Complete), so a
// crash at any point leaves the entry queued and it is validated again after restart.
//
// Transient entries (EnqueueTransient) have no row: a restart forgets them. They are for
// work whose requester learns of a restart and can ask again (a Revalidate stream breaks),
// and save the row's write and delete on bulk requeues.
//
// Deduplication: a target already waiting is not queued twice; a durable Stage of a target
// waiting transiently still writes its row and makes the waiting entry durable. A target being
// validated may be queued again (the route changed meanwhile) but is not handed to a second
// worker until the first one completes.
// Thread-safe.

#ifndef PFX_STORAGE_VALIDATION_QUEUE_H_
#define PFX_STORAGE_VALIDATION_QUEUE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pfx/v1/validation.pb.h"
#include "storage/database.h"

namespace pfx {

// A stable text key for a target: "<kind>|parent|name".
std::string TargetKey(const v1::ValidationTarget& target);

struct QueueItem {
  QueueItem() = default;
  QueueItem(uint64_t seq, v1::ValidationTarget target, absl::Time queued_at = absl::InfinitePast())
      : seq(seq), target(std::move(target)), key(TargetKey(this->target)), queued_at(queued_at) {}

  uint64_t seq = 0;  // the row's key; 0 for a transient entry (no row)
  // Rows staged for the same target while this entry waited, by producers that raced (each
  // staged before another's Publish); completing the entry deletes them too.
  std::vector<uint64_t> duplicate_seqs;
  v1::ValidationTarget target;
  std::string key;  // TargetKey(target), made once: the queue, workers and notices use it
  // When it joined the in-memory queue (this process's clock; for the oldest entry's age).
  absl::Time queued_at = absl::InfinitePast();
};

class ValidationQueue {
 public:
  // Loads the entries left by a previous run (in order, duplicates dropped).
  static absl::StatusOr<std::unique_ptr<ValidationQueue>> Open(Database* db);

  // Adds `target` to `writes` unless it is already waiting; returns the item to Publish after
  // the WriteSet is committed, or nullopt when nothing was staged.
  std::optional<QueueItem> Stage(WriteSet& writes, const v1::ValidationTarget& target);
  void Publish(const QueueItem& item);
  // Stage + commit (buffered durability is enough for requeues the feed can redo) + Publish.
  absl::Status Enqueue(const std::vector<v1::ValidationTarget>& targets, Durability durability);
  // Queues the targets not already waiting, in memory only (see above).
  void EnqueueTransient(const std::vector<v1::ValidationTarget>& targets);

  // Waits up to `timeout` for an entry whose target is not being validated by another worker.
  std::optional<QueueItem> Pop(absl::Duration timeout);
  // Like Pop, then takes up to `max` entries that are ready now (at least one unless timed
  // out or shut down).
  std::vector<QueueItem> PopBatch(size_t max, absl::Duration timeout);
  // Adds the deletion of the entry to `writes`; call Release after committing it.
  void Complete(WriteSet& writes, const QueueItem& item);
  void Release(const QueueItem& item);
  void Release(const std::vector<const QueueItem*>& items);  // under one lock

  // Wakes every waiting Pop, which then returns nullopt; later Pops return at once.
  void Shutdown();

  size_t waiting() const;
  // When the longest-waiting entry was queued; nullopt when none waits.
  std::optional<absl::Time> oldest_queued_at() const;

 private:
  explicit ValidationQueue(Database* db) : db_(db) {}

  Database* db_;
  mutable absl::Mutex mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<QueueItem> items_ ABSL_GUARDED_BY(mu_);
  // Target key -> seq of its waiting entry (0: transient); the seq in items_ may be stale.
  absl::flat_hash_map<std::string, uint64_t> waiting_ ABSL_GUARDED_BY(mu_);
  // Target key -> the rows of durable Stages that raced with another's (see duplicate_seqs).
  absl::flat_hash_map<std::string, std::vector<uint64_t>> duplicates_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pfx

#endif  // PFX_STORAGE_VALIDATION_QUEUE_H_
