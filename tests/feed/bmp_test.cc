// BMP: message parsing (every type, every length field too short / too long / zero) and the
// per-router state machine against a RouteIndex. The TCP listener: bmp_listener_test.cc.
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_message.h"
#include "feed/bmp/bmp_router.h"
#include "feed/bmp/bmp_writer.h"
#include "gtest/gtest.h"
#include "tests/common/bmp_socket.h"
#include "validator/community.h"

namespace pfx {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

RouteAttributes Attrs(const char* path, const char* next_hop) {
  return {*AsPath::Parse(path), {kMapsCommunity}, *IpAddress::Parse(next_hop), 0};
}

std::string RouteMonitoring(const BmpPeerHeader& peer, const char* prefix, const char* path) {
  std::string update, out;
  auto p = *IpPrefix::Parse(prefix);
  AppendUpdate({p}, Attrs(path, p.is_v4() ? "192.0.2.1" : "2001:db8::1"), {}, update);
  AppendBmpRouteMonitoring(peer, update, out);
  return out;
}

// Splits a byte stream into messages with BmpMessageLength and parses each.
std::vector<BmpMessage> ParseAll(const std::string& stream) {
  std::vector<BmpMessage> out;
  auto bytes = Bytes(stream);
  while (!bytes.empty()) {
    auto length = BmpMessageLength(bytes);
    EXPECT_TRUE(length.ok() && *length > 0);
    if (!length.ok() || *length == 0) break;
    auto m = ParseBmpMessage(bytes.subspan(0, *length));
    EXPECT_TRUE(m.ok()) << m.status();
    if (m.ok()) out.push_back(*m);
    bytes.remove_prefix(*length);
  }
  return out;
}

TEST(BmpMessageTest, EveryTypeRoundTrips) {
  BmpPeerHeader v4 = Peer("198.51.100.1", 13335), v6 = Peer("2001:db8::1", 13335);
  std::string stream;
  AppendBmpInitiation("edge-1", "pfxd test", stream);
  AppendBmpPeerUp(v4, 8075, stream);
  stream += RouteMonitoring(v4, "1.1.1.0/24", "13335");
  stream += RouteMonitoring(v6, "2606:4700::/32", "13335");
  AppendBmpPeerDown(v4, 2, stream);
  AppendBmpTermination(stream);
  std::vector<BmpMessage> m = ParseAll(stream);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[0].type, BmpType::kInitiation);
  EXPECT_EQ(m[0].tlvs[0].second, "edge-1");
  EXPECT_EQ(m[1].type, BmpType::kPeerUp);
  EXPECT_EQ(m[1].peer->address.ToString(), "198.51.100.1");
  EXPECT_EQ(m[1].peer->asn, 13335u);
  EXPECT_TRUE(OpensNegotiateFourByteAs(m[1].sent_open, m[1].received_open));
  EXPECT_EQ(m[2].type, BmpType::kRouteMonitoring);
  EXPECT_TRUE(m[2].peer->pre_policy_adj_rib_in());
  EXPECT_TRUE(m[3].peer->ipv6());
  EXPECT_EQ(m[3].peer->address.ToString(), "2001:db8::1");
  EXPECT_EQ(m[4].type, BmpType::kPeerDown);
  EXPECT_EQ(m[4].down_reason, 2);
  EXPECT_EQ(m[5].type, BmpType::kTermination);
}

TEST(BmpMessageTest, FlagsAndPeerTypes) {
  BmpPeerHeader p = Peer("198.51.100.1", 13335);
  p.flags = 0x40;
  EXPECT_TRUE(p.post_policy());
  EXPECT_FALSE(p.pre_policy_adj_rib_in());
  p.flags = 0x10;
  EXPECT_TRUE(p.adj_rib_out());
  EXPECT_FALSE(p.pre_policy_adj_rib_in());
  p.flags = 0x20;
  EXPECT_TRUE(p.legacy_two_byte_as());
  EXPECT_TRUE(p.pre_policy_adj_rib_in());
  p.flags = 0;
  p.peer_type = BmpPeerHeader::kLocRib;
  EXPECT_FALSE(p.pre_policy_adj_rib_in());
}

