#include "feed/bgp_update.h"

#include "absl/strings/str_cat.h"
#include "feed/byte_reader.h"

namespace pfx {
namespace {

constexpr uint8_t kAttrOrigin = 1;
constexpr uint8_t kAttrAsPath = 2;
constexpr uint8_t kAttrNextHop = 3;
constexpr uint8_t kAttrCommunities = 8;
constexpr uint8_t kAttrMpReach = 14;
constexpr uint8_t kAttrMpUnreach = 15;
constexpr uint8_t kAttrAs4Path = 17;
constexpr uint8_t kFlagExtendedLength = 0x10;
constexpr uint16_t kAfiIpv4 = 1;
constexpr uint16_t kAfiIpv6 = 2;
constexpr uint8_t kSafiUnicast = 1;

absl::Status Malformed(absl::string_view what, size_t offset) {
  return absl::DataLossError(absl::StrCat("BGP UPDATE: ", what, " at offset ", offset));
}

absl::Status DecodeAsPath(absl::Span<const uint8_t> data, int asn_size, AsPath* out) {
  ByteReader r(data);
  std::vector<AsPathSegment> segments;
  while (!r.empty()) {
    uint8_t type, count;
    if (!r.U8(&type) || !r.U8(&count))
      return Malformed("AS_PATH segment header truncated", r.position());
    if (type < 1 || type > 4)
      return Malformed(absl::StrCat("AS_PATH segment type ", type), r.position());
    AsPathSegment seg{static_cast<SegmentType>(type), {}};
    seg.asns.reserve(count);
    for (int i = 0; i < count; ++i) {
      uint32_t asn;
      uint16_t asn16;
      bool ok = asn_size == 4 ? r.U32(&asn) : (r.U16(&asn16) && ((asn = asn16), true));
      if (!ok) return Malformed("AS_PATH segment truncated", r.position());
      seg.asns.push_back(asn);
    }
    segments.push_back(std::move(seg));
  }
  *out = AsPath(std::move(segments));
  return absl::OkStatus();
}

// RFC 6793 §4.2.3: keep the leading AS_PATH entries that AS4_PATH does not cover.
AsPath MergeAs4Path(const AsPath& as_path, const AsPath& as4_path) {
  int n = as_path.Length();
  int m = as4_path.Length();
  if (n < m) return as_path;
  int keep = n - m;
  std::vector<AsPathSegment> merged;
  for (const AsPathSegment& s : as_path.segments()) {
    if (keep <= 0) break;
    if (s.type == SegmentType::kSet) {
      merged.push_back(s);
      --keep;
    } else if (s.type == SegmentType::kSequence) {
      int take = std::min<int>(keep, static_cast<int>(s.asns.size()));
      merged.push_back({s.type, std::vector<uint32_t>(s.asns.begin(), s.asns.begin() + take)});
      keep -= take;
    } else {
      merged.push_back(s);
    }
  }
  for (const AsPathSegment& s : as4_path.segments()) {
    if (!merged.empty() && s.type == SegmentType::kSequence &&
        merged.back().type == SegmentType::kSequence) {
      merged.back().asns.insert(merged.back().asns.end(), s.asns.begin(), s.asns.end());
    } else {
      merged.push_back(s);
    }
  }
  return AsPath(std::move(merged));
}

absl::Status DecodeNextHop(absl::Span<const uint8_t> nh, uint16_t afi, IpAddress* out) {
  if (afi == kAfiIpv4 && nh.size() >= 4) {
    *out = IpAddress::FromBytes(Family::kIpv4, nh.data());
  } else if (afi == kAfiIpv6 && nh.size() >= 16) {
    *out = IpAddress::FromBytes(Family::kIpv6, nh.data());  // global; link-local ignored
  } else if (afi == kAfiIpv6 && nh.size() == 4) {
    *out = IpAddress::FromBytes(Family::kIpv4, nh.data());  // RFC 8950-style mismatch: keep it
  } else if (!nh.empty()) {
    return Malformed(absl::StrCat("MP next hop length ", nh.size()), 0);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodePrefixes(absl::Span<const uint8_t> data, Family family,
                            std::vector<IpPrefix>* out) {
  ByteReader r(data);
  const int width = family == Family::kIpv4 ? 32 : 128;
  while (!r.empty()) {
    uint8_t length;
    r.U8(&length);
    if (length > width) {
      return Malformed(absl::StrCat("prefix length ", length, " exceeds ", width), r.position());
    }
    uint8_t bytes[16] = {};
    if (!r.Copy((length + 7) / 8, bytes)) return Malformed("prefix truncated", r.position());
    out->push_back(IpPrefix(IpAddress::FromBytes(family, bytes), length));
  }
  return absl::OkStatus();
}

absl::Status DecodePathAttributes(absl::Span<const uint8_t> block,
                                  const PathAttributeOptions& options, RouteAttributes* attributes,
                                  std::vector<IpPrefix>* mp_announced,
                                  std::vector<IpPrefix>* mp_withdrawn, bool* mp_unreach_seen) {
  ByteReader r(block);
  std::optional<AsPath> as4_path;
  while (!r.empty()) {
    uint8_t flags, type;
    uint16_t length = 0;
    if (!r.U8(&flags) || !r.U8(&type)) return Malformed("attribute header truncated", r.position());
    bool ok;
    if (flags & kFlagExtendedLength) {
      ok = r.U16(&length);
    } else {
      uint8_t l8 = 0;
      ok = r.U8(&l8);
      length = l8;
    }
    absl::Span<const uint8_t> value;
    if (!ok || !r.Bytes(length, &value)) {
      return Malformed(absl::StrCat("attribute ", type, " length ", length, " exceeds the block"),
                       r.position());
    }
    switch (type) {
      case kAttrOrigin:
        if (length != 1) return Malformed("ORIGIN length is not 1", r.position());
        attributes->origin = value[0];
        break;
      case kAttrAsPath:
        if (auto s = DecodeAsPath(value, options.four_byte_as ? 4 : 2, &attributes->as_path);
            !s.ok()) {
          return s;
        }
        break;
      case kAttrAs4Path: {
        AsPath p;
        if (auto s = DecodeAsPath(value, 4, &p); !s.ok()) return s;
        as4_path = std::move(p);
        break;
      }
      case kAttrNextHop:
        if (length != 4) return Malformed("NEXT_HOP length is not 4", r.position());
        attributes->next_hop = IpAddress::FromBytes(Family::kIpv4, value.data());
        break;
      case kAttrCommunities: {
        if (length % 4 != 0)
          return Malformed("COMMUNITIES length not a multiple of 4", r.position());
        ByteReader c(value);
        uint32_t community;
        while (c.U32(&community)) attributes->communities.push_back(community);
        break;
      }
      case kAttrMpReach: {
        ByteReader m(value);
        uint16_t afi = 0;
        uint8_t safi = kSafiUnicast, nh_length;
        // Some MRT writers put the full MP_REACH into RIB entries despite RFC 6396 §4.3.4;
        // the abbreviated form is exactly a length byte plus that many next-hop bytes.
        const bool abbreviated =
            options.mrt_abbreviated_mp_reach && !value.empty() && value[0] + 1u == value.size();
        if (!abbreviated && (!m.U16(&afi) || !m.U8(&safi))) {
          return Malformed("MP_REACH_NLRI header truncated", r.position());
        }
        absl::Span<const uint8_t> nh;
        if (!m.U8(&nh_length) || !m.Bytes(nh_length, &nh)) {
          return Malformed("MP_REACH_NLRI next hop truncated", r.position());
        }
        if (abbreviated) {
          // The AFI is implied by the RIB subtype; a 4-byte next hop is IPv4, else IPv6.
          afi = nh_length == 4 ? kAfiIpv4 : kAfiIpv6;
        }
        if (auto s = DecodeNextHop(nh, afi, &attributes->next_hop); !s.ok()) return s;
        if (abbreviated) break;
        if (!m.Skip(1)) return Malformed("MP_REACH_NLRI reserved byte missing", r.position());
        if (safi != kSafiUnicast || (afi != kAfiIpv4 && afi != kAfiIpv6)) break;
        absl::Span<const uint8_t> nlri;
        m.Bytes(m.remaining(), &nlri);
        if (auto s =
                DecodePrefixes(nlri, afi == kAfiIpv4 ? Family::kIpv4 : Family::kIpv6, mp_announced);
            !s.ok()) {
          return s;
        }
        break;
      }
      case kAttrMpUnreach: {
        ByteReader m(value);
        uint16_t afi;
        uint8_t safi;
        if (!m.U16(&afi) || !m.U8(&safi))
          return Malformed("MP_UNREACH_NLRI header truncated", r.position());
        if (safi != kSafiUnicast || (afi != kAfiIpv4 && afi != kAfiIpv6)) break;
        *mp_unreach_seen = true;
        absl::Span<const uint8_t> nlri;
        m.Bytes(m.remaining(), &nlri);
        if (auto s =
                DecodePrefixes(nlri, afi == kAfiIpv4 ? Family::kIpv4 : Family::kIpv6, mp_withdrawn);
            !s.ok()) {
          return s;
        }
        break;
      }
      default:
        break;  // not needed for validation
    }
  }
  if (as4_path.has_value() && !options.four_byte_as) {
    attributes->as_path = MergeAs4Path(attributes->as_path, *as4_path);
  }
  return absl::OkStatus();
}

absl::StatusOr<BgpUpdate> DecodeUpdateBody(absl::Span<const uint8_t> body,
                                           const UpdateDecodeOptions& options) {
  ByteReader r(body);
  BgpUpdate update;
  uint16_t withdrawn_length, attributes_length;
  absl::Span<const uint8_t> withdrawn, attributes;
  if (!r.U16(&withdrawn_length) || !r.Bytes(withdrawn_length, &withdrawn)) {
    return Malformed("withdrawn routes length exceeds the message", r.position());
  }
  if (!r.U16(&attributes_length) || !r.Bytes(attributes_length, &attributes)) {
    return Malformed("path attribute length exceeds the message", r.position());
  }
  absl::Span<const uint8_t> nlri;
  r.Bytes(r.remaining(), &nlri);
  if (auto s = DecodePrefixes(withdrawn, Family::kIpv4, &update.withdrawn); !s.ok()) return s;
  bool mp_unreach_seen = false;
  std::vector<IpPrefix> mp_announced;
  if (auto s = DecodePathAttributes(attributes, {.four_byte_as = options.four_byte_as},
                                    &update.attributes, &mp_announced, &update.withdrawn,
                                    &mp_unreach_seen);
      !s.ok()) {
    return s;
  }
  if (auto s = DecodePrefixes(nlri, Family::kIpv4, &update.announced); !s.ok()) return s;
  update.announced.insert(update.announced.end(), mp_announced.begin(), mp_announced.end());
  bool empty_v4 = withdrawn_length == 0 && attributes_length == 0 && nlri.empty();
  bool empty_mp = mp_unreach_seen && update.withdrawn.empty() && update.announced.empty();
  update.end_of_rib = empty_v4 || empty_mp;
  return update;
}

absl::StatusOr<BgpUpdate> DecodeUpdateMessage(absl::Span<const uint8_t> message,
                                              const UpdateDecodeOptions& options) {
  ByteReader r(message);
  uint16_t length;
  uint8_t type;
  if (!r.Skip(16) || !r.U16(&length) || !r.U8(&type)) return Malformed("BGP header truncated", 0);
  if (type != 2) return Malformed(absl::StrCat("message type ", type, " is not UPDATE"), 18);
  if (length < 19 || length > message.size()) {
    return Malformed(
        absl::StrCat("BGP length ", length, " does not fit the ", message.size(), "-byte message"),
        16);
  }
  return DecodeUpdateBody(message.subspan(19, length - 19), options);
}

}  // namespace pfx
