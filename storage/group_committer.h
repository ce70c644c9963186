// File: group_committer.h
// -----------------------------------------------------------------------------
// GroupCommitter: applies mutations one at a time, in arrival order, on its own thread, and
// acknowledges them in groups. A group is every job waiting when the thread comes round (at
// most `max_group`): each job's writes are applied (memtable and WAL buffer, no sync) under
// the write lock, then one WAL sync makes the whole group durable, then each job is finished.
//
// Why a thread of its own: gRPC callback handlers run on a handful of gRPC threads; a handler
// that blocked on the write lock and an fsync held one of them, so only a few mutations ever
// shared a sync and API writes topped out near 3.9k calls/s. Submit() never blocks, so every
// call in flight can join the next group.
//
// A job's writes may be read by others before its sync, but it is acknowledged (Finish with
// OK) only after. Thread-safe.

#ifndef PFX_STORAGE_GROUP_COMMITTER_H_
#define PFX_STORAGE_GROUP_COMMITTER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/histogram.h"
#include "storage/database.h"

namespace pfx {

class GroupCommitter {
 public:
  class Job {
   public:
    virtual ~Job() = default;
    // On the committer thread, holding the write lock: checks and applies the job's writes
    // with Durability::kBuffered. Returns true when the job must wait for the WAL sync (it
    // wrote, or its answer rests on earlier writes that may not be durable yet).
    virtual bool Apply() = 0;
    // On the committer thread, after the group's sync: `durable` is the sync's status (OK
    // when no job of the group needed one). Called exactly once, also when never applied.
    virtual void Finish(absl::Status durable) = 0;
  };

  GroupCommitter(Database* db, absl::Mutex* write_mu, size_t max_group = 256);
  // Stop().
  ~GroupCommitter();

  // Queues `job`. After Stop, finishes it at once with UNAVAILABLE and applies nothing.
  void Submit(std::unique_ptr<Job> job);
  // Applies and finishes every job submitted so far, then ends the thread. Idempotent.
  void Stop();

  // Advances after each group is applied, before the write lock is released. A reader that
  // took this value before reading from the store, and finds it unchanged while holding the
  // write lock, knows no job changed anything since its read.
  uint64_t applied_groups() const { return applied_groups_.load(); }
  // For metrics: jobs per group that needed a WAL sync, and the seconds each sync took.
  const Histogram& group_sizes() const { return group_sizes_; }
  const Histogram& sync_seconds() const { return sync_seconds_; }

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !pending_.empty() || stopping_;
  }

  Database* const db_;
  absl::Mutex* const write_mu_;
  const size_t max_group_;
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Job>> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<uint64_t> applied_groups_{0};
  Histogram group_sizes_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
  Histogram sync_seconds_{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
  std::thread thread_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_GROUP_COMMITTER_H_
