// File: mrt_reader.h
// -----------------------------------------------------------------------------
// MRT (RFC 6396) decoding: walks a buffer of MRT records and reports routes to a visitor.
// Supported: TABLE_DUMP (v1) AFI_IPv4 and AFI_IPv6 (old RouteViews / RIS RIB archives);
// TABLE_DUMP_V2 PEER_INDEX_TABLE, RIB_IPV4_UNICAST, RIB_IPV6_UNICAST and their ADDPATH
// variants (RFC 8050); BGP4MP and BGP4MP_ET MESSAGE, MESSAGE_AS4, STATE_CHANGE,
// STATE_CHANGE_AS4 (the *_LOCAL subtypes carry what the collector sent and are skipped).
// Other record types are skipped by their length and counted by (type, subtype) in `unread`,
// which the loader logs at warning.
// A malformed record is counted, its first error kept, and skipped; a record whose length
// runs past the end of the buffer ends the walk (a truncated file).
// Thread-safety: ReadMrt is reentrant; the visitor is called on the caller's thread.

#ifndef PFX_FEED_MRT_READER_H_
#define PFX_FEED_MRT_READER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "feed/bgp_update.h"

namespace pfx {

struct MrtPeer {
  IpAddress address;
  uint32_t asn = 0;
};

class MrtVisitor {
 public:
  virtual ~MrtVisitor() = default;
  virtual void OnRibEntry(uint32_t timestamp, const MrtPeer& peer, const IpPrefix& prefix,
                          const RouteAttributes& attributes) = 0;
  virtual void OnUpdate(uint32_t timestamp, const MrtPeer& peer, const BgpUpdate& update) = 0;
  // BGP FSM states as in RFC 6396 §4.4.1 (6 = Established).
  virtual void OnStateChange(uint32_t timestamp, const MrtPeer& peer, uint16_t old_state,
                             uint16_t new_state) = 0;
};

struct MrtStats {
  size_t records = 0;
  size_t rib_entries = 0;
  size_t updates = 0;
  size_t state_changes = 0;
  size_t skipped_records = 0;  // records with nothing to index (OPEN, KEEPALIVE), and `unread`
  // Records of MRT types pfxd does not read (e.g. TABLE_DUMP v1, OSPF), by (type, subtype):
  // the loader logs each at warning, so an unsupported file never loads a silent 0.
  std::map<std::pair<uint16_t, uint16_t>, size_t> unread;
  size_t malformed_records = 0;
  bool truncated = false;
  std::string first_error;
};

MrtStats ReadMrt(absl::Span<const uint8_t> data, MrtVisitor& visitor);

// "TABLE_DUMP (12) subtype 1" for logs: the RFC 6396 name of the type where known.
std::string MrtTypeName(uint16_t type, uint16_t subtype);

}  // namespace pfx

#endif  // PFX_FEED_MRT_READER_H_