TEST(BmpMessageTest, CommonHeaderLengths) {
  std::string m = RouteMonitoring(Peer("198.51.100.1", 13335), "1.1.1.0/24", "13335");
  auto bytes = Bytes(m);
  EXPECT_EQ(*BmpMessageLength(bytes.subspan(0, 5)), 0u);   // header incomplete
  EXPECT_EQ(*BmpMessageLength(bytes.subspan(0, 20)), 0u);  // body incomplete
  EXPECT_EQ(*BmpMessageLength(bytes), m.size());
  std::string bad = m;
  bad[0] = 2;  // version
  EXPECT_FALSE(BmpMessageLength(Bytes(bad)).ok());
  for (uint32_t length : {0u, 5u, (1u << 20) + 1}) {  // zero, below header, too large
    bad = m;
    bad[1] = char(length >> 24), bad[2] = char(length >> 16), bad[3] = char(length >> 8),
    bad[4] = char(length);
    EXPECT_FALSE(BmpMessageLength(Bytes(bad)).ok()) << length;
  }
  // Length field shorter than the message: parsing the declared span fails cleanly.
  bad = m;
  bad[4] = char(m.size() - 1);
  EXPECT_FALSE(ParseBmpMessage(Bytes(bad).subspan(0, m.size() - 1)).ok());
  bad = m;
  bad[5] = 9;  // unknown type
  EXPECT_FALSE(ParseBmpMessage(Bytes(bad)).ok());
}

TEST(BmpMessageTest, InnerLengthsTooShortTooLongAndZero) {
  BmpPeerHeader v4 = Peer("198.51.100.1", 13335);
  std::string rm = RouteMonitoring(v4, "1.1.1.0/24", "13335");
  const size_t bgp_length_at = kBmpCommonHeaderSize + kBmpPerPeerHeaderSize + 16;
  for (int delta : {-1, +1}) {
    std::string bad = rm;
    bad[bgp_length_at + 1] = char(uint8_t(bad[bgp_length_at + 1]) + delta);
    EXPECT_FALSE(ParseBmpMessage(Bytes(bad)).ok()) << "BGP length " << delta;
  }
  std::string zero = rm;
  zero[bgp_length_at] = zero[bgp_length_at + 1] = 0;
  EXPECT_FALSE(ParseBmpMessage(Bytes(zero)).ok());
  // Per-peer header cut short.
  std::string cut = rm.substr(0, kBmpCommonHeaderSize + 20);
  cut[4] = char(cut.size());
  EXPECT_FALSE(ParseBmpMessage(Bytes(cut)).ok());

  std::string up;
  AppendBmpPeerUp(v4, 8075, up);
  const size_t open_length_at = kBmpCommonHeaderSize + kBmpPerPeerHeaderSize + 20 + 16;
  for (uint8_t v : {uint8_t(0), uint8_t(0xFF)}) {
    std::string bad = up;
    bad[open_length_at] = 0;
    bad[open_length_at + 1] = char(v);
    EXPECT_FALSE(ParseBmpMessage(Bytes(bad)).ok()) << "OPEN length " << int(v);
  }
  std::string init;
  AppendBmpInitiation("edge", "x", init);
  std::string bad_tlv = init;
  bad_tlv[kBmpCommonHeaderSize + 3] = 100;  // TLV length beyond the message
  EXPECT_FALSE(ParseBmpMessage(Bytes(bad_tlv)).ok());
  std::string zero_tlv = init;
  zero_tlv[kBmpCommonHeaderSize + 3] = 0;  // zero-length TLV: the rest no longer parses
  EXPECT_FALSE(ParseBmpMessage(Bytes(zero_tlv)).ok());

  std::string down;
  AppendBmpPeerDown(v4, 1, down);
  std::string no_reason = down.substr(0, kBmpCommonHeaderSize + kBmpPerPeerHeaderSize);
  no_reason[4] = char(no_reason.size());
  EXPECT_FALSE(ParseBmpMessage(Bytes(no_reason)).ok());
}

