#include "feed/bmp/bmp_message.h"

#include "absl/strings/str_cat.h"
#include "feed/byte_reader.h"

namespace pfx {
namespace {

absl::Status Bad(BmpType type, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("BMP ", BmpTypeName(type), ": ", what));
}

absl::Status ReadPeerHeader(ByteReader& r, BmpType type, BmpPeerHeader* h) {
  uint8_t address[16];
  uint32_t hi, lo;
  if (!r.U8(&h->peer_type) || !r.U8(&h->flags) || !r.U32(&hi) || !r.U32(&lo) ||
      !r.Copy(16, address) || !r.U32(&h->asn) || !r.U32(&h->bgp_id) ||
      !r.U32(&h->timestamp_seconds) || !r.U32(&h->timestamp_micros)) {
    return Bad(type, "per-peer header truncated");
  }
  h->distinguisher = static_cast<uint64_t>(hi) << 32 | lo;
  h->address = h->ipv6() ? IpAddress::FromBytes(Family::kIpv6, address)
                         : IpAddress::FromBytes(Family::kIpv4, address + 12);
  return absl::OkStatus();
}

absl::Status ReadTlvs(ByteReader& r, BmpType type, BmpMessage* m) {
  while (!r.empty()) {
    uint16_t tlv_type, length;
    absl::Span<const uint8_t> value;
    if (!r.U16(&tlv_type) || !r.U16(&length) || !r.Bytes(length, &value)) {
      return Bad(type, "information TLV truncated");
    }
    m->tlvs.emplace_back(tlv_type, std::string(value.begin(), value.end()));
  }
  return absl::OkStatus();
}

// A whole BGP message (marker, length, type) at the reader's position.
absl::Status ReadBgpMessage(ByteReader& r, BmpType type, absl::string_view what,
                            absl::Span<const uint8_t>* out) {
  if (r.remaining() < 19) return Bad(type, absl::StrCat(what, " truncated"));
  ByteReader peek = r;
  uint16_t length = 0;
  peek.Skip(16);
  peek.U16(&length);
  if (length < 19 || !r.Bytes(length, out)) {
    return Bad(type, absl::StrCat(what, " length ", length, " does not fit the message"));
  }
  return absl::OkStatus();
}

}  // namespace

const char* BmpTypeName(BmpType type) {
  switch (type) {
    case BmpType::kRouteMonitoring:
      return "Route Monitoring";
    case BmpType::kStatisticsReport:
      return "Statistics Report";
    case BmpType::kPeerDown:
      return "Peer Down";
    case BmpType::kPeerUp:
      return "Peer Up";
    case BmpType::kInitiation:
      return "Initiation";
    case BmpType::kTermination:
      return "Termination";
    case BmpType::kRouteMirroring:
      return "Route Mirroring";
  }
  return "unknown";
}

absl::StatusOr<size_t> BmpMessageLength(absl::Span<const uint8_t> buffer) {
  if (buffer.size() < kBmpCommonHeaderSize) return 0;
  if (buffer[0] != 3) {
    return absl::DataLossError(absl::StrCat("BMP: version ", buffer[0], " (only 3 is supported)"));
  }
  size_t length = static_cast<size_t>(buffer[1]) << 24 | static_cast<size_t>(buffer[2]) << 16 |
                  static_cast<size_t>(buffer[3]) << 8 | buffer[4];
  if (length < kBmpCommonHeaderSize || length > kBmpMaxMessageSize) {
    return absl::DataLossError(absl::StrCat("BMP: message length ", length, " is impossible"));
  }
  return buffer.size() >= length ? length : 0;
}

