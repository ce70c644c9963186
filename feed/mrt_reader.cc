#include "feed/mrt_reader.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "feed/byte_reader.h"

namespace pfx {
namespace {

constexpr uint16_t kTableDump = 12;
constexpr uint16_t kTableDumpV2 = 13;
constexpr uint16_t kBgp4mp = 16;
constexpr uint16_t kBgp4mpEt = 17;

constexpr uint16_t kAfiIpv4 = 1;  // TABLE_DUMP subtypes
constexpr uint16_t kAfiIpv6 = 2;

constexpr uint16_t kPeerIndexTable = 1;
constexpr uint16_t kRibIpv4Unicast = 2;
constexpr uint16_t kRibIpv6Unicast = 4;
constexpr uint16_t kRibIpv4UnicastAddPath = 8;
constexpr uint16_t kRibIpv6UnicastAddPath = 10;

constexpr uint16_t kStateChange = 0;
constexpr uint16_t kMessage = 1;
constexpr uint16_t kMessageAs4 = 4;
constexpr uint16_t kStateChangeAs4 = 5;

class RecordDecoder {
 public:
  RecordDecoder(MrtVisitor& visitor, MrtStats& stats) : visitor_(visitor), stats_(stats) {}

  // One framed record: decoded, or counted as malformed with the first error kept.
  void Record(uint32_t timestamp, uint16_t type, uint16_t subtype, absl::Span<const uint8_t> body) {
    ++stats_.records;
    if (type == kBgp4mpEt) {
      if (body.size() < 4) {
        ++stats_.malformed_records;
        if (stats_.first_error.empty()) stats_.first_error = "MRT: BGP4MP_ET record truncated";
        return;
      }
      body = body.subspan(4);  // microsecond timestamp
    }
    absl::Status s = Decode(timestamp, type, subtype, body);
    if (!s.ok()) {
      ++stats_.malformed_records;
      if (stats_.first_error.empty()) stats_.first_error = std::string(s.message());
    }
  }

 private:
  absl::Status Decode(uint32_t timestamp, uint16_t type, uint16_t subtype,
                      absl::Span<const uint8_t> body) {
    if (type == kTableDump && (subtype == kAfiIpv4 || subtype == kAfiIpv6)) {
      return TableDump(timestamp, body, subtype == kAfiIpv4 ? Family::kIpv4 : Family::kIpv6);
    }
    if (type == kTableDumpV2) {
      switch (subtype) {
        case kPeerIndexTable:
          return PeerIndexTable(body);
        case kRibIpv4Unicast:
          return Rib(timestamp, body, Family::kIpv4, false);
        case kRibIpv6Unicast:
          return Rib(timestamp, body, Family::kIpv6, false);
        case kRibIpv4UnicastAddPath:
          return Rib(timestamp, body, Family::kIpv4, true);
        case kRibIpv6UnicastAddPath:
          return Rib(timestamp, body, Family::kIpv6, true);
      }
    } else if (type == kBgp4mp || type == kBgp4mpEt) {
      switch (subtype) {
        case kStateChange:
          return Bgp4mp(timestamp, body, false, true);
        case kStateChangeAs4:
          return Bgp4mp(timestamp, body, true, true);
        case kMessage:
          return Bgp4mp(timestamp, body, false, false);
        case kMessageAs4:
          return Bgp4mp(timestamp, body, true, false);
      }
    }
    ++stats_.skipped_records;
    ++stats_.unread[{type, subtype}];
    return absl::OkStatus();
  }

  static absl::Status Bad(absl::string_view what) {
    return absl::DataLossError(absl::StrCat("MRT: ", what));
  }

  absl::Status PeerIndexTable(absl::Span<const uint8_t> body) {
    ByteReader r(body);
    uint16_t view_length, count;
    if (!r.Skip(4) || !r.U16(&view_length) || !r.Skip(view_length) || !r.U16(&count)) {
      return Bad("PEER_INDEX_TABLE header truncated");
    }
    peers_.clear();
    peers_.reserve(count);
    for (int i = 0; i < count; ++i) {
      uint8_t peer_type;
      uint8_t addr[16];
      MrtPeer peer;
      if (!r.U8(&peer_type) || !r.Skip(4)) return Bad("PEER_INDEX_TABLE entry truncated");
      bool v6 = peer_type & 0x1, as4 = peer_type & 0x2;
      if (!r.Copy(v6 ? 16 : 4, addr)) return Bad("PEER_INDEX_TABLE peer address truncated");
      peer.address = IpAddress::FromBytes(v6 ? Family::kIpv6 : Family::kIpv4, addr);
      uint16_t as16;
      if (as4 ? !r.U32(&peer.asn) : !(r.U16(&as16) && ((peer.asn = as16), true))) {
        return Bad("PEER_INDEX_TABLE peer AS truncated");
      }
      peers_.push_back(peer);
    }
    return absl::OkStatus();
  }

