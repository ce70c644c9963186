// File: stream_reactors.h
// -----------------------------------------------------------------------------
// The two server-streaming RPCs as callback reactors driven by notifications: no thread per
// stream and no polling interval. Worker notices (NoticeHub) and write completions move them;
// at most one write is in flight per stream; Finish waits for it (docs/streams.md).
//
// WatchValidationReactor: `started` first, then each state change the filter selects, in
//   order. A reader slower than the changes gets back-pressure: up to `buffer_limit` changes
//   wait in the stream's buffer; one more ends the stream with RESOURCE_EXHAUSTED (the buffer
//   is dropped, so the client knows it missed changes: re-list, then watch again).
// RevalidateReactor: selects and requeues on `selector` (one thread shared by every
//   Revalidate; a cancelled call stops its scan), then reports progress once the total is
//   known: at most one message per kProgressInterval (a timer fires the pending one), and the
//   final message at once. Prefixes that could not be validated count as done and `failed`;
//   the stream then ends with the first such error instead of OK.
//
// Both delete themselves in OnDone (or when their last pending selection or timer ends).

#ifndef PFX_SERVER_STREAM_REACTORS_H_
#define PFX_SERVER_STREAM_REACTORS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/serial_executor.h"
#include "engine/notices.h"
#include "engine/revalidation.h"
#include "engine/timer_queue.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/validation.grpc.pb.h"
#include "registry/registry.h"
#include "storage/database.h"

namespace pfx {

class WatchValidationReactor final : public grpc::ServerWriteReactor<v1::WatchValidationResponse> {
 public:
  WatchValidationReactor(const v1::WatchValidationRequest& filter, NoticeHub* notices,
                         const Clock* clock, size_t buffer_limit);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  bool Wanted(const ValidationNotice& notice) const;
  void OnNotices(const std::vector<ValidationNotice>& notices);
  // Starts the next write, or the deferred Finish, if no write is in flight. Call without mu_.
  void Pump();
  void EndWith(grpc::Status status);

  const v1::WatchValidationRequest filter_;
  NoticeHub* const notices_;
  const size_t buffer_limit_;
  uint64_t subscription_ = 0;
  absl::Mutex mu_;
  std::deque<v1::WatchValidationResponse> pending_ ABSL_GUARDED_BY(mu_);
  v1::WatchValidationResponse in_flight_;  // owned by the write while writing_
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> end_ ABSL_GUARDED_BY(mu_);
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
};

class RevalidateReactor final : public grpc::ServerWriteReactor<v1::RevalidateResponse> {
 public:
  static constexpr absl::Duration kProgressInterval = absl::Milliseconds(100);

  struct Deps {
    const Database* db;
    Registry* registry;
    NoticeHub* notices;
    TimerQueue* timers;
    SerialExecutor* selector;
    const Clock* clock;
  };
  RevalidateReactor(const v1::RevalidateRequest& request, Deps deps);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void Select(const v1::RevalidateRequest& request);
  void OnTimer();
  void Pump();
  void EndWith(grpc::Status status);
  // Drops one reference (gRPC's until OnDone, the selection's, an armed timer's); the last
  // one deletes the reactor. Call last: the reactor may be gone when it returns.
  void Release();

  const Deps deps_;
  RevalidationProgress progress_;
  uint64_t subscription_ = 0;
  std::atomic<bool> cancelled_{false};  // stops the selection scan
  absl::Mutex mu_;
  int refs_ ABSL_GUARDED_BY(mu_) = 1;  // gRPC's
  v1::RevalidateResponse in_flight_;   // owned by the write while writing_
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool timer_armed_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // OnDone ran
  int64_t last_done_ ABSL_GUARDED_BY(mu_) = -1;
  bool final_written_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time next_write_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::optional<grpc::Status> end_ ABSL_GUARDED_BY(mu_);
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pfx

#endif  // PFX_SERVER_STREAM_REACTORS_H_
