#include "engine/route_injection.h"

#include "absl/strings/str_cat.h"
#include "registry/input_rules.h"
#include "validator/community.h"

namespace pfx {
namespace {

absl::StatusOr<SessionKey> ParseSession(const v1::SessionRef& ref) {
  if (auto s = CheckName("session.router", ref.router()); !s.ok()) return s;
  absl::StatusOr<IpAddress> peer = IpAddress::Parse(ref.peer_address());
  if (!peer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("session.peer_address: ", peer.status().message()));
  }
  return SessionKey{ref.router(), *peer};
}

// routes[i] as a Route received `now`; the next hop defaults to the session's peer.
absl::StatusOr<Route> ParseRoute(const v1::InjectedRoute& in, const std::string& field,
                                 const SessionKey& session, absl::Time now) {
  absl::StatusOr<IpPrefix> prefix = ParsePrefixField(field + ".prefix", in.prefix());
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<AsPath> path = AsPath::Parse(in.as_path());
  if (!path.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".", path.status().message()));
  }
  Route route{*prefix, {*path, {}, {}, 0}, now};
  for (const std::string& c : in.communities()) {
    absl::StatusOr<uint32_t> community = ParseCommunity(c);
    if (!community.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".communities: ", community.status().message()));
    }
    route.attributes.communities.push_back(*community);
  }
  route.attributes.next_hop = session.peer;
  if (!in.next_hop().empty()) {
    absl::StatusOr<IpAddress> next_hop = IpAddress::Parse(in.next_hop());
    if (!next_hop.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".next_hop: ", next_hop.status().message()));
    }
    route.attributes.next_hop = *next_hop;
  }
  return route;
}

}  // namespace

void RouteInjection::ApplyToSession(const SessionKey& session, const RouteBatch& batch) {
  bool is_new = !routes_->GetSession(session).has_value();
  routes_->Apply(batch);
  if (is_new) routes_->MarkInitialTableComplete(session);
}

absl::Status RouteInjection::Announce(const v1::AnnounceRoutesRequest& request) {
  absl::StatusOr<SessionKey> session = ParseSession(request.session());
  if (!session.ok()) return session.status();
  RouteBatch batch{*session, {}, {}};
  const absl::Time now = clock_->Now();
  for (int i = 0; i < request.routes_size(); ++i) {
    absl::StatusOr<Route> route =
        ParseRoute(request.routes(i), absl::StrCat("routes[", i, "]"), *session, now);
    if (!route.ok()) return route.status();
    batch.announced.push_back(std::move(*route));
  }
  ApplyToSession(*session, batch);
  return absl::OkStatus();
}

absl::Status RouteInjection::Withdraw(const v1::WithdrawRoutesRequest& request) {
  absl::StatusOr<SessionKey> session = ParseSession(request.session());
  if (!session.ok()) return session.status();
  RouteBatch batch{*session, {}, {}};
  for (int i = 0; i < request.prefixes_size(); ++i) {
    absl::StatusOr<IpPrefix> prefix =
        ParsePrefixField(absl::StrCat("prefixes[", i, "]"), request.prefixes(i));
    if (!prefix.ok()) return prefix.status();
    batch.withdrawn.push_back(*prefix);
  }
  ApplyToSession(*session, batch);
  return absl::OkStatus();
}

absl::Status RouteInjection::SetSessionState(const v1::SetSessionStateRequest& request) {
  absl::StatusOr<SessionKey> session = ParseSession(request.session());
  if (!session.ok()) return session.status();
  routes_->SetEstablished(*session, request.established());
  if (request.established() && request.initial_table_complete()) {
    routes_->MarkInitialTableComplete(*session);
  }
  return absl::OkStatus();
}

}  // namespace pfx
