#include "storage/group_committer.h"

#include "absl/time/clock.h"

namespace pfx {

GroupCommitter::GroupCommitter(Database* db, absl::Mutex* write_mu, size_t max_group)
    : db_(db), write_mu_(write_mu), max_group_(max_group), thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Submit(std::unique_ptr<Job> job) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      pending_.push_back(std::move(job));
      return;
    }
  }
  job->Finish(absl::UnavailableError("pfxd is shutting down; the change was not applied"));
}

void GroupCommitter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::Run() {
  std::vector<std::unique_ptr<Job>> group;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &GroupCommitter::HasWorkOrStopping));
      if (pending_.empty()) return;  // stopping, and everything submitted is finished
      while (!pending_.empty() && group.size() < max_group_) {
        group.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    bool needs_sync = false;
    {
      absl::MutexLock lock(write_mu_);
      for (std::unique_ptr<Job>& job : group) needs_sync |= job->Apply();
      applied_groups_.fetch_add(1);
    }
    absl::Status durable = absl::OkStatus();
    if (needs_sync) {
      group_sizes_.Observe(static_cast<double>(group.size()));
      const absl::Time start = absl::Now();
      durable = db_->SyncWal();
      sync_seconds_.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    }
    for (std::unique_ptr<Job>& job : group) job->Finish(durable);
    group.clear();
  }
}

}  // namespace pfx