  // TABLE_DUMP (v1, RFC 6396 §4.2): one route per record, the peer inline, 2-byte ASNs, and
  // attributes as in an UPDATE (MP_REACH_NLRI in full for IPv6).
  absl::Status TableDump(uint32_t timestamp, absl::Span<const uint8_t> body, Family family) {
    ByteReader r(body);
    const size_t width = family == Family::kIpv4 ? 4 : 16;
    uint8_t prefix_bytes[16] = {}, peer_bytes[16] = {};
    uint8_t length;
    uint16_t peer_as, attr_length;
    absl::Span<const uint8_t> attrs;
    if (!r.Skip(4) || !r.Copy(width, prefix_bytes) || !r.U8(&length) || !r.Skip(5) ||
        !r.Copy(width, peer_bytes) || !r.U16(&peer_as) || !r.U16(&attr_length) ||
        !r.Bytes(attr_length, &attrs)) {
      return Bad("TABLE_DUMP entry truncated");
    }
    if (length > width * 8) return Bad(absl::StrCat("TABLE_DUMP prefix length ", length));
    MrtPeer peer{IpAddress::FromBytes(family, peer_bytes), peer_as};
    RouteAttributes attributes;
    std::vector<IpPrefix> unused_announced, unused_withdrawn;
    bool unused_unreach = false;
    absl::Status s = DecodePathAttributes(attrs, {.four_byte_as = false}, &attributes,
                                          &unused_announced, &unused_withdrawn, &unused_unreach);
    if (!s.ok()) return s;
    ++stats_.rib_entries;
    visitor_.OnRibEntry(timestamp, peer,
                        IpPrefix(IpAddress::FromBytes(family, prefix_bytes), length), attributes);
    return absl::OkStatus();
  }

  absl::Status Rib(uint32_t timestamp, absl::Span<const uint8_t> body, Family family,
                   bool add_path) {
    ByteReader r(body);
    uint8_t length;
    uint16_t count;
    uint8_t addr[16] = {};
    const int width = family == Family::kIpv4 ? 32 : 128;
    if (!r.Skip(4) || !r.U8(&length)) return Bad("RIB header truncated");
    if (length > width) return Bad(absl::StrCat("RIB prefix length ", length));
    if (!r.Copy((length + 7) / 8, addr) || !r.U16(&count)) return Bad("RIB prefix truncated");
    IpPrefix prefix(IpAddress::FromBytes(family, addr), length);
    for (int i = 0; i < count; ++i) {
      uint16_t peer_index, attr_length;
      absl::Span<const uint8_t> attrs;
      if (!r.U16(&peer_index) || !r.Skip(4) || (add_path && !r.Skip(4)) || !r.U16(&attr_length) ||
          !r.Bytes(attr_length, &attrs)) {
        return Bad("RIB entry truncated");
      }
      if (peer_index >= peers_.size()) {
        return Bad(absl::StrCat("RIB entry names peer ", peer_index, " of ", peers_.size()));
      }
      RouteAttributes attributes;
      std::vector<IpPrefix> unused_announced, unused_withdrawn;
      bool unused_unreach = false;
      absl::Status s =
          DecodePathAttributes(attrs, {.four_byte_as = true, .mrt_abbreviated_mp_reach = true},
                               &attributes, &unused_announced, &unused_withdrawn, &unused_unreach);
      if (!s.ok()) return s;
      ++stats_.rib_entries;
      visitor_.OnRibEntry(timestamp, peers_[peer_index], prefix, attributes);
    }
    return absl::OkStatus();
  }

  absl::Status Bgp4mp(uint32_t timestamp, absl::Span<const uint8_t> body, bool as4,
                      bool state_change) {
    ByteReader r(body);
    MrtPeer peer;
    uint16_t afi, as16;
    if (as4 ? !(r.U32(&peer.asn) && r.Skip(4))
            : !(r.U16(&as16) && ((peer.asn = as16), true) && r.Skip(2))) {
      return Bad("BGP4MP header truncated");
    }
    uint8_t addr[16];
    if (!r.Skip(2) || !r.U16(&afi)) return Bad("BGP4MP header truncated");
    if (afi != 1 && afi != 2) return Bad(absl::StrCat("BGP4MP address family ", afi));
    size_t addr_size = afi == 1 ? 4 : 16;
    if (!r.Copy(addr_size, addr) || !r.Skip(addr_size)) return Bad("BGP4MP addresses truncated");
    peer.address = IpAddress::FromBytes(afi == 1 ? Family::kIpv4 : Family::kIpv6, addr);
    if (state_change) {
      uint16_t old_state, new_state;
      if (!r.U16(&old_state) || !r.U16(&new_state)) return Bad("STATE_CHANGE truncated");
      ++stats_.state_changes;
      visitor_.OnStateChange(timestamp, peer, old_state, new_state);
      return absl::OkStatus();
    }
    absl::Span<const uint8_t> message;
    r.Bytes(r.remaining(), &message);
    if (message.size() < 19) return Bad("BGP message truncated");
    if (message[18] != 2) {  // OPEN, KEEPALIVE, NOTIFICATION: nothing to index
      ++stats_.skipped_records;
      return absl::OkStatus();
    }
    absl::StatusOr<BgpUpdate> update = DecodeUpdateMessage(message, {.four_byte_as = as4});
    if (!update.ok()) return update.status();
    ++stats_.updates;
    visitor_.OnUpdate(timestamp, peer, *update);
    return absl::OkStatus();
  }

