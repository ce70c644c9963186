// File: bgp_update.h
// -----------------------------------------------------------------------------
// Decoder for BGP UPDATE messages (RFC 4271) and path attributes, shared by the MRT reader
// and the BMP collector:
//   - AS_PATH with 2- or 4-byte ASNs (as negotiated), AS4_PATH merged per RFC 6793 §4.2.3,
//     AS_SET / AS_SEQUENCE / confederation segments;
//   - COMMUNITIES, ORIGIN, NEXT_HOP;
//   - MP_REACH_NLRI / MP_UNREACH_NLRI for IPv4 and IPv6 unicast (other AFI/SAFI are skipped),
//     including the abbreviated MP_REACH of MRT TABLE_DUMP_V2 RIB entries (RFC 6396 §4.3.4);
//   - End-of-RIB markers (RFC 4724) for IPv4 and IPv6 unicast.
// Malformed input is a DataLoss status naming the field and the offset; nothing is partially
// returned. Thread-safe: pure functions.

#ifndef PFX_FEED_BGP_UPDATE_H_
#define PFX_FEED_BGP_UPDATE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "feed/route_attributes.h"

namespace pfx {

struct UpdateDecodeOptions {
  bool four_byte_as = true;  // AS_PATH carries 4-byte ASNs (capability 65 negotiated)
};

struct BgpUpdate {
  std::vector<IpPrefix> withdrawn;  // IPv4 withdrawn routes and MP_UNREACH prefixes
  std::vector<IpPrefix> announced;  // IPv4 NLRI and MP_REACH prefixes, all with `attributes`
  RouteAttributes attributes;
  bool end_of_rib = false;
};

// `body` is the UPDATE after the 19-byte BGP header.
absl::StatusOr<BgpUpdate> DecodeUpdateBody(absl::Span<const uint8_t> body,
                                           const UpdateDecodeOptions& options);

// `message` is a whole BGP message starting with the 16-byte marker; it must be an UPDATE.
absl::StatusOr<BgpUpdate> DecodeUpdateMessage(absl::Span<const uint8_t> message,
                                              const UpdateDecodeOptions& options);

struct PathAttributeOptions {
  bool four_byte_as = true;
  bool mrt_abbreviated_mp_reach = false;  // TABLE_DUMP_V2: MP_REACH holds only the next hop
};

// Decodes a path attribute block into `attributes`, appending MP_REACH / MP_UNREACH prefixes.
// Sets *mp_unreach_seen when an MP_UNREACH for IPv4/IPv6 unicast was present.
absl::Status DecodePathAttributes(absl::Span<const uint8_t> block,
                                  const PathAttributeOptions& options, RouteAttributes* attributes,
                                  std::vector<IpPrefix>* mp_announced,
                                  std::vector<IpPrefix>* mp_withdrawn, bool* mp_unreach_seen);

// Decodes NLRI-encoded prefixes (length byte + significant bytes) until `data` is exhausted.
absl::Status DecodePrefixes(absl::Span<const uint8_t> data, Family family,
                            std::vector<IpPrefix>* out);

}  // namespace pfx

#endif  // PFX_FEED_BGP_UPDATE_H_
