#include "storage/retention.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "pfx/v1/admin.pb.h"
#include "storage/keys.h"
#include "storage/records.pb.h"

namespace pfx {

std::string SweepReport::ToString() const {
  return absl::StrCat(events_deleted, " events, ", request_replies_deleted,
                      " request_id replies and ", audit_records_deleted,
                      " audit records deleted (", request_replies_stamped,
                      " older replies stamped)");
}

RetentionSweeper::~RetentionSweeper() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t RetentionSweeper::deleted_total() const {
  absl::MutexLock lock(&mu_);
  return deleted_total_;
}

// Deletes (and the stamps' rewrites) of one column, committed every kBatch rows with
// buffered durability; deletes are counted into the sweeper's total once committed.
class RetentionSweeper::Batch {
 public:
  Batch(RetentionSweeper* sweeper, Column column) : sweeper_(sweeper), column_(column) {}

  absl::Status Delete(absl::string_view key) {
    writes_.Delete(column_, key);
    ++deletes_;
    return Added();
  }
  absl::Status Put(absl::string_view key, absl::string_view value) {
    writes_.Put(column_, key, value);
    return Added();
  }
  absl::Status Flush() {
    if (rows_ == 0) return absl::OkStatus();
    absl::Status s = sweeper_->db_->Commit(writes_, Durability::kBuffered);
    if (s.ok()) {
      absl::MutexLock lock(&sweeper_->mu_);
      sweeper_->deleted_total_ += deletes_;  // stamps rewrite rows; they are not counted
    }
    writes_ = WriteSet();
    rows_ = deletes_ = 0;
    return s;
  }

 private:
  absl::Status Added() { return ++rows_ < kBatch ? absl::OkStatus() : Flush(); }

