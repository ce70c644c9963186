#include "server/stream_reactors.h"

#include "absl/strings/str_cat.h"
#include "registry/events.h"
#include "server/grpc_status.h"

namespace pfx {

// --- WatchValidation ---------------------------------------------------------------------

WatchValidationReactor::WatchValidationReactor(const v1::WatchValidationRequest& filter,
                                               NoticeHub* notices, const Clock* clock,
                                               size_t buffer_limit)
    : filter_(filter), notices_(notices), buffer_limit_(buffer_limit) {
  // `started` goes first and is queued before subscribing: every change after it reaches the
  // buffer, so a client knows what it does after reading it cannot be missed.
  {
    absl::MutexLock lock(&mu_);
    *pending_.emplace_back().mutable_started()->mutable_timestamp() = ToTimestamp(clock->Now());
  }
  subscription_ =
      notices_->Subscribe([this](const std::vector<ValidationNotice>& batch) { OnNotices(batch); });
  Pump();
}

bool WatchValidationReactor::Wanted(const ValidationNotice& n) const {
  if (n.change.old_state() == n.change.new_state()) return false;
  const v1::ValidationTarget& t = n.change.target();
  if (!filter_.peering_name().empty() &&
      (t.kind() != v1::ValidationTarget::KIND_REGISTERED_PREFIX ||
       t.parent() != filter_.peering_name())) {
    return false;
  }
  return filter_.peering_service_name().empty() ||
         (t.kind() == v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX &&
          t.parent() == filter_.peering_service_name());
}

void WatchValidationReactor::OnNotices(const std::vector<ValidationNotice>& notices) {
  {
    absl::MutexLock lock(&mu_);
    if (end_.has_value()) return;
    for (const ValidationNotice& n : notices) {
      if (!Wanted(n)) continue;
      if (pending_.size() >= buffer_limit_) {
        pending_.clear();
        end_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            absl::StrCat("watcher fell more than ", buffer_limit_,
                                         " changes behind (watch_buffer); changes were dropped: "
                                         "list the prefixes again, then watch again"));
        break;
      }
      *pending_.emplace_back().mutable_change() = n.change;
    }
  }
  Pump();
}

void WatchValidationReactor::Pump() {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    if (writing_ || finish_called_) return;
    if (end_.has_value()) {
      finish_called_ = true;
      finish = *end_;
    } else if (!pending_.empty()) {
      in_flight_ = std::move(pending_.front());
      pending_.pop_front();
      writing_ = true;
    } else {
      return;
    }
  }
  if (finish.has_value()) {
    Finish(*finish);
  } else {
    StartWrite(&in_flight_);
  }
}

void WatchValidationReactor::EndWith(grpc::Status status) {
  {
    absl::MutexLock lock(&mu_);
    if (!end_.has_value()) end_ = std::move(status);
  }
  Pump();
}

void WatchValidationReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
  }
  if (!ok) return EndWith(grpc::Status(grpc::StatusCode::CANCELLED, "the stream broke"));
  Pump();
}

void WatchValidationReactor::OnCancel() {
  EndWith(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
}

void WatchValidationReactor::OnDone() {
  notices_->Unsubscribe(subscription_);  // waits out a publish in progress
  delete this;
}

// --- Revalidate --------------------------------------------------------------------------

RevalidateReactor::RevalidateReactor(const v1::RevalidateRequest& request, Deps deps)
    : deps_(deps) {
  if (absl::Status s = CheckRevalidateRequest(request); !s.ok()) {
    EndWith(ToGrpcStatus(s));
    return;
  }
  subscription_ = deps_.notices->Subscribe([this](const std::vector<ValidationNotice>& batch) {
    if (progress_.OnNotices(batch)) Pump();
  });
  {
    absl::MutexLock lock(&mu_);
    ++refs_;  // the selection's
  }
  deps_.selector->Run([this, request] { Select(request); });
}

void RevalidateReactor::Select(const v1::RevalidateRequest& request) {
  absl::Status selected = SelectForRevalidation(
      *deps_.db, request,
      [this](std::vector<v1::ValidationTarget> targets) {
        progress_.Add(targets);
        deps_.registry->RequeueTransient(targets);
      },
      /*chunk_size=*/4096, &cancelled_);
  progress_.SelectionDone();
  if (!selected.ok()) EndWith(ToGrpcStatus(selected));
  Pump();
  Release();
}

void RevalidateReactor::Pump() {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    if (writing_ || finish_called_ || done_) return;
    if (end_.has_value() || final_written_) {
      finish_called_ = true;
      finish = end_.value_or(grpc::Status::OK);
    } else {
      if (!progress_.selection_done()) return;  // every message carries the final total
      v1::RevalidateResponse snapshot = progress_.Snapshot();
      if (snapshot.done() == last_done_ && !snapshot.finished()) return;  // nothing new
      const absl::Time now = deps_.clock->Now();
      if (!snapshot.finished() && now < next_write_) {
        // At most one message per interval: a message per completed prefix cost more CPU,
        // here and in the client, than the validation. The timer sends the latest then.
        if (!timer_armed_) {
          timer_armed_ = true;
          ++refs_;  // the timer's
          deps_.timers->Schedule(next_write_, [this] { OnTimer(); });
        }
        return;
      }
      if (snapshot.finished() && snapshot.failed() > 0) {
        absl::Status first = progress_.first_failure();
        end_ = ToGrpcStatus(absl::InternalError(
            absl::StrCat(snapshot.failed(), " of ", snapshot.total(),
                         " prefixes could not be validated and keep their stored state; first: ",
                         first.message())));
      }
      last_done_ = snapshot.done();
      final_written_ = snapshot.finished();
      next_write_ = now + kProgressInterval;
      in_flight_ = std::move(snapshot);
      writing_ = true;
    }
  }
  if (finish.has_value()) {
    Finish(*finish);
  } else {
    StartWrite(&in_flight_);
  }
}

void RevalidateReactor::OnTimer() {
  {
    absl::MutexLock lock(&mu_);
    timer_armed_ = false;
  }
  Pump();
  Release();
}

void RevalidateReactor::EndWith(grpc::Status status) {
  {
    absl::MutexLock lock(&mu_);
    if (!end_.has_value()) end_ = std::move(status);
  }
  Pump();
}

void RevalidateReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
  }
  if (!ok) return EndWith(grpc::Status(grpc::StatusCode::CANCELLED, "the stream broke"));
  Pump();
}

void RevalidateReactor::OnCancel() {
  cancelled_.store(true, std::memory_order_relaxed);
  EndWith(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
}

void RevalidateReactor::OnDone() {
  if (subscription_ != 0) deps_.notices->Unsubscribe(subscription_);  // waits out a publish
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  cancelled_.store(true, std::memory_order_relaxed);  // nobody reads the stream any more
  Release();
}

void RevalidateReactor::Release() {
  bool last;
  {
    absl::MutexLock lock(&mu_);
    last = --refs_ == 0;
  }
  if (last) delete this;
}

}  // namespace pfx
