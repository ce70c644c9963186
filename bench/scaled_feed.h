// File: scaled_feed.h
// -----------------------------------------------------------------------------
// The growth curve's feed (issue 11): a real full table made N times as big, as N x P
// distinct sessions, the way an edge router's BMP feed carries many peers' Adj-RIB-In.
//
// The base table ("1x") is one MRT RIB (compare.sh: the RouteViews JINX RIB, 503,590 entries
// of 14 peers, 497,321 of them from 196.223.14.55) plus an IPv6 share, since real tables
// carry about one IPv6 route per five IPv4 routes and the JINX RIB has only 173 IPv6 entries:
//   - The IPv6 set: every distinct IPv6 prefix the RIB and the extra MRT files announce
//     (compare.sh: the RIS rrc06 updates), without ::/0 and special-purpose prefixes, in
//     prefix order (116 for the JINX RIB + RIS rrc06); then derived /48s: the j-th is
//     seed[j mod S] with address bits 32-47 set to j div S, seed[] being the S real prefixes
//     of length /16-/32 in order (S = 54 here). A derived prefix equal to one already in the
//     set is skipped. ipv6_set() holds as many as the feed needs.
//   - Each IPv4 peer with R IPv4 routes gets floor(R / 5) more IPv6 routes, on its IPv6 twin:
//     the RIB's IPv6 peer with the same ASN (JINX: 196.223.14.46 / 2001:43f8:1f0::46, AS37105),
//     else the address with the IPv4 address's last octet, written in decimal, as the
//     interface id on the /64 of the RIB's first IPv6 peer (196.223.14.55 ->
//     2001:43f8:1f0::55, AS30844, the usual IXP numbering). The twin's m-th added route has
//     the next prefix of the IPv6 set that the twin does not already announce, and the
//     attributes of the peer's (5m)-th IPv4 route (file order) with the twin as next hop.
//   JINX: 503,590 + 100,680 added IPv6 routes = 604,270 routes (100,853 IPv6) on 15 sessions,
//   104,911 attribute sets.
// Copy k (0 <= k < N) is every base peer under its own address and ASN, with its paths
// changed the way a different peer's would be, so attribute sets do not intern to one:
//   - addresses on a peering LAN (the /24 or /64 of a base peer: peers and next hops) move by
//     k: IPv4 a.b.c.d -> a.b.(c+k).d, IPv6 group 4 + k (2001:43f8:1f0::46 ->
//     2001:43f8:1f0:k::46);
//   - the peer's ASN becomes 4,200,000,000 + 65,536 k + (ASN mod 65,536) (RFC 6996 private
//     use), and every AS path's first ASN, the peer's own, becomes that ASN (prepended when a
//     path does not start with the peer's ASN).
// Copy 0 is the base table unchanged, so registrations on the real sessions see their routes.
// Thread-safety: immutable once built.

#ifndef PFX_BENCH_SCALED_FEED_H_
#define PFX_BENCH_SCALED_FEED_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "feed/mrt_reader.h"
#include "feed/route_attributes.h"

namespace pfx::bench {

// The largest number of copies: IPv4 LAN addresses move by k in the third octet.
inline constexpr int kMaxCopies = 192;
inline constexpr int kIpv4PerIpv6 = 5;

class ScaledFeed {
 public:
  struct Entry {
    uint32_t peer;        // index into peers()
    uint32_t attributes;  // index into attributes(); one set belongs to one peer
  };
  struct Record {
    IpPrefix prefix;
    std::vector<Entry> entries;
  };

  // Reads `rib` (the base table) and `ipv6_sources` (more IPv6 prefixes for the IPv6 set: any
  // MRT file, RIB or updates). Errors: a file that cannot be read or is damaged.
  static absl::StatusOr<ScaledFeed> Build(const std::string& rib,
                                          const std::vector<std::string>& ipv6_sources);

  // Base peers: the RIB's, then the IPv6 twins it lacked.
  const std::vector<MrtPeer>& peers() const { return peers_; }
  const std::vector<RouteAttributes>& attributes() const { return attributes_; }
  // Every prefix of the base table with its entries, in prefix order (IPv4 first).
  const std::vector<Record>& records() const { return records_; }
  size_t route_count() const { return route_count_; }
  size_t ipv6_route_count() const { return ipv6_route_count_; }
  uint32_t timestamp() const { return timestamp_; }
  // The real IPv6 prefixes, then as many derived /48s as the twins needed (see above).
  const std::vector<IpPrefix>& ipv6_set() const { return ipv6_set_; }
  size_t real_ipv6_count() const { return real_ipv6_count_; }
  std::optional<uint32_t> PeerIndex(const IpAddress& address) const;

  // Copy k's version of a base address / ASN / attribute set (k = 0: unchanged).
  // `extra_prepends` prepends the copy's ASN that many more times (background churn).
  IpAddress MapAddress(int copy, const IpAddress& address) const;
  static uint32_t MapAsn(int copy, uint32_t asn);
  MrtPeer MapPeer(int copy, const MrtPeer& peer) const;
  RouteAttributes MapAttributes(int copy, uint32_t base_asn, const RouteAttributes& attributes,
                                int extra_prepends = 0) const;
  // Whether `address` is on a base peer's LAN (MapAddress moves it).
  bool OnPeeringLan(const IpAddress& address) const;

 private:
  ScaledFeed() = default;

  std::vector<MrtPeer> peers_;
  std::vector<RouteAttributes> attributes_;
  std::vector<Record> records_;
  std::vector<IpPrefix> lans_;  // /24s and /64s of the base peers
  std::vector<IpPrefix> ipv6_set_;
  size_t real_ipv6_count_ = 0;
  size_t route_count_ = 0;
  size_t ipv6_route_count_ = 0;
  uint32_t timestamp_ = 0;
};

// The IPv6 set for `real` (distinct, sorted, real prefixes): `real`, then derived /48s up to
// `count` prefixes in all (fewer only if the seeds run out: S x 65,536 derived at most).
std::vector<IpPrefix> Ipv6Set(const std::vector<IpPrefix>& real, size_t count);

}  // namespace pfx::bench

#endif  // PFX_BENCH_SCALED_FEED_H_
