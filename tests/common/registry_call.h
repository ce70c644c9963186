// File: registry_call.h
// -----------------------------------------------------------------------------
// Call(): runs a registry mutation and waits for its `done`, which the GroupCommitter calls
// once the change is durable (a wait for the write, not for time). The timeout only keeps a
// broken committer from hanging the suite. For unit tests of the registry and the engine.

#ifndef PFX_TESTS_COMMON_REGISTRY_CALL_H_
#define PFX_TESTS_COMMON_REGISTRY_CALL_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "registry/registry.h"

namespace pfx {

template <typename Reply, typename Request>
absl::StatusOr<Reply> Call(Registry& registry,
                           void (Registry::*method)(const Request&, Registry::Done<Reply>, Actor),
                           const Request& request, Actor actor = {}) {
  struct Result {
    absl::Notification done;
    absl::StatusOr<Reply> reply = absl::UnknownError("no reply");
  };
  auto result = std::make_shared<Result>();
  (registry.*method)(
      request,
      [result](absl::StatusOr<Reply> reply) {
        result->reply = std::move(reply);
        result->done.Notify();
      },
      std::move(actor));
  if (!result->done.WaitForNotificationWithTimeout(absl::Seconds(60))) {
    return absl::DeadlineExceededError("the registry never answered");
  }
  return result->reply;
}

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_REGISTRY_CALL_H_
