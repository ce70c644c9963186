// File: bmp_message.h
// -----------------------------------------------------------------------------
// BMP v3 (RFC 7854) message framing and parsing, with the peer types and flags of RFC 9069
// (Loc-RIB) and RFC 8671 (Adj-RIB-Out). Parsing only slices and checks lengths: the BGP
// PDUs inside are decoded by bgp_update.h. A malformed message is a DataLoss status naming
// the message type and the field; callers treat it as fatal for that router's connection,
// since BMP has no way to resynchronize inside a TCP stream.
// Thread-safe: pure functions over caller-owned buffers (results point into them).

#ifndef PFX_FEED_BMP_BMP_MESSAGE_H_
#define PFX_FEED_BMP_BMP_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "validator/ip_prefix.h"

namespace pfx {

enum class BmpType : uint8_t {
  kRouteMonitoring = 0,
  kStatisticsReport = 1,
  kPeerDown = 2,
  kPeerUp = 3,
  kInitiation = 4,
  kTermination = 5,
  kRouteMirroring = 6,
};
const char* BmpTypeName(BmpType type);

inline constexpr size_t kBmpCommonHeaderSize = 6;
inline constexpr size_t kBmpPerPeerHeaderSize = 42;
// Larger messages are refused: a BGP message is at most 65535 bytes (RFC 8654), so anything
// beyond this is garbage, and the bound keeps per-router buffers small.
inline constexpr size_t kBmpMaxMessageSize = 1 << 20;

struct BmpPeerHeader {
  enum PeerType : uint8_t { kGlobal = 0, kRdInstance = 1, kLocalInstance = 2, kLocRib = 3 };
  uint8_t peer_type = 0;
  uint8_t flags = 0;
  uint64_t distinguisher = 0;
  IpAddress address;
  uint32_t asn = 0;
  uint32_t bgp_id = 0;
  uint32_t timestamp_seconds = 0;
  uint32_t timestamp_micros = 0;

  bool ipv6() const { return peer_type != kLocRib && (flags & 0x80); }
  bool post_policy() const { return peer_type != kLocRib && (flags & 0x40); }
  bool legacy_two_byte_as() const { return peer_type != kLocRib && (flags & 0x20); }
  bool adj_rib_out() const { return peer_type != kLocRib && (flags & 0x10); }
  // Pre-policy Adj-RIB-In: what the partner advertised, the only view validation trusts.
  bool pre_policy_adj_rib_in() const {
    return peer_type != kLocRib && !post_policy() && !adj_rib_out();
  }
};

struct BmpMessage {
  BmpType type = BmpType::kInitiation;
  std::optional<BmpPeerHeader> peer;  // all but Initiation / Termination
  // Route Monitoring: the BGP UPDATE (whole message, with marker).
  absl::Span<const uint8_t> update;
  // Peer Up.
  IpAddress local_address;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  absl::Span<const uint8_t> sent_open;
  absl::Span<const uint8_t> received_open;
  // Peer Down (RFC 7854 §4.9 reason codes 1-5, RFC 9069 adds 6).
  uint8_t down_reason = 0;
  // Statistics Report: the number of counters (their TLVs are skipped by length).
  uint32_t statistics_count = 0;
  // Initiation / Termination (and Peer Up information) TLVs: (type, value).
  std::vector<std::pair<uint16_t, std::string>> tlvs;
};

// The length of the first message in `buffer` once its common header is complete, 0 when
// more bytes are needed, or an error for a bad version or an impossible length.
absl::StatusOr<size_t> BmpMessageLength(absl::Span<const uint8_t> buffer);

// Parses one whole message (as delimited by BmpMessageLength).
absl::StatusOr<BmpMessage> ParseBmpMessage(absl::Span<const uint8_t> message);

// True when both OPEN messages (whole BGP messages) advertise the 4-octet AS capability (65).
bool OpensNegotiateFourByteAs(absl::Span<const uint8_t> sent_open,
                              absl::Span<const uint8_t> received_open);

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_MESSAGE_H_
