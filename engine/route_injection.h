// File: route_injection.h
// -----------------------------------------------------------------------------
// RouteInjection's core (tests and demos, off unless enable_route_injection): routes and
// session states given in a request, applied to the RouteIndex as a feed would. A session
// first seen through injection has no initial-table phase unless SetSessionState asks for
// one. Errors name the request field; nothing is applied from a request with an error.
// Thread-safe.

#ifndef PFX_ENGINE_ROUTE_INJECTION_H_
#define PFX_ENGINE_ROUTE_INJECTION_H_

#include "absl/status/status.h"
#include "base/clock.h"
#include "feed/route_index.h"
#include "pfx/v1/routes.pb.h"

namespace pfx {

class RouteInjection {
 public:
  RouteInjection(RouteIndex* routes, const Clock* clock) : routes_(routes), clock_(clock) {}

  absl::Status Announce(const v1::AnnounceRoutesRequest& request);
  absl::Status Withdraw(const v1::WithdrawRoutesRequest& request);
  absl::Status SetSessionState(const v1::SetSessionStateRequest& request);

 private:
  // Applies `batch`; a session it creates has no initial-table phase.
  void ApplyToSession(const SessionKey& session, const RouteBatch& batch);

  RouteIndex* routes_;
  const Clock* clock_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_ROUTE_INJECTION_H_
