#include "feed/bgp_update.h"

#include <vector>

#include "gtest/gtest.h"
#include "validator/community.h"

namespace pfx {
namespace {

using Bytes = std::vector<uint8_t>;

void Append(Bytes& b, std::initializer_list<uint8_t> v) { b.insert(b.end(), v); }
void U16(Bytes& b, uint16_t v) { Append(b, {uint8_t(v >> 8), uint8_t(v)}); }
void U32(Bytes& b, uint32_t v) {
  Append(b, {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
}

Bytes Attr(uint8_t flags, uint8_t type, const Bytes& value) {
  Bytes b = {flags, type};
  if (flags & 0x10) {
    U16(b, uint16_t(value.size()));
  } else {
    b.push_back(uint8_t(value.size()));
  }
  b.insert(b.end(), value.begin(), value.end());
  return b;
}

Bytes AsPathValue(uint8_t type, std::vector<uint32_t> asns, int size) {
  Bytes b = {type, uint8_t(asns.size())};
  for (uint32_t a : asns) size == 4 ? U32(b, a) : U16(b, uint16_t(a));
  return b;
}

Bytes Body(const Bytes& withdrawn, const Bytes& attrs, const Bytes& nlri) {
  Bytes b;
  U16(b, uint16_t(withdrawn.size()));
  b.insert(b.end(), withdrawn.begin(), withdrawn.end());
  U16(b, uint16_t(attrs.size()));
  b.insert(b.end(), attrs.begin(), attrs.end());
  b.insert(b.end(), nlri.begin(), nlri.end());
  return b;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(BgpUpdateTest, Ipv4AnnouncementWith4ByteAsAndCommunities) {
  Bytes communities;
  U32(communities, kMapsCommunity);
  U32(communities, MakeCommunity(13335, 1));
  Bytes attrs = Concat({Attr(0x40, 1, {0}), Attr(0x40, 2, AsPathValue(2, {4200000001u, 13335}, 4)),
                        Attr(0x40, 3, {192, 0, 2, 1}), Attr(0xC0, 8, communities)});
  auto u = DecodeUpdateBody(Body({}, attrs, {24, 1, 1, 1, 16, 10, 1}), {.four_byte_as = true});
  ASSERT_TRUE(u.ok()) << u.status();
  ASSERT_EQ(u->announced.size(), 2u);
  EXPECT_EQ(u->announced[0].ToString(), "1.1.1.0/24");
  EXPECT_EQ(u->announced[1].ToString(), "10.1.0.0/16");
  EXPECT_EQ(u->attributes.as_path.ToString(), "4200000001 13335");
  EXPECT_EQ(u->attributes.next_hop.ToString(), "192.0.2.1");
  EXPECT_EQ(u->attributes.communities.size(), 2u);
  EXPECT_FALSE(u->end_of_rib);
}

TEST(BgpUpdateTest, TwoByteAsPathMergesAs4Path) {
  // AS_PATH: 174 23456 23456 ; AS4_PATH: 4200000001 4200000002 -> 174 4200000001 4200000002
  Bytes attrs = Concat({Attr(0x40, 2, AsPathValue(2, {174, 23456, 23456}, 2)),
                        Attr(0xC0, 17, AsPathValue(2, {4200000001u, 4200000002u}, 4))});
  auto u = DecodeUpdateBody(Body({}, attrs, {8, 9}), {.four_byte_as = false});
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->attributes.as_path.ToString(), "174 4200000001 4200000002");
}

TEST(BgpUpdateTest, As4PathLongerThanAsPathIsIgnored) {
  Bytes attrs =
      Concat({Attr(0x40, 2, AsPathValue(2, {174}, 2)), Attr(0xC0, 17, AsPathValue(2, {1, 2}, 4))});
  auto u = DecodeUpdateBody(Body({}, attrs, {8, 9}), {.four_byte_as = false});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->attributes.as_path.ToString(), "174");
}

TEST(BgpUpdateTest, AsSetSegment) {
  Bytes path = Concat({AsPathValue(2, {13335}, 4), AsPathValue(1, {64500, 64501}, 4)});
  auto u = DecodeUpdateBody(Body({}, Attr(0x40, 2, path), {8, 9}), {});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->attributes.as_path.ToString(), "13335 {64500,64501}");
  EXPECT_EQ(u->attributes.as_path.Length(), 2);
}

TEST(BgpUpdateTest, MpReachAndUnreachIpv6) {
  Bytes reach;
  U16(reach, 2);
  reach.push_back(1);
  reach.push_back(16);
  Append(reach, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  reach.push_back(0);
  Append(reach, {32, 0x26, 0x06, 0x47, 0x00});  // 2606:4700::/32
  Bytes unreach;
  U16(unreach, 2);
  unreach.push_back(1);
  Append(unreach, {48, 0x2a, 0x00, 0x14, 0x50, 0x00, 0x01});  // 2a00:1450:1::/48
  Bytes attrs = Concat({Attr(0x80, 14, reach), Attr(0x80, 15, unreach)});
  auto u = DecodeUpdateBody(Body({}, attrs, {}), {});
  ASSERT_TRUE(u.ok()) << u.status();
  ASSERT_EQ(u->announced.size(), 1u);
  EXPECT_EQ(u->announced[0].ToString(), "2606:4700::/32");
  EXPECT_EQ(u->attributes.next_hop.ToString(), "2001:db8::1");
  ASSERT_EQ(u->withdrawn.size(), 1u);
  EXPECT_EQ(u->withdrawn[0].ToString(), "2a00:1450:1::/48");
}

TEST(BgpUpdateTest, EndOfRibMarkers) {
  auto v4 = DecodeUpdateBody(Body({}, {}, {}), {});
  ASSERT_TRUE(v4.ok());
  EXPECT_TRUE(v4->end_of_rib);
  Bytes unreach;
  U16(unreach, 2);
  unreach.push_back(1);
  auto v6 = DecodeUpdateBody(Body({}, Attr(0x80, 15, unreach), {}), {});
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->end_of_rib);
  auto withdraw = DecodeUpdateBody(Body({24, 1, 1, 1}, {}, {}), {});
  ASSERT_TRUE(withdraw.ok());
  EXPECT_FALSE(withdraw->end_of_rib);
  EXPECT_EQ(withdraw->withdrawn.size(), 1u);
}

TEST(BgpUpdateTest, LengthFieldsTooShortTooLongAndZero) {
  Bytes good = Body({}, Attr(0x40, 2, AsPathValue(2, {13335}, 4)), {24, 1, 1, 1});
  ASSERT_TRUE(DecodeUpdateBody(good, {}).ok());
  // Withdrawn length larger than the message.
  Bytes b = good;
  b[1] = 200;
  EXPECT_EQ(DecodeUpdateBody(b, {}).status().code(), absl::StatusCode::kDataLoss);
  // Attribute block length larger than the message.
  b = good;
  b[3] = 200;
  EXPECT_FALSE(DecodeUpdateBody(b, {}).ok());
  // Attribute block length shorter than the attributes (cuts the AS_PATH).
  b = good;
  b[3] = 4;
  EXPECT_FALSE(DecodeUpdateBody(b, {}).ok());
  // Attribute block length zero: the AS_PATH bytes become NLRI garbage.
  b = good;
  b[3] = 0;
  EXPECT_FALSE(DecodeUpdateBody(b, {}).ok());
  // AS_PATH attribute length zero is an empty path, which is legal.
  EXPECT_TRUE(DecodeUpdateBody(Body({}, Attr(0x40, 2, {}), {24, 1, 1, 1}), {}).ok());
  // Segment count larger than the attribute.
  Bytes path = AsPathValue(2, {13335}, 4);
  path[1] = 3;
  EXPECT_FALSE(DecodeUpdateBody(Body({}, Attr(0x40, 2, path), {}), {}).ok());
  // NLRI prefix length beyond 32, and NLRI truncated.
  EXPECT_FALSE(DecodeUpdateBody(Body({}, {}, {33, 1, 1, 1, 1, 1}), {}).ok());
  EXPECT_FALSE(DecodeUpdateBody(Body({}, {}, {24, 1, 1}), {}).ok());
  // Truncated header and empty input.
  EXPECT_FALSE(DecodeUpdateBody(Bytes{0}, {}).ok());
  EXPECT_FALSE(DecodeUpdateBody(Bytes{}, {}).ok());
  // Communities not a multiple of 4.
  EXPECT_FALSE(DecodeUpdateBody(Body({}, Attr(0xC0, 8, {1, 2, 3}), {}), {}).ok());
}

TEST(BgpUpdateTest, WholeMessageHeader) {
  Bytes body = Body({}, {}, {24, 1, 1, 1});
  Bytes msg(16, 0xFF);
  U16(msg, uint16_t(19 + body.size()));
  msg.push_back(2);
  msg.insert(msg.end(), body.begin(), body.end());
  ASSERT_TRUE(DecodeUpdateMessage(msg, {}).ok());
  Bytes too_long = msg;
  too_long[17] = uint8_t(too_long[17] + 1);
  EXPECT_FALSE(DecodeUpdateMessage(too_long, {}).ok());
  Bytes too_short = msg;
  too_short[16] = 0;
  too_short[17] = 10;
  EXPECT_FALSE(DecodeUpdateMessage(too_short, {}).ok());
  Bytes keepalive = msg;
  keepalive[18] = 4;
  EXPECT_FALSE(DecodeUpdateMessage(keepalive, {}).ok());
}

}  // namespace
}  // namespace pfx
