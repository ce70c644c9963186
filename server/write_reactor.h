// File: write_reactor.h
// -----------------------------------------------------------------------------
// ThreadedWriteReactor: a server-streaming callback reactor whose messages come from a
// producer function running on its own thread. The producer calls Write() (blocks until the
// message is on the wire; false once the client cancelled or the stream broke) and returns
// the final status; the reactor then Finish()es and deletes itself in OnDone.
// Streams here are few and long-lived (dashboards, batch jobs), so a thread each is cheap
// and keeps the producers straight-line code.

#ifndef PFX_SERVER_WRITE_REACTOR_H_
#define PFX_SERVER_WRITE_REACTOR_H_

#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"

namespace pfx {

template <typename Message>
class ThreadedWriteReactor : public grpc::ServerWriteReactor<Message> {
 public:
  using Producer = std::function<grpc::Status(ThreadedWriteReactor*)>;

  static ThreadedWriteReactor* Start(Producer producer) {
    auto* reactor = new ThreadedWriteReactor();
    std::thread([reactor, producer = std::move(producer)] {
      grpc::Status status = producer(reactor);
      reactor->Finish(status);  // the reactor may be deleted from here on: touch nothing
    }).detach();
    return reactor;
  }

  bool Write(const Message& message) {
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || broken_) return false;
      writing_ = true;
    }
    this->StartWrite(&message);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* writing) { return !*writing; }, &writing_));
    return !cancelled_ && !broken_;
  }

  // Waits up to `timeout` or until the client cancels; returns true when cancelled.
  bool WaitCancelled(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&cancelled_), timeout);
    return cancelled_;
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) broken_ = true;
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  void OnDone() override { delete this; }

 private:
  ThreadedWriteReactor() = default;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pfx

#endif  // PFX_SERVER_WRITE_REACTOR_H_
