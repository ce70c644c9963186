#include "feed/bmp/bmp_writer.h"

#include "feed/byte_writer.h"

namespace pfx {
namespace {

void PutAddress16(std::string& s, const IpAddress& a) {
  if (a.is_v4()) {
    s.append(12, '\0');
    s.append(reinterpret_cast<const char*>(a.bytes().data()), 4);
  } else {
    s.append(reinterpret_cast<const char*>(a.bytes().data()), 16);
  }
}

// Common header + body.
void Finish(BmpType type, const std::string& body, std::string& out) {
  Put8(out, 3);
  Put32(out, static_cast<uint32_t>(kBmpCommonHeaderSize + body.size()));
  Put8(out, static_cast<uint8_t>(type));
  out.append(body);
}

void PutPeerHeader(std::string& s, const BmpPeerHeader& p) {
  Put8(s, p.peer_type);
  Put8(s, static_cast<uint8_t>(p.flags | (p.address.is_v4() ? 0 : 0x80)));
  Put32(s, static_cast<uint32_t>(p.distinguisher >> 32));
  Put32(s, static_cast<uint32_t>(p.distinguisher));
  PutAddress16(s, p.address);
  Put32(s, p.asn);
  Put32(s, p.bgp_id);
  Put32(s, p.timestamp_seconds);
  Put32(s, p.timestamp_micros);
}

void PutTlv(std::string& s, uint16_t type, absl::string_view value) {
  Put16(s, type);
  Put16(s, static_cast<uint16_t>(value.size()));
  s.append(value.data(), value.size());
}

void PutOpen(std::string& s, uint32_t asn, uint32_t bgp_id) {
  std::string body;
  Put8(body, 4);  // version
  Put16(body, asn > 0xFFFF ? 23456 : static_cast<uint16_t>(asn));
  Put16(body, 90);
  Put32(body, bgp_id);
  std::string capability = {2, 6, 65, 4};  // parameter 2 (capabilities), cap 65, length 4
  Put32(capability, asn);
  Put8(body, static_cast<uint8_t>(capability.size()));
  body.append(capability);
  s.append(16, '\xff');
  Put16(s, static_cast<uint16_t>(19 + body.size()));
  Put8(s, 1);
  s.append(body);
}

}  // namespace

void AppendBmpInitiation(absl::string_view sys_name, absl::string_view sys_descr,
                         std::string& out) {
  std::string body;
  PutTlv(body, 2, sys_name);
  PutTlv(body, 1, sys_descr);
  Finish(BmpType::kInitiation, body, out);
}

void AppendBmpTermination(std::string& out) {
  std::string body;
  PutTlv(body, 1, std::string("\0\0", 2));  // reason: administratively closed
  Finish(BmpType::kTermination, body, out);
}

void AppendBmpPeerUp(const BmpPeerHeader& peer, uint32_t local_as, std::string& out) {
  std::string body;
  PutPeerHeader(body, peer);
  PutAddress16(body, peer.address.is_v4() ? IpAddress::V4(0x7F000001) : peer.address);
  Put16(body, 179);
  Put16(body, 49152);
  PutOpen(body, local_as, 0x0A000001);
  PutOpen(body, peer.asn, peer.bgp_id);
  Finish(BmpType::kPeerUp, body, out);
}

void AppendBmpPeerDown(const BmpPeerHeader& peer, uint8_t reason, std::string& out) {
  std::string body;
  PutPeerHeader(body, peer);
  Put8(body, reason);
  if (reason == 2) Put16(body, 0);  // FSM event code
  Finish(BmpType::kPeerDown, body, out);
}

void AppendBmpRouteMonitoring(const BmpPeerHeader& peer, absl::string_view update,
                              std::string& out) {
  std::string body;
  PutPeerHeader(body, peer);
  body.append(update.data(), update.size());
  Finish(BmpType::kRouteMonitoring, body, out);
}

}  // namespace pfx