  RetentionSweeper* sweeper_;
  Column column_;
  WriteSet writes_;
  size_t rows_ = 0;
  uint64_t deletes_ = 0;
};

absl::StatusOr<SweepReport> RetentionSweeper::SweepOnce(absl::Time now) {
  absl::MutexLock lock(&sweep_mu_);
  SweepReport report;
  if (absl::Status s = SweepEvents(now, report); !s.ok()) return s;
  if (absl::Status s = SweepRequestReplies(now, report); !s.ok()) return s;
  if (absl::Status s = SweepAudit(now, report); !s.ok()) return s;
  return report;
}

// Events are keyed kind + resource + sequence: one resource's rows are adjacent, oldest first.
absl::Status RetentionSweeper::SweepEvents(absl::Time now, SweepReport& report) {
  const bool by_age = policy_.event_max_age > absl::ZeroDuration();
  const absl::Time cutoff = now - policy_.event_max_age;
  struct Row {
    std::string key;
    absl::Time time;
  };
  std::vector<Row> resource_rows;
  std::string resource;  // the key without its 8-byte sequence
  Batch batch(this, Column::kEvents);
  absl::Status failed;
  auto finish_resource = [&]() -> absl::Status {
    const size_t keep = policy_.events_per_prefix == 0
                            ? resource_rows.size()
                            : std::min<size_t>(resource_rows.size(), policy_.events_per_prefix);
    const size_t first_kept = resource_rows.size() - keep;
    for (size_t i = 0; i < resource_rows.size(); ++i) {
      if (i < first_kept || (by_age && resource_rows[i].time < cutoff)) {
        if (absl::Status s = batch.Delete(resource_rows[i].key); !s.ok()) return s;
        ++report.events_deleted;
      }
    }
    resource_rows.clear();
    return absl::OkStatus();
  };
  absl::Status scan =
      db_->Scan(Column::kEvents, "", "", [&](absl::string_view key, absl::string_view value) {
        if (key.size() < 8) return true;
        absl::string_view owner = key.substr(0, key.size() - 8);
        if (owner != resource) {
          if (failed = finish_resource(); !failed.ok()) return false;
          resource = std::string(owner);
        }
        storage::EventRecord event;
        absl::Time time = absl::InfiniteFuture();  // a row that does not parse is kept
        if (event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          time = absl::FromUnixSeconds(event.event_timestamp().seconds()) +
                 absl::Nanoseconds(event.event_timestamp().nanos());
        }
        resource_rows.push_back({std::string(key), time});
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failed.ok()) return failed;
  if (absl::Status s = finish_resource(); !s.ok()) return s;
  return batch.Flush();
}

absl::Status RetentionSweeper::SweepRequestReplies(absl::Time now, SweepReport& report) {
  const int64_t now_micros = absl::ToUnixMicros(now);
  const int64_t cutoff = policy_.request_reply_max_age > absl::ZeroDuration()
                             ? absl::ToUnixMicros(now - policy_.request_reply_max_age)
                             : INT64_MIN;
  std::vector<std::pair<int64_t, std::string>> kept;  // (stored_micros, key)
  Batch batch(this, Column::kIdxRequest);
  absl::Status failed;
  absl::Status scan =
      db_->Scan(Column::kIdxRequest, "", "", [&](absl::string_view key, absl::string_view value) {
        // The reply itself may be sealed; the time beside it is not, and parsing needs no key.
        storage::RequestReplyRecord record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        if (record.stored_micros() == 0) {
          record.set_stored_micros(now_micros);
          if (failed = batch.Put(key, record.SerializeAsString()); !failed.ok()) return false;
          ++report.request_replies_stamped;
        } else if (record.stored_micros() < cutoff) {
          if (failed = batch.Delete(key); !failed.ok()) return false;
          ++report.request_replies_deleted;
          return true;
        }
        if (policy_.max_request_replies > 0) kept.emplace_back(record.stored_micros(), key);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failed.ok()) return failed;
  if (policy_.max_request_replies > 0 && kept.size() > policy_.max_request_replies) {
    const size_t excess = kept.size() - policy_.max_request_replies;
    std::nth_element(kept.begin(), kept.begin() + static_cast<ptrdiff_t>(excess), kept.end());
    for (size_t i = 0; i < excess; ++i) {
      if (absl::Status s = batch.Delete(kept[i].second); !s.ok()) return s;
      ++report.request_replies_deleted;
    }
  }
  return batch.Flush();
}

// Audit keys are ~sequence: newest first, so the old records are the column's tail.
absl::Status RetentionSweeper::SweepAudit(absl::Time now, SweepReport& report) {
  if (policy_.audit_max_age <= absl::ZeroDuration()) return absl::OkStatus();
  const absl::Time cutoff = now - policy_.audit_max_age;
  Batch batch(this, Column::kAudit);
  absl::Status failed;
  absl::Status scan =
      db_->Scan(Column::kAudit, "", "", [&](absl::string_view key, absl::string_view value) {
        v1::AuditRecord record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        if (absl::FromUnixSeconds(record.time().seconds()) < cutoff) {
          if (failed = batch.Delete(key); !failed.ok()) return false;
          ++report.audit_records_deleted;
        }
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failed.ok()) return failed;
  return batch.Flush();
}

void RetentionSweeper::Start(absl::Duration interval) {
  thread_ = std::thread([this, interval] {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        auto stopping = [this] {
          mu_.AssertHeld();
          return stopping_;
        };
        if (mu_.AwaitWithTimeout(absl::Condition(&stopping), interval)) return;
      }
      absl::StatusOr<SweepReport> report = SweepOnce(absl::Now());
      if (!report.ok()) {
        PFX_LOG(Error) << "retention sweep: " << report.status();
      } else if (report->events_deleted + report->request_replies_deleted +
                     report->audit_records_deleted + report->request_replies_stamped >
                 0) {
        PFX_LOG(Info) << "retention sweep: " << report->ToString();
      }
    }
  });
}

}  // namespace pfx
