// The decoder's full output on BMP bytes written by another implementation (gobgpd 3.10,
// tests/data/bmp/README.md), replayed through BmpRouter into a RouteIndex.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "feed/bgp_update.h"
#include "feed/bmp/bmp_message.h"
#include "feed/bmp/bmp_router.h"
#include "gtest/gtest.h"
#include "validator/community.h"

namespace pfx {
namespace {

std::string Capture() {
  std::ifstream in(PFX_SOURCE_DIR "/tests/data/bmp/gobgpd-3.10-pre-policy.bmp", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One line per message: type, peer, and for Route Monitoring the decoded UPDATE.
std::vector<std::string> Describe(const std::string& stream) {
  std::vector<std::string> lines;
  auto bytes = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(stream.data()), stream.size());
  while (!bytes.empty()) {
    absl::StatusOr<size_t> length = BmpMessageLength(bytes);
    if (!length.ok() || *length == 0) {
      lines.push_back("truncated");
      break;
    }
    absl::StatusOr<BmpMessage> m = ParseBmpMessage(bytes.subspan(0, *length));
    bytes.remove_prefix(*length);
    if (!m.ok()) {
      lines.push_back(std::string(m.status().message()));
      continue;
    }
    std::string line = BmpTypeName(m->type);
    if (m->peer.has_value()) {
      absl::StrAppend(&line, " peer=", m->peer->address.ToString(), " as=", m->peer->asn,
                      " type=", m->peer->peer_type, " flags=", m->peer->flags);
    }
    for (const auto& [type, value] : m->tlvs) absl::StrAppend(&line, " tlv", type, "=", value);
    if (m->type == BmpType::kPeerUp) {
      absl::StrAppend(&line, " 4byte=", OpensNegotiateFourByteAs(m->sent_open, m->received_open));
    }
    if (m->type == BmpType::kRouteMonitoring) {
      absl::StatusOr<BgpUpdate> u = DecodeUpdateMessage(m->update, {.four_byte_as = true});
      if (!u.ok()) {
        absl::StrAppend(&line, " ", u.status().message());
      } else {
        std::vector<std::string> a, w, c;
        for (const auto& p : u->announced) a.push_back(p.ToString());
        for (const auto& p : u->withdrawn) w.push_back(p.ToString());
        for (uint32_t x : u->attributes.communities) c.push_back(CommunityToString(x));
        absl::StrAppend(&line, " announce=[", absl::StrJoin(a, ","), "] withdraw=[",
                        absl::StrJoin(w, ","), "]");
        if (!a.empty()) {
          absl::StrAppend(&line, " path=[", u->attributes.as_path.ToString(), "] communities=[",
                          absl::StrJoin(c, " "), "] nexthop=", u->attributes.next_hop.ToString());
        }
      }
    }
    lines.push_back(line);
  }
  return lines;
}

TEST(BmpCaptureTest, GobgpdStreamDecodesExactly) {
  std::vector<std::string> lines = Describe(Capture());
  const std::vector<std::string> expected = {
      "Initiation tlv2=GoBGP tlv1=3.10.0",
      "Peer Up peer=127.0.0.2 as=13335 type=0 flags=0 4byte=1",
      "Route Monitoring peer=127.0.0.2 as=13335 type=0 flags=0 announce=[1.1.1.0/24] withdraw=[] "
      "path=[13335] communities=[8075:8007] nexthop=192.0.2.1",
      "Route Monitoring peer=127.0.0.2 as=13335 type=0 flags=0 announce=[1.0.0.0/24] withdraw=[] "
      "path=[13335 174] communities=[8075:8001] nexthop=192.0.2.1",
      "Route Monitoring peer=127.0.0.2 as=13335 type=0 flags=0 announce=[] withdraw=[1.0.0.0/24]",
      "Peer Down peer=127.0.0.2 as=13335 type=0 flags=0",
  };
  EXPECT_EQ(lines, expected) << absl::StrJoin(lines, "\n");
}

TEST(BmpCaptureTest, GobgpdStreamThroughTheRouterStateMachine) {
  std::string stream = Capture();
  RouteIndex index;
  BmpRouter router("edge", &index);
  auto bytes = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(stream.data()), stream.size());
  while (!bytes.empty()) {
    size_t length = *BmpMessageLength(bytes);
    ASSERT_GT(length, 0u);
    absl::StatusOr<BmpMessage> m = ParseBmpMessage(bytes.subspan(0, length));
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(router.Apply(*m).ok());
    bytes.remove_prefix(length);
  }
  router.Flush();
  SessionKey key{"edge", *IpAddress::Parse("127.0.0.2")};
  auto session = index.GetSession(key);
  ASSERT_TRUE(session.has_value());
  EXPECT_FALSE(session->established);  // Peer Down came last
  EXPECT_EQ(session->route_count, 1u);
  auto route = index.Lookup(key, *IpPrefix::Parse("1.1.1.0/24"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->attributes.as_path.ToString(), "13335");
  EXPECT_EQ(router.stats().route_monitoring, 3u);
  EXPECT_EQ(router.sys_name(), "GoBGP");
}

}  // namespace
}  // namespace pfx
