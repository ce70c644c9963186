// File: session_map.h
// -----------------------------------------------------------------------------
// Maps a peering's connections and sessions to feed sessions, and reads what each required
// session advertises for one prefix from the RouteIndex.
// A feed session is (connection.microsoft_router, session peer address of the prefix's
// family): an IPv4 prefix is required on sessions that have an IPv4 peer address, an IPv6
// prefix on sessions with an IPv6 peer address. Only ACTIVE connections are required.

#ifndef PFX_REGISTRY_SESSION_MAP_H_
#define PFX_REGISTRY_SESSION_MAP_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "feed/route_index.h"
#include "pfx/v1/peering.pb.h"
#include "validator/check_result.h"

namespace pfx {

struct RequiredSession {
  SessionKey key;
  std::string location;
  std::string connection_id;
  bool backup = false;
};

// Every session of every ACTIVE connection of `peering` that can carry `family`.
std::vector<RequiredSession> SessionsOfPeering(const v1::Peering& peering, Family family);
// Sessions of ACTIVE connections at `location` across `peerings`.
std::vector<RequiredSession> SessionsAtLocation(const std::vector<v1::Peering>& peerings,
                                                const std::string& location, Family family,
                                                bool backup);
// Every session (any connection state, both families) of a peering, for the Routes API.
std::vector<RequiredSession> AllSessionsOfPeering(const v1::Peering& peering);

// What the feed says for `prefix` on each session.
std::vector<SessionObservation> Observe(const RouteIndex& index,
                                        const std::vector<RequiredSession>& sessions,
                                        const IpPrefix& prefix);

// Fills session_state_v4/v6 of every session from the feed (ESTABLISHED / IDLE / NONE).
void FillSessionStates(const RouteIndex& index, v1::Peering& peering);

}  // namespace pfx

#endif  // PFX_REGISTRY_SESSION_MAP_H_
