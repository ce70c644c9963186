#include "registry/session_map.h"

namespace pfx {
namespace {

void AppendSessions(const v1::Connection& c, Family family, bool backup,
                    std::vector<RequiredSession>& out) {
  for (const v1::Session& s : c.sessions()) {
    const std::string& peer =
        family == Family::kIpv4 ? s.peer_session_ipv4_address() : s.peer_session_ipv6_address();
    if (peer.empty()) continue;
    absl::StatusOr<IpAddress> address = IpAddress::Parse(peer);
    if (!address.ok()) continue;  // validated at creation; defensive
    out.push_back(
        {{c.microsoft_router(), *address}, c.peering_location(), c.connection_id(), backup});
  }
}

}  // namespace

std::vector<RequiredSession> SessionsOfPeering(const v1::Peering& peering, Family family) {
  std::vector<RequiredSession> out;
  for (const v1::Connection& c : peering.connections()) {
    if (c.connection_state() == v1::CONNECTION_STATE_ACTIVE) AppendSessions(c, family, false, out);
  }
  return out;
}

std::vector<RequiredSession> SessionsAtLocation(const std::vector<v1::Peering>& peerings,
                                                const std::string& location, Family family,
                                                bool backup) {
  std::vector<RequiredSession> out;
  for (const v1::Peering& p : peerings) {
    for (const v1::Connection& c : p.connections()) {
      if (c.connection_state() == v1::CONNECTION_STATE_ACTIVE && c.peering_location() == location) {
        AppendSessions(c, family, backup, out);
      }
    }
  }
  return out;
}

std::vector<RequiredSession> AllSessionsOfPeering(const v1::Peering& peering) {
  std::vector<RequiredSession> out;
  for (const v1::Connection& c : peering.connections()) {
    AppendSessions(c, Family::kIpv4, false, out);
    AppendSessions(c, Family::kIpv6, false, out);
  }
  return out;
}

std::vector<SessionObservation> Observe(const RouteIndex& index,
                                        const std::vector<RequiredSession>& sessions,
                                        const IpPrefix& prefix) {
  std::vector<SessionObservation> out;
  out.reserve(sessions.size());
  for (const RequiredSession& r : sessions) {
    SessionObservation o{.router = r.key.router,
                         .peer_address = r.key.peer.ToString(),
                         .location = r.location,
                         .backup = r.backup};
    std::optional<SessionStatus> status = index.GetSession(r.key);
    if (!status.has_value()) {
      o.state = FeedSessionState::kUnknownSession;
    } else if (!status->established) {
      o.state = FeedSessionState::kDown;
    } else if (!status->initial_table_complete) {
      o.state = FeedSessionState::kInitialTable;
    } else {
      o.state = FeedSessionState::kEstablished;
    }
    if (o.state != FeedSessionState::kDown && o.state != FeedSessionState::kUnknownSession) {
      if (std::optional<Route> route = index.Lookup(r.key, prefix); route.has_value()) {
        o.route =
            ObservedRoute{route->prefix, route->attributes.as_path, route->attributes.communities,
                          route->attributes.next_hop.ToString()};
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

void FillSessionStates(const RouteIndex& index, v1::Peering& peering) {
  auto state_of = [&](const std::string& router, const std::string& peer) {
    if (peer.empty()) return v1::SESSION_STATE_NONE;
    absl::StatusOr<IpAddress> address = IpAddress::Parse(peer);
    if (!address.ok()) return v1::SESSION_STATE_NONE;
    std::optional<SessionStatus> s = index.GetSession({router, *address});
    if (!s.has_value()) return v1::SESSION_STATE_NONE;
    return s->established ? v1::SESSION_STATE_ESTABLISHED : v1::SESSION_STATE_IDLE;
  };
  for (v1::Connection& c : *peering.mutable_connections()) {
    for (v1::Session& s : *c.mutable_sessions()) {
      s.set_session_state_v4(state_of(c.microsoft_router(), s.peer_session_ipv4_address()));
      s.set_session_state_v6(state_of(c.microsoft_router(), s.peer_session_ipv6_address()));
    }
  }
}

}  // namespace pfx
