#include "feed/bgp_update_encoder.h"

#include "feed/byte_writer.h"

namespace pfx {
namespace {

void PutPrefix(std::string& s, const IpPrefix& p) {
  Put8(s, static_cast<uint8_t>(p.length()));
  s.append(reinterpret_cast<const char*>(p.address().bytes().data()), (p.length() + 7) / 8);
}

void PutAttribute(std::string& s, uint8_t flags, uint8_t type, const std::string& value) {
  if (value.size() > 255) flags |= 0x10;
  Put8(s, flags);
  Put8(s, type);
  if (flags & 0x10) {
    Put16(s, static_cast<uint16_t>(value.size()));
  } else {
    Put8(s, static_cast<uint8_t>(value.size()));
  }
  s.append(value);
}

void WrapMessage(const std::string& body, std::string& out) {
  out.append(16, '\xff');
  Put16(out, static_cast<uint16_t>(19 + body.size()));
  Put8(out, 2);
  out.append(body);
}

}  // namespace

void AppendUpdate(const std::vector<IpPrefix>& prefixes, const RouteAttributes& a,
                  const std::vector<IpPrefix>& withdrawn, std::string& out) {
  const bool v6 = (!prefixes.empty() && !prefixes.front().is_v4()) ||
                  (prefixes.empty() && !withdrawn.empty() && !withdrawn.front().is_v4());
  std::string withdrawn_v4, attrs, nlri;
  if (!v6) {
    for (const IpPrefix& p : withdrawn) PutPrefix(withdrawn_v4, p);
  } else if (!withdrawn.empty()) {
    std::string unreach;
    Put16(unreach, 2);
    Put8(unreach, 1);
    for (const IpPrefix& p : withdrawn) PutPrefix(unreach, p);
    PutAttribute(attrs, 0x80, 15, unreach);
  }
  if (!prefixes.empty()) {
    PutAttribute(attrs, 0x40, 1, std::string(1, static_cast<char>(a.origin)));
    std::string path;
    for (const AsPathSegment& seg : a.as_path.segments()) {
      Put8(path, static_cast<uint8_t>(seg.type));
      Put8(path, static_cast<uint8_t>(seg.asns.size()));
      for (uint32_t asn : seg.asns) Put32(path, asn);
    }
    PutAttribute(attrs, 0x40, 2, path);
    if (!v6) {
      std::string nh(reinterpret_cast<const char*>(a.next_hop.bytes().data()), 4);
      PutAttribute(attrs, 0x40, 3, nh);
    }
    if (!a.communities.empty()) {
      std::string c;
      for (uint32_t community : a.communities) Put32(c, community);
      PutAttribute(attrs, 0xC0, 8, c);
    }
    if (v6) {
      std::string reach;
      Put16(reach, 2);
      Put8(reach, 1);
      Put8(reach, 16);
      reach.append(reinterpret_cast<const char*>(a.next_hop.bytes().data()), 16);
      Put8(reach, 0);
      for (const IpPrefix& p : prefixes) PutPrefix(reach, p);
      PutAttribute(attrs, 0x80, 14, reach);
    } else {
      for (const IpPrefix& p : prefixes) PutPrefix(nlri, p);
    }
  }
  std::string body;
  Put16(body, static_cast<uint16_t>(withdrawn_v4.size()));
  body.append(withdrawn_v4);
  Put16(body, static_cast<uint16_t>(attrs.size()));
  body.append(attrs);
  body.append(nlri);
  WrapMessage(body, out);
}

void AppendEndOfRib(Family family, std::string& out) {
  std::string body;
  if (family == Family::kIpv4) {
    Put16(body, 0);
    Put16(body, 0);
  } else {
    std::string unreach;
    Put16(unreach, 2);
    Put8(unreach, 1);
    std::string attrs;
    PutAttribute(attrs, 0x80, 15, unreach);
    Put16(body, 0);
    Put16(body, static_cast<uint16_t>(attrs.size()));
    body.append(attrs);
  }
  WrapMessage(body, out);
}

}  // namespace pfx
