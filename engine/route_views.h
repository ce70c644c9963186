// File: route_views.h
// -----------------------------------------------------------------------------
// RouteViews: what the route feed holds, as the Routes API shows it, without the network.
//   ListReceivedRoutes  a peering's sessions' routes (optionally one connection), filtered by
//                       exact prefix, AS path text, origin (IRR) and RPKI (RFC 6811) validation
//                       state; paged in
//                       (session, prefix) order with HMAC page tokens bound to the filters.
//   ListSessions        every feed session, or a peering's, with state and route counts.
// Errors name the request field. Thread-safe: reads only (RouteIndex, IrrStore and RpkiStore lock).

#ifndef PFX_ENGINE_ROUTE_VIEWS_H_
#define PFX_ENGINE_ROUTE_VIEWS_H_

#include "absl/status/statusor.h"
#include "engine/irr_store.h"
#include "engine/rpki_store.h"
#include "feed/route_index.h"
#include "pfx/v1/routes.pb.h"
#include "registry/registry.h"
#include "storage/page_token.h"

namespace pfx {

class RouteViews {
 public:
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

  RouteViews(const PageTokens& tokens, const Registry* registry, const RouteIndex* routes,
             const IrrStore* irr, const RpkiStore* rpki = nullptr)
      : tokens_(tokens), registry_(registry), routes_(routes), irr_(irr), rpki_(rpki) {}

  absl::StatusOr<v1::ListReceivedRoutesResponse> ListReceivedRoutes(
      const v1::ListReceivedRoutesRequest& request) const;
  absl::StatusOr<v1::ListSessionsResponse> ListSessions(
      const v1::ListSessionsRequest& request) const;

 private:
  const PageTokens& tokens_;
  const Registry* registry_;
  const RouteIndex* routes_;
  const IrrStore* irr_;
  const RpkiStore* rpki_;  // null or not configured: every route NOT_EVALUATED
};

}  // namespace pfx

#endif  // PFX_ENGINE_ROUTE_VIEWS_H_
