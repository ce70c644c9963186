// File: bgp_update_encoder.h
// -----------------------------------------------------------------------------
// Encodes BGP UPDATE messages (RFC 4271, 4-byte AS_PATH as after capability 65 is negotiated,
// IPv6 via MP_REACH_NLRI / MP_UNREACH_NLRI) and End-of-RIB markers. Used by the BMP writer
// (pfxctl bmp-replay) and by tests; the decoder in bgp_update.h reads what this writes.
// Thread-safe: pure functions.

#ifndef PFX_FEED_BGP_UPDATE_ENCODER_H_
#define PFX_FEED_BGP_UPDATE_ENCODER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "feed/route_attributes.h"

namespace pfx {

// One UPDATE announcing `prefixes` (all of one family) with `attributes`, appended to `out`
// as a whole BGP message (marker, length, type). Announcing nothing and withdrawing
// `withdrawn` (one family) is allowed too.
void AppendUpdate(const std::vector<IpPrefix>& prefixes, const RouteAttributes& attributes,
                  const std::vector<IpPrefix>& withdrawn, std::string& out);

// End-of-RIB (RFC 4724) for IPv4 or IPv6 unicast.
void AppendEndOfRib(Family family, std::string& out);

}  // namespace pfx

#endif  // PFX_FEED_BGP_UPDATE_ENCODER_H_
