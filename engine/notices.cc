#include "engine/notices.h"

namespace pfx {

uint64_t NoticeHub::Subscribe(Callback callback) {
  absl::MutexLock lock(&mu_);
  uint64_t id = next_id_++;
  subscribers_.emplace(id, std::move(callback));
  return id;
}

void NoticeHub::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
}

void NoticeHub::Publish(const std::vector<ValidationNotice>& notices) {
  if (notices.empty()) return;
  absl::MutexLock lock(&mu_);
  for (auto& [id, callback] : subscribers_) callback(notices);
}

}  // namespace pfx