  MrtVisitor& visitor_;
  MrtStats& stats_;
  std::vector<MrtPeer> peers_;
};

constexpr size_t kHeaderSize = 12;
constexpr size_t kStreamBufferSize = 256 << 10;

uint32_t LoadU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void Damage(MrtDamage kind, uint64_t offset, absl::string_view why, MrtStats& stats) {
  stats.damage = kind;
  stats.damage_offset = offset;
  stats.damage_message = absl::StrCat("the record at offset ", offset, " ", why);
}

// `partial`, at `offset` in the stream, is all that is left: the start of a record.
void Truncated(absl::Span<const uint8_t> partial, uint64_t offset, MrtStats& stats) {
  std::string why =
      partial.size() < kHeaderSize
          ? absl::StrCat("is truncated: the data ends ", partial.size(),
                         " bytes into its 12-byte header")
          : absl::StrCat("is truncated: the data ends after ", partial.size(), " of its ",
                         kHeaderSize + LoadU32(partial.data() + 8), " bytes");
  Damage(MrtDamage::kTruncatedRecord, offset, why, stats);
}

// The framing shared by ReadMrt and ReadMrtStream: decodes the whole records at the front of
// `data`, whose first byte is at `offset` in the stream, and returns the bytes they took. Stops
// at the first record `data` does not hold in full, or at an oversized length (damage).
size_t WalkRecords(absl::Span<const uint8_t> data, uint64_t offset, RecordDecoder& decoder,
                   MrtStats& stats) {
  size_t pos = 0;
  while (data.size() - pos >= kHeaderSize) {
    const uint8_t* header = data.data() + pos;
    const uint32_t length = LoadU32(header + 8);
    if (length > kMaxMrtRecordLength) {
      Damage(MrtDamage::kOversizedRecord, offset + pos,
             absl::StrCat("has length ", length, ", above the ", kMaxMrtRecordLength,
                          "-byte cap: not MRT, or a corrupt header"),
             stats);
      break;
    }
    if (data.size() - pos - kHeaderSize < length) break;
    decoder.Record(LoadU32(header), LoadU16(header + 4), LoadU16(header + 6),
                   data.subspan(pos + kHeaderSize, length));
    pos += kHeaderSize + length;
  }
  stats.bytes += pos;
  return pos;
}

}  // namespace

MrtStats ReadMrt(absl::Span<const uint8_t> data, MrtVisitor& visitor) {
  MrtStats stats;
  RecordDecoder decoder(visitor, stats);
  size_t used = WalkRecords(data, 0, decoder, stats);
  if (!stats.damaged() && used < data.size()) Truncated(data.subspan(used), used, stats);
  return stats;
}

MrtStats ReadMrtStream(ByteSource& source, MrtVisitor& visitor) {
  MrtStats stats;
  RecordDecoder decoder(visitor, stats);
  std::vector<uint8_t> buffer(kStreamBufferSize);
  size_t filled = 0;    // buffer[0, filled): the start of a record not yet complete
  uint64_t offset = 0;  // of buffer[0] in the stream
  while (true) {
    absl::StatusOr<size_t> n = source.Read(
        absl::MakeSpan(reinterpret_cast<char*>(buffer.data()) + filled, buffer.size() - filled));
    if (!n.ok()) {
      Damage(MrtDamage::kUnreadableInput, offset,
             absl::StrCat("cannot be read: ", n.status().message()), stats);
      break;
    }
    if (*n == 0) {
      if (filled > 0) Truncated(absl::MakeConstSpan(buffer.data(), filled), offset, stats);
      break;
    }
    filled += *n;
    size_t used = WalkRecords(absl::MakeConstSpan(buffer.data(), filled), offset, decoder, stats);
    if (stats.damaged()) break;
    std::memmove(buffer.data(), buffer.data() + used, filled - used);
    filled -= used;
    offset += used;
    if (filled >= kHeaderSize) {
      // WalkRecords has checked this length against the cap.
      size_t need = kHeaderSize + LoadU32(buffer.data() + 8);
      if (need > buffer.size()) buffer.resize(need);
    }
  }
  stats.peak_buffer_bytes = buffer.size();
  return stats;
}

std::string MrtTypeName(uint16_t type, uint16_t subtype) {
  static constexpr std::pair<uint16_t, const char*> kNames[] = {
      {11, "OSPFv2"},  {12, "TABLE_DUMP"}, {13, "TABLE_DUMP_V2"},
      {16, "BGP4MP"},  {17, "BGP4MP_ET"},  {32, "ISIS"},
      {33, "ISIS_ET"}, {48, "OSPFv3"},     {49, "OSPFv3_ET"}};
  const char* name = "unknown type";
  for (const auto& [number, text] : kNames) {
    if (number == type) name = text;
  }
  return absl::StrCat(name, " (", type, ") subtype ", subtype);
}

}  // namespace pfx
