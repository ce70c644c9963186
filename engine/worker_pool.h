// File: worker_pool.h
// -----------------------------------------------------------------------------
// WorkerPool: N threads draining the validation queue through the ValidationEngine, up to
// kBatch entries at a time (one store write per batch).
// Stop() shuts the queue down and joins; entries not yet completed stay in RocksDB and are
// validated after the next start.

#ifndef PFX_ENGINE_WORKER_POOL_H_
#define PFX_ENGINE_WORKER_POOL_H_

#include <thread>
#include <vector>

#include "engine/validation_engine.h"
#include "storage/validation_queue.h"

namespace pfx {

class WorkerPool {
 public:
  WorkerPool(ValidationQueue* queue, ValidationEngine* engine, int threads);
  ~WorkerPool();
  void Stop();

 private:
  static constexpr size_t kBatch = 64;
  void Run();

  ValidationQueue* queue_;
  ValidationEngine* engine_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
};

}  // namespace pfx

#endif  // PFX_ENGINE_WORKER_POOL_H_
