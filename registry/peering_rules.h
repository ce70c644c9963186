// File: peering_rules.h
// -----------------------------------------------------------------------------
// Provisioning rules for a Peering (SPEC §1), applied by CreatePeering. NormalizePeering fills
// defaults (SKU "Premium Free", the kind's session address provider, BFD on VOICE sessions,
// output-only fields cleared) and then checks every rule; the error is INVALID_ARGUMENT naming
// the field path (e.g. "peering.connections[1].bandwidth_mbps") and the rule.
//
// Rules: direct peering; public peer ASN; SKU "Premium Free"; every connection
// use_for_peering_service, >= 10 Gbps, all the same bandwidth; two connections at one location
// never on the same Microsoft router; VOICE: >= 2 connections, addresses provided by
// MICROSOFT, exactly one session per connection, BFD recorded on; EXCHANGE_ROUTE_SERVER:
// >= 1 connection, addresses provided by PEER, one or more sessions (mesh).
// Every session has a peer address (IPv4 and/or IPv6); peer addresses are unique per router.

#ifndef PFX_REGISTRY_PEERING_RULES_H_
#define PFX_REGISTRY_PEERING_RULES_H_

#include "absl/status/status.h"
#include "pfx/v1/peering.pb.h"

namespace pfx {

inline constexpr char kPremiumFreeSku[] = "Premium Free";
inline constexpr int kMinBandwidthMbps = 10000;

absl::Status NormalizePeering(v1::Peering& peering);

bool HasActiveConnection(const v1::Peering& peering);

}  // namespace pfx

#endif  // PFX_REGISTRY_PEERING_RULES_H_
