// File: mrt_reader.h
// -----------------------------------------------------------------------------
// MRT (RFC 6396) decoding: walks MRT records (a buffer or a stream) and reports routes to a
// visitor.
// Supported: TABLE_DUMP (v1) AFI_IPv4 and AFI_IPv6 (old RouteViews / RIS RIB archives);
// TABLE_DUMP_V2 PEER_INDEX_TABLE, RIB_IPV4_UNICAST, RIB_IPV6_UNICAST and their ADDPATH
// variants (RFC 8050); BGP4MP and BGP4MP_ET MESSAGE, MESSAGE_AS4, STATE_CHANGE,
// STATE_CHANGE_AS4 (the *_LOCAL subtypes carry what the collector sent and are skipped).
// Other record types are skipped by their length and counted by (type, subtype) in `unread`,
// which the loader logs at warning.
//
// Records are framed by their 12-byte header (timestamp, type, subtype, length; the
// microsecond timestamp of *_ET types counts in the length). A record that frames but does
// not decode is malformed: counted, its first error kept, and skipped by its length. Damage
// that breaks the framing ends the walk, since no later record boundary can be trusted:
//   - kTruncatedRecord: the data ends inside a record (a file cut short);
//   - kOversizedRecord: a length field above kMaxMrtRecordLength (corrupt, or not MRT);
//   - kUnreadableInput: the byte source failed (corrupt or truncated compression, read error).
// Every record before the damage has been decoded and reported to the visitor; stats say where
// the damaged record starts (its offset in the decompressed stream) and why.
//
// ReadMrt walks one buffer in place (tests, fuzzing). ReadMrtStream pulls from a ByteSource
// (a FeedFileReader for files of any size) into one 256 KiB buffer, carrying at most one
// partial record over to the next read: the buffer grows only for a single record longer than
// that, and never beyond the 12-byte header + kMaxMrtRecordLength. Both share the framing and
// decoding code.
// Thread-safety: both are reentrant; the visitor is called on the caller's thread.

#ifndef PFX_FEED_MRT_READER_H_
#define PFX_FEED_MRT_READER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "feed/bgp_update.h"
#include "feed/file_reader.h"

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

// The cap on a record's length field. Real records are far smaller: a BGP4MP record carries
// one BGP message (at most 65,535 bytes with RFC 8654 extended messages); a PEER_INDEX_TABLE
// with the most peers its 16-bit count allows is about 1.6 MiB; a RIB record has one entry
// per peer that has the prefix (~100 bytes each: tens of KiB for a collector with hundreds of
// peers; the largest record of the JINX full table is 369 bytes, of the RIS rrc15 updates 459).
// A larger length is a corrupt header or a file that is not MRT, and reading on would only
// buffer garbage.
inline constexpr uint32_t kMaxMrtRecordLength = 16 << 20;

enum class MrtDamage { kNone, kTruncatedRecord, kOversizedRecord, kUnreadableInput };

struct MrtStats {
  size_t records = 0;  // framed records, malformed ones included
  size_t rib_entries = 0;
  size_t updates = 0;
  size_t state_changes = 0;
  size_t skipped_records = 0;  // records with nothing to index (OPEN, KEEPALIVE), and `unread`
  // Records of MRT types pfxd does not read (e.g. OSPF, or the zeros of padding read as MRT),
  // by (type, subtype): the loader logs each at warning, so an unsupported file never loads a
  // silent 0.
  std::map<std::pair<uint16_t, uint16_t>, size_t> unread;
  size_t malformed_records = 0;
  std::string first_error;  // of the first malformed record
  uint64_t bytes = 0;       // decompressed bytes of whole records read
  // Damage that ended the walk (see above); kNone when the data ended cleanly.
  MrtDamage damage = MrtDamage::kNone;
  uint64_t damage_offset = 0;    // where the damaged record starts, in the decompressed stream
  std::string damage_message;    // "the record at offset N is truncated: ..."
  size_t peak_buffer_bytes = 0;  // ReadMrtStream: the largest its buffer grew

  bool damaged() const { return damage != MrtDamage::kNone; }
};

MrtStats ReadMrt(absl::Span<const uint8_t> data, MrtVisitor& visitor);
MrtStats ReadMrtStream(ByteSource& source, MrtVisitor& visitor);

// "TABLE_DUMP (12) subtype 1" for logs: the RFC 6396 name of the type where known.
std::string MrtTypeName(uint16_t type, uint16_t subtype);

}  // namespace pfx

#endif  // PFX_FEED_MRT_READER_H_
