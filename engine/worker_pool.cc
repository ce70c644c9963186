#include "engine/worker_pool.h"

#include "base/log.h"

namespace pfx {

WorkerPool::WorkerPool(ValidationQueue* queue, ValidationEngine* engine, int threads)
    : queue_(queue), engine_(engine) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Stop() {
  if (stopping_.exchange(true)) return;
  queue_->Shutdown();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::Run() {
  while (!stopping_) {
    std::vector<QueueItem> items = queue_->PopBatch(kBatch, absl::Milliseconds(500));
    if (items.empty()) continue;
    if (absl::Status s = engine_->ProcessBatch(items); !s.ok()) {
      PFX_LOG(Error) << "validation of " << items.size() << " queued prefixes failed: " << s;
      absl::SleepFor(absl::Milliseconds(100));  // a storage error: do not spin
    }
  }
}

}  // namespace pfx