TEST(BmpRouterTest, PrePolicyRoutesSessionsAndEndOfRib) {
  RouteIndex index;
  BmpRouter router("edge-1", &index);
  BmpPeerHeader v4 = Peer("198.51.100.1", 13335);
  std::string stream;
  AppendBmpInitiation("GoBGP", "3.10", stream);
  AppendBmpPeerUp(v4, 8075, stream);
  stream += RouteMonitoring(v4, "1.1.1.0/24", "13335");
  BmpPeerHeader post = v4;
  post.flags = 0x40;
  stream += RouteMonitoring(post, "9.9.9.0/24", "13335");  // post-policy: not indexed
  std::string eor, eor_message;
  AppendEndOfRib(Family::kIpv4, eor);
  AppendBmpRouteMonitoring(v4, eor, stream);
  for (const BmpMessage& m : ParseAll(stream)) ASSERT_TRUE(router.Apply(m).ok());
  router.Flush();
  SessionKey key{"edge-1", v4.address};
  auto status = index.GetSession(key);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->established);
  EXPECT_TRUE(status->initial_table_complete);
  EXPECT_EQ(status->route_count, 1u);
  EXPECT_EQ(status->peer_as, 13335u);
  EXPECT_EQ(router.stats().not_pre_policy, 1u);
  EXPECT_EQ(router.sys_name(), "GoBGP");
  auto route = index.Lookup(key, *IpPrefix::Parse("1.1.1.0/24"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->attributes.communities[0], kMapsCommunity);

  router.Disconnected();
  EXPECT_FALSE(index.GetSession(key)->established);
  EXPECT_EQ(index.GetSession(key)->route_count, 1u);  // kept until hold-down decides
  // Peer Up again replaces the old table.
  std::string up;
  AppendBmpPeerUp(v4, 8075, up);
  ASSERT_TRUE(router.Apply(ParseAll(up)[0]).ok());
  EXPECT_TRUE(index.GetSession(key)->established);
  EXPECT_EQ(index.GetSession(key)->route_count, 0u);
}

// A table dump that interleaves sessions (a replayed MRT RIB sends each prefix's entries for
// every peer in a row): each session keeps its order (a withdrawal after an announcement
// wins), and a session's run of UPDATEs with one attribute set is interned once.
TEST(BmpRouterTest, InterleavedSessionsKeepTheirOrderAndShareAttributes) {
  RouteIndex index;
  BmpRouter router("edge-1", &index);
  BmpPeerHeader a = Peer("198.51.100.1", 13335);
  BmpPeerHeader b = Peer("198.51.100.2", 15169);
  std::string stream;
  AppendBmpPeerUp(a, 8075, stream);
  AppendBmpPeerUp(b, 8075, stream);
  for (const char* prefix : {"1.1.1.0/24", "1.1.2.0/24", "1.1.3.0/24"}) {
    stream += RouteMonitoring(a, prefix, "13335");
    stream += RouteMonitoring(b, prefix, "15169 3356");
  }
  std::string withdraw;
  AppendUpdate({}, Attrs("13335", "192.0.2.1"), {*IpPrefix::Parse("1.1.2.0/24")}, withdraw);
  AppendBmpRouteMonitoring(a, withdraw, stream);
  stream += RouteMonitoring(b, "1.1.4.0/24", "15169 3356");
  for (const BmpMessage& m : ParseAll(stream)) ASSERT_TRUE(router.Apply(m).ok());
  router.Flush();
  SessionKey ka{"edge-1", a.address}, kb{"edge-1", b.address};
  EXPECT_EQ(index.GetSession(ka)->route_count, 2u);
  EXPECT_FALSE(index.Lookup(ka, *IpPrefix::Parse("1.1.2.0/24")).has_value());
  EXPECT_TRUE(index.Lookup(ka, *IpPrefix::Parse("1.1.3.0/24")).has_value());
  EXPECT_EQ(index.GetSession(kb)->route_count, 4u);
  EXPECT_EQ(index.Lookup(kb, *IpPrefix::Parse("1.1.4.0/24"))->attributes.as_path.ToString(),
            "15169 3356");
  EXPECT_EQ(index.attribute_set_count(), 2u);  // one per session's path
  EXPECT_EQ(router.stats().announced, 7u);
  EXPECT_EQ(router.stats().withdrawn, 1u);
}

TEST(BmpRouterTest, GarbageUpdateIsAnError) {
  RouteIndex index;
  BmpRouter router("edge-1", &index);
  std::string m = RouteMonitoring(Peer("198.51.100.1", 13335), "1.1.1.0/24", "13335");
  // Corrupt the AS_PATH segment count inside an otherwise well-framed message.
  size_t at = m.find(std::string("\x40\x02", 2));
  ASSERT_NE(at, std::string::npos);
  m[at + 4] = 9;
  auto parsed = ParseBmpMessage(Bytes(m));
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(router.Apply(*parsed).ok());
}

}  // namespace
}  // namespace pfx
