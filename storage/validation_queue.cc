#include "storage/validation_queue.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pfx {

std::string TargetKey(const v1::ValidationTarget& target) {
  return absl::StrCat(static_cast<int>(target.kind()), "|", target.parent(), "|", target.name());
}

absl::StatusOr<std::unique_ptr<ValidationQueue>> ValidationQueue::Open(Database* db) {
  // The rows are read before the queue's lock is taken: everywhere else the queue's lock is
  // taken inside the database's (Stage runs in scans of a mutation), never around it.
  std::deque<QueueItem> items;
  absl::flat_hash_map<std::string, uint64_t> waiting;
  uint64_t next_seq = 1;
  WriteSet duplicates;
  absl::Status parse_error;
  absl::Status s =
      db->Scan(Column::kQueue, "", "", [&](absl::string_view key, absl::string_view value) {
        const uint64_t seq = keys::ParseSequence(key);
        next_seq = std::max(next_seq, seq + 1);
        QueueEntryRecord entry;
        if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError("queue entry does not parse");
          return false;
        }
        QueueItem item(seq, ToApi(entry));
        if (!waiting.emplace(item.key, item.seq).second) {
          duplicates.Delete(Column::kQueue, key);
          return true;
        }
        items.push_back(std::move(item));
        return true;
      });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  if (duplicates.size() > 0) {
    if (absl::Status c = db->Commit(duplicates, Durability::kBuffered); !c.ok()) return c;
  }
  auto queue = std::unique_ptr<ValidationQueue>(new ValidationQueue(db));
  absl::MutexLock lock(&queue->mu_);
  queue->next_seq_ = std::max(queue->next_seq_, next_seq);
  queue->waiting_ = std::move(waiting);
  const absl::Time now = absl::Now();
  for (QueueItem& item : items) item.queued_at = now;
  queue->items_ = std::move(items);
  return queue;
}

std::optional<QueueItem> ValidationQueue::Stage(WriteSet& writes,
                                                const v1::ValidationTarget& target) {
  absl::MutexLock lock(&mu_);
  QueueItem item(0, target);
  auto waiting = waiting_.find(item.key);
  if (waiting != waiting_.end() && waiting->second != 0) return std::nullopt;
  item.seq = next_seq_++;
  writes.Put(Column::kQueue, keys::Sequence(item.seq), ToRecord(target).SerializeAsString());
  return item;
}

void ValidationQueue::Publish(const QueueItem& item) {
  absl::MutexLock lock(&mu_);
  auto [waiting, inserted] = waiting_.emplace(item.key, item.seq);
  if (inserted) {
    items_.push_back(item);
    items_.back().queued_at = absl::Now();
  } else if (waiting->second == 0) {
    waiting->second = item.seq;  // waiting transiently: that entry now stands for this row
  } else if (item.seq != 0 && waiting->second != item.seq) {
    // Raced with another durable Stage (both staged before either published): one entry
    // waits, and its completion deletes this row too.
    duplicates_[item.key].push_back(item.seq);
  }
}

void ValidationQueue::EnqueueTransient(const std::vector<v1::ValidationTarget>& targets) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  for (const v1::ValidationTarget& t : targets) {
    QueueItem item(0, t, now);
    if (waiting_.emplace(item.key, 0).second) items_.push_back(std::move(item));
  }
}

absl::Status ValidationQueue::Enqueue(const std::vector<v1::ValidationTarget>& targets,
                                      Durability durability) {
  WriteSet writes;
  std::vector<QueueItem> staged;
  for (const v1::ValidationTarget& t : targets) {
    if (auto item = Stage(writes, t); item.has_value()) staged.push_back(std::move(*item));
  }
  if (staged.empty()) return absl::OkStatus();
  if (absl::Status s = db_->Commit(writes, durability); !s.ok()) return s;
  for (const QueueItem& item : staged) Publish(item);
  return absl::OkStatus();
}

std::optional<QueueItem> ValidationQueue::Pop(absl::Duration timeout) {
  std::vector<QueueItem> one = PopBatch(1, timeout);
  if (one.empty()) return std::nullopt;
  return std::move(one.front());
}

std::vector<QueueItem> ValidationQueue::PopBatch(size_t max, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  // absl may evaluate a condition on other threads, so it only reads; the take happens below.
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (shutdown_) return true;
    for (const QueueItem& item : items_) {
      if (!in_flight_.contains(item.key)) return true;
    }
    return false;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  std::vector<QueueItem> taken;
  if (shutdown_) return taken;
  for (auto it = items_.begin(); it != items_.end() && taken.size() < max;) {
    if (in_flight_.contains(it->key)) {
      ++it;
      continue;
    }
    taken.push_back(std::move(*it));
    it = items_.erase(it);
    auto waiting = waiting_.find(taken.back().key);
    taken.back().seq = waiting->second;  // the map has the seq: a transient entry may have
    waiting_.erase(waiting);             // become durable while it waited
    if (auto d = duplicates_.find(taken.back().key); d != duplicates_.end()) {
      taken.back().duplicate_seqs = std::move(d->second);
      duplicates_.erase(d);
    }
    in_flight_.insert(taken.back().key);
  }
  return taken;
}

void ValidationQueue::Complete(WriteSet& writes, const QueueItem& item) {
  if (item.seq != 0) writes.Delete(Column::kQueue, keys::Sequence(item.seq));
  for (uint64_t seq : item.duplicate_seqs) writes.Delete(Column::kQueue, keys::Sequence(seq));
}

void ValidationQueue::Release(const QueueItem& item) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(item.key);
}

void ValidationQueue::Release(const std::vector<const QueueItem*>& items) {
  absl::MutexLock lock(&mu_);
  for (const QueueItem* item : items) in_flight_.erase(item->key);
}

void ValidationQueue::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutdown_ = true;
}

size_t ValidationQueue::waiting() const {
  absl::MutexLock lock(&mu_);
  return items_.size();
}

std::optional<absl::Time> ValidationQueue::oldest_queued_at() const {
  absl::MutexLock lock(&mu_);
  // Entries join at the back, so the front waited longest (a Pop may skip it while another
  // worker validates its target, which only makes it older).
  if (items_.empty()) return std::nullopt;
  return items_.front().queued_at;
}

}  // namespace pfx