absl::StatusOr<BmpMessage> ParseBmpMessage(absl::Span<const uint8_t> message) {
  absl::StatusOr<size_t> length = BmpMessageLength(message);
  if (!length.ok()) return length.status();
  if (*length == 0 || *length != message.size()) {
    return absl::DataLossError(
        absl::StrCat("BMP: message of ", message.size(), " bytes does not match its length field"));
  }
  if (message[5] > static_cast<uint8_t>(BmpType::kRouteMirroring)) {
    return absl::DataLossError(absl::StrCat("BMP: unknown message type ", message[5]));
  }
  BmpMessage m;
  m.type = static_cast<BmpType>(message[5]);
  ByteReader r(message.subspan(kBmpCommonHeaderSize));
  if (m.type == BmpType::kInitiation || m.type == BmpType::kTermination) {
    if (auto s = ReadTlvs(r, m.type, &m); !s.ok()) return s;
    return m;
  }
  BmpPeerHeader peer;
  if (auto s = ReadPeerHeader(r, m.type, &peer); !s.ok()) return s;
  m.peer = peer;
  switch (m.type) {
    case BmpType::kRouteMonitoring:
      if (auto s = ReadBgpMessage(r, m.type, "BGP UPDATE", &m.update); !s.ok()) return s;
      if (!r.empty()) return Bad(m.type, "bytes after the BGP UPDATE");
      if (m.update[18] != 2) return Bad(m.type, "the BGP message is not an UPDATE");
      break;
    case BmpType::kPeerUp: {
      uint8_t local[16];
      if (!r.Copy(16, local) || !r.U16(&m.local_port) || !r.U16(&m.remote_port)) {
        return Bad(m.type, "local address and ports truncated");
      }
      m.local_address = peer.ipv6() ? IpAddress::FromBytes(Family::kIpv6, local)
                                    : IpAddress::FromBytes(Family::kIpv4, local + 12);
      if (auto s = ReadBgpMessage(r, m.type, "sent OPEN", &m.sent_open); !s.ok()) return s;
      if (auto s = ReadBgpMessage(r, m.type, "received OPEN", &m.received_open); !s.ok()) return s;
      if (auto s = ReadTlvs(r, m.type, &m); !s.ok()) return s;
      break;
    }
    case BmpType::kPeerDown:
      if (!r.U8(&m.down_reason)) return Bad(m.type, "reason missing");
      break;  // the reason's data (a NOTIFICATION or an FSM code) is not needed
    case BmpType::kStatisticsReport:
      if (!r.U32(&m.statistics_count)) return Bad(m.type, "counter count missing");
      for (uint32_t i = 0; i < m.statistics_count; ++i) {
        uint16_t type, len;
        if (!r.U16(&type) || !r.U16(&len) || !r.Skip(len)) return Bad(m.type, "counter truncated");
      }
      break;
    default:
      break;  // Route Mirroring: recorded by type only
  }
  return m;
}

bool OpensNegotiateFourByteAs(absl::Span<const uint8_t> sent_open,
                              absl::Span<const uint8_t> received_open) {
  auto has_capability = [](absl::Span<const uint8_t> open) {
    ByteReader r(open);
    uint8_t type, opt_length;
    // marker(16) length(2) type(1) version(1) my AS(2) hold time(2) BGP ID(4) opt len(1)
    if (!r.Skip(18) || !r.U8(&type) || type != 1 || !r.Skip(9) || !r.U8(&opt_length)) return false;
    absl::Span<const uint8_t> params;
    if (!r.Bytes(opt_length, &params)) return false;
    ByteReader p(params);
    uint8_t param_type, param_length;
    while (p.U8(&param_type) && p.U8(&param_length)) {
      absl::Span<const uint8_t> value;
      if (!p.Bytes(param_length, &value)) return false;
      if (param_type != 2) continue;  // capabilities
      ByteReader c(value);
      uint8_t code, length;
      while (c.U8(&code) && c.U8(&length)) {
        if (code == 65) return true;
        if (!c.Skip(length)) return false;
      }
    }
    return false;
  };
  return has_capability(sent_open) && has_capability(received_open);
}

}  // namespace pfx
