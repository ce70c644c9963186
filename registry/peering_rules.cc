#include "registry/peering_rules.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "registry/input_rules.h"
#include "validator/ip_prefix.h"

namespace pfx {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

absl::Status CheckAddress(const std::string& field, const std::string& value, Family family) {
  if (value.empty()) return absl::OkStatus();
  absl::StatusOr<IpAddress> a = IpAddress::Parse(value);
  if (!a.ok() || a->family() != family) {
    return Invalid(field,
                   family == Family::kIpv4 ? "must be an IPv4 address" : "must be an IPv6 address");
  }
  return absl::OkStatus();
}

absl::Status CheckSessions(const std::string& path, v1::Connection& c, v1::PeeringKind kind,
                           std::set<std::pair<std::string, std::string>>& seen_peers) {
  if (c.sessions().empty())
    return Invalid(absl::StrCat(path, ".sessions"), "at least one session is required");
  if (kind == v1::PEERING_KIND_VOICE && c.sessions_size() != 1) {
    return Invalid(absl::StrCat(path, ".sessions"),
                   "a VOICE connection carries exactly one session (only route-server connections "
                   "are a mesh)");
  }
  for (int i = 0; i < c.sessions_size(); ++i) {
    v1::Session& s = *c.mutable_sessions(i);
    std::string sp = absl::StrCat(path, ".sessions[", i, "]");
    if (s.peer_session_ipv4_address().empty() && s.peer_session_ipv6_address().empty()) {
      return Invalid(sp, "needs peer_session_ipv4_address and/or peer_session_ipv6_address");
    }
    for (auto [field, value, family] :
         {std::tuple{"peer_session_ipv4_address", &s.peer_session_ipv4_address(), Family::kIpv4},
          std::tuple{"microsoft_session_ipv4_address", &s.microsoft_session_ipv4_address(),
                     Family::kIpv4},
          std::tuple{"peer_session_ipv6_address", &s.peer_session_ipv6_address(), Family::kIpv6},
          std::tuple{"microsoft_session_ipv6_address", &s.microsoft_session_ipv6_address(),
                     Family::kIpv6}}) {
      if (auto st = CheckAddress(absl::StrCat(sp, ".", field), *value, family); !st.ok()) return st;
    }
    for (const std::string* peer :
         {&s.peer_session_ipv4_address(), &s.peer_session_ipv6_address()}) {
      if (peer->empty()) continue;
      std::string canonical = IpAddress::Parse(*peer)->ToString();
      if (!seen_peers.insert({c.microsoft_router(), canonical}).second) {
        return Invalid(sp, absl::StrCat("peer address ", canonical, " is used twice on router ",
                                        c.microsoft_router()));
      }
    }
    if (kind == v1::PEERING_KIND_VOICE) s.set_bfd_enabled(true);
    s.set_session_state_v4(v1::SESSION_STATE_NONE);
    s.set_session_state_v6(v1::SESSION_STATE_NONE);
  }
  return absl::OkStatus();
}

}  // namespace

bool HasActiveConnection(const v1::Peering& peering) {
  for (const v1::Connection& c : peering.connections()) {
    if (c.connection_state() == v1::CONNECTION_STATE_ACTIVE) return true;
  }
  return false;
}

absl::Status NormalizePeering(v1::Peering& p) {
  if (auto s = CheckName("peering.name", p.name()); !s.ok()) return s;
  if (auto s = ParseAsnField("peering.peer_asn", p.peer_asn()); !s.ok()) return s.status();
  if (p.kind() != v1::PEERING_KIND_VOICE && p.kind() != v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER) {
    return Invalid("peering.kind", "must be VOICE or EXCHANGE_ROUTE_SERVER");
  }
  if (p.exchange_peering()) {
    return Invalid("peering.exchange_peering", "Peering Service needs a direct peering");
  }
  if (p.sku().empty()) p.set_sku(kPremiumFreeSku);
  if (p.sku() != kPremiumFreeSku) {
    return Invalid("peering.sku", absl::StrCat("must be \"", kPremiumFreeSku, "\""));
  }
  const bool voice = p.kind() == v1::PEERING_KIND_VOICE;
  const int min_connections = voice ? 2 : 1;
  if (p.connections_size() < min_connections) {
    return Invalid("peering.connections",
                   voice ? "a VOICE peering needs at least two connections (local redundancy)"
                         : "an EXCHANGE_ROUTE_SERVER peering needs at least one connection");
  }
  const v1::SessionAddressProvider provider =
      voice ? v1::SESSION_ADDRESS_PROVIDER_MICROSOFT : v1::SESSION_ADDRESS_PROVIDER_PEER;
  std::set<std::string> ids;
  std::set<std::pair<std::string, std::string>> routers_at_location;
  std::set<std::pair<std::string, std::string>> seen_peers;
  for (int i = 0; i < p.connections_size(); ++i) {
    v1::Connection& c = *p.mutable_connections(i);
    std::string path = absl::StrCat("peering.connections[", i, "]");
    if (auto s = CheckName(absl::StrCat(path, ".connection_id"), c.connection_id()); !s.ok())
      return s;
    if (!ids.insert(c.connection_id()).second) {
      return Invalid(absl::StrCat(path, ".connection_id"),
                     absl::StrCat("'", c.connection_id(), "' is used twice"));
    }
    if (auto s = CheckText(absl::StrCat(path, ".peering_location"), c.peering_location(), true);
        !s.ok())
      return s;
    if (auto s = CheckName(absl::StrCat(path, ".microsoft_router"), c.microsoft_router()); !s.ok())
      return s;
    if (c.bandwidth_mbps() < kMinBandwidthMbps) {
      return Invalid(absl::StrCat(path, ".bandwidth_mbps"),
                     absl::StrCat("must be at least ", kMinBandwidthMbps, " (10 Gbps), got ",
                                  c.bandwidth_mbps()));
    }
    if (c.bandwidth_mbps() != p.connections(0).bandwidth_mbps()) {
      return Invalid(absl::StrCat(path, ".bandwidth_mbps"),
                     absl::StrCat("all connections of a peering must have the same bandwidth (",
                                  p.connections(0).bandwidth_mbps(), ")"));
    }
    if (!c.use_for_peering_service()) {
      return Invalid(absl::StrCat(path, ".use_for_peering_service"), "must be true");
    }
    if (c.session_address_provider() == v1::SESSION_ADDRESS_PROVIDER_UNSPECIFIED) {
      c.set_session_address_provider(provider);
    }
    if (c.session_address_provider() != provider) {
      return Invalid(
          absl::StrCat(path, ".session_address_provider"),
          voice ? "must be MICROSOFT for VOICE" : "must be PEER for EXCHANGE_ROUTE_SERVER");
    }
    if (!routers_at_location.insert({c.peering_location(), c.microsoft_router()}).second) {
      return Invalid(absl::StrCat(path, ".microsoft_router"),
                     absl::StrCat("another connection at ", c.peering_location(),
                                  " already terminates on ", c.microsoft_router()));
    }
    if (auto s = CheckSessions(path, c, p.kind(), seen_peers); !s.ok()) return s;
  }
  p.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
  return absl::OkStatus();
}

}  // namespace pfx
