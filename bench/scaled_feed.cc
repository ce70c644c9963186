#include "bench/scaled_feed.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "feed/file_reader.h"
#include "validator/special_purpose_registry.h"

namespace pfx::bench {
namespace {

bool UsableIpv6(const IpPrefix& p) {
  return !p.is_v4() && p.length() > 0 && !SpecialPurposeRegistry::Default().Classify(p).is_private;
}

// Reads the base table: peers, attribute sets interned per peer, entries per prefix, and
// each peer's IPv4 routes in file order (their attributes; the IPv6 twins copy them).
class RibCollector : public MrtVisitor {
 public:
  void OnRibEntry(uint32_t timestamp, const MrtPeer& peer, const IpPrefix& prefix,
                  const RouteAttributes& attributes) override {
    if (timestamp_ == 0) timestamp_ = timestamp;
    uint32_t p = PeerFor(peer);
    Add(p, prefix, Intern(p, attributes));
  }
  void OnUpdate(uint32_t, const MrtPeer&, const BgpUpdate& update) override {
    for (const IpPrefix& prefix : update.announced) {
      if (UsableIpv6(prefix)) real_ipv6_.insert(prefix);
    }
  }
  void OnStateChange(uint32_t, const MrtPeer&, uint16_t, uint16_t) override {}

  uint32_t PeerFor(const MrtPeer& peer) {
    auto [it, inserted] = peer_index_.try_emplace(peer.address, peers_.size());
    if (inserted) {
      peers_.push_back(peer);
      ipv4_routes_.emplace_back();
      ipv6_prefixes_.emplace_back();
    }
    return it->second;
  }

  uint32_t Intern(uint32_t peer, const RouteAttributes& attributes) {
    auto [it, inserted] = interned_.try_emplace(std::make_pair(peer, attributes), 0);
    if (inserted) {
      it->second = static_cast<uint32_t>(attributes_.size());
      attributes_.push_back(attributes);
    }
    return it->second;
  }

  void Add(uint32_t peer, const IpPrefix& prefix, uint32_t attributes) {
    auto [it, inserted] = record_index_.try_emplace(prefix, records_.size());
    if (inserted) records_.push_back({prefix, {}});
    records_[it->second].entries.push_back({peer, attributes});
    ++routes_;
    if (prefix.is_v4()) {
      ipv4_routes_[peer].push_back(attributes);
    } else {
      ++ipv6_routes_;
      ipv6_prefixes_[peer].insert(prefix);
      if (UsableIpv6(prefix)) real_ipv6_.insert(prefix);
    }
  }

  uint32_t timestamp_ = 0;
  std::vector<MrtPeer> peers_;
  absl::flat_hash_map<IpAddress, uint32_t> peer_index_;
  std::vector<RouteAttributes> attributes_;
  absl::flat_hash_map<std::pair<uint32_t, RouteAttributes>, uint32_t> interned_;
  std::vector<ScaledFeed::Record> records_;
  absl::flat_hash_map<IpPrefix, size_t> record_index_;
  std::vector<std::vector<uint32_t>> ipv4_routes_;
  std::vector<absl::flat_hash_set<IpPrefix>> ipv6_prefixes_;
  absl::flat_hash_set<IpPrefix> real_ipv6_;
  size_t routes_ = 0;
  size_t ipv6_routes_ = 0;
};

absl::Status ReadInto(const std::string& path, MrtVisitor& visitor) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  MrtStats stats = ReadMrtStream(**reader, visitor);
  if (stats.damaged()) return absl::DataLossError(absl::StrCat(path, ": ", stats.damage_message));
  return absl::OkStatus();
}

// The twin's address when the RIB has none: the IPv4 address's last octet, in decimal, as the
// interface id on `lan` (a /64): 196.223.14.55 -> 2001:43f8:1f0::55.
IpAddress TwinAddress(const IpPrefix& lan, const IpAddress& ipv4) {
  std::array<uint8_t, 16> bytes = lan.address().bytes();
  uint32_t id = 0;
  (void)absl::SimpleHexAtoi(absl::StrCat(ipv4.bytes()[3]), &id);
  bytes[14] = static_cast<uint8_t>(id >> 8);
  bytes[15] = static_cast<uint8_t>(id);
  return IpAddress::FromBytes(Family::kIpv6, bytes.data());
}

}  // namespace

std::vector<IpPrefix> Ipv6Set(const std::vector<IpPrefix>& real, size_t count) {
  std::vector<IpPrefix> out(real.begin(), real.begin() + std::min(real.size(), count));
  absl::flat_hash_set<IpPrefix> taken(real.begin(), real.end());
  std::vector<IpPrefix> seeds;
  for (const IpPrefix& p : real) {
    if (p.length() >= 16 && p.length() <= 32) seeds.push_back(p);
  }
  for (size_t j = 0; out.size() < count && !seeds.empty(); ++j) {
    size_t n = j / seeds.size();
    if (n > 0xffff) break;
    std::array<uint8_t, 16> bytes = seeds[j % seeds.size()].address().bytes();
    bytes[4] = static_cast<uint8_t>(n >> 8);
    bytes[5] = static_cast<uint8_t>(n);
    IpPrefix derived(IpAddress::FromBytes(Family::kIpv6, bytes.data()), 48);
    if (taken.insert(derived).second) out.push_back(derived);
  }
  return out;
}

absl::StatusOr<ScaledFeed> ScaledFeed::Build(const std::string& rib,
                                             const std::vector<std::string>& ipv6_sources) {
  RibCollector c;
  if (absl::Status s = ReadInto(rib, c); !s.ok()) return s;
  for (const std::string& path : ipv6_sources) {
    if (absl::Status s = ReadInto(path, c); !s.ok()) return s;
  }
  ScaledFeed feed;
  std::vector<IpPrefix> real(c.real_ipv6_.begin(), c.real_ipv6_.end());
  std::sort(real.begin(), real.end());
  feed.real_ipv6_count_ = real.size();

  // The peering LANs, and the twins with the number of IPv6 routes each is to get.
  std::optional<IpPrefix> ipv6_lan;
  for (const MrtPeer& peer : c.peers_) {
    IpPrefix lan(peer.address, peer.address.is_v4() ? 24 : 64);
    if (std::find(feed.lans_.begin(), feed.lans_.end(), lan) == feed.lans_.end()) {
      feed.lans_.push_back(lan);
    }
    if (!peer.address.is_v4() && !ipv6_lan) ipv6_lan = lan;
  }
  if (!ipv6_lan) ipv6_lan = *IpPrefix::Parse("2001:db8::/64");
  struct Twin {
    uint32_t ipv4_peer, twin;
    size_t routes;
  };
  std::vector<Twin> twins;
  size_t set_size = 0;
  const size_t rib_peers = c.peers_.size();
  for (uint32_t p = 0; p < rib_peers; ++p) {
    const MrtPeer peer = c.peers_[p];
    size_t routes = c.ipv4_routes_[p].size() / kIpv4PerIpv6;
    if (!peer.address.is_v4() || routes == 0) continue;
    std::optional<uint32_t> twin;
    for (uint32_t q = 0; q < c.peers_.size() && !twin; ++q) {
      if (!c.peers_[q].address.is_v4() && c.peers_[q].asn == peer.asn) twin = q;
    }
    if (!twin) twin = c.PeerFor({TwinAddress(*ipv6_lan, peer.address), peer.asn});
    twins.push_back({p, *twin, routes});
    set_size = std::max(set_size, routes + c.ipv6_prefixes_[*twin].size());
  }
  for (const Twin& t : twins) {  // a twin made up on a LAN of its own moves with its copy too
    IpPrefix lan(c.peers_[t.twin].address, 64);
    if (std::find(feed.lans_.begin(), feed.lans_.end(), lan) == feed.lans_.end()) {
      feed.lans_.push_back(lan);
    }
  }
  feed.ipv6_set_ = Ipv6Set(real, set_size);
  for (const Twin& t : twins) {
    size_t next = 0;
    for (size_t m = 0; m < t.routes && next < feed.ipv6_set_.size(); ++m) {
      while (next < feed.ipv6_set_.size() &&
             c.ipv6_prefixes_[t.twin].contains(feed.ipv6_set_[next]))
        ++next;
      if (next == feed.ipv6_set_.size()) break;
      RouteAttributes a = c.attributes_[c.ipv4_routes_[t.ipv4_peer][m * kIpv4PerIpv6]];
      a.next_hop = c.peers_[t.twin].address;
      c.Add(t.twin, feed.ipv6_set_[next++], c.Intern(t.twin, a));
    }
  }

  feed.peers_ = std::move(c.peers_);
  feed.attributes_ = std::move(c.attributes_);
  feed.records_ = std::move(c.records_);
  std::sort(feed.records_.begin(), feed.records_.end(),
            [](const Record& a, const Record& b) { return a.prefix < b.prefix; });
  feed.route_count_ = c.routes_;
  feed.ipv6_route_count_ = c.ipv6_routes_;
  feed.timestamp_ = c.timestamp_;
  return feed;
}

std::optional<uint32_t> ScaledFeed::PeerIndex(const IpAddress& address) const {
  for (uint32_t i = 0; i < peers_.size(); ++i) {
    if (peers_[i].address == address) return i;
  }
  return std::nullopt;
}

bool ScaledFeed::OnPeeringLan(const IpAddress& address) const {
  for (const IpPrefix& lan : lans_) {
    if (lan.family() == address.family() && lan.Covers(IpPrefix(address, address.bit_width())))
      return true;
  }
  return false;
}

IpAddress ScaledFeed::MapAddress(int copy, const IpAddress& address) const {
  if (copy == 0 || !OnPeeringLan(address)) return address;
  std::array<uint8_t, 16> bytes = address.bytes();
  if (address.is_v4()) {
    bytes[2] = static_cast<uint8_t>(bytes[2] + copy);
  } else {
    uint16_t group = static_cast<uint16_t>((bytes[6] << 8 | bytes[7]) + copy);
    bytes[6] = static_cast<uint8_t>(group >> 8);
    bytes[7] = static_cast<uint8_t>(group);
  }
  return IpAddress::FromBytes(address.family(), bytes.data());
}

uint32_t ScaledFeed::MapAsn(int copy, uint32_t asn) {
  if (copy == 0) return asn;
  return 4'200'000'000u + 65'536u * static_cast<uint32_t>(copy) + (asn & 0xffff);
}

MrtPeer ScaledFeed::MapPeer(int copy, const MrtPeer& peer) const {
  return {MapAddress(copy, peer.address), MapAsn(copy, peer.asn)};
}

RouteAttributes ScaledFeed::MapAttributes(int copy, uint32_t base_asn,
                                          const RouteAttributes& attributes,
                                          int extra_prepends) const {
  RouteAttributes out = attributes;
  if (copy == 0 && extra_prepends == 0) return out;
  std::vector<AsPathSegment> segments = attributes.as_path.segments();
  const uint32_t asn = MapAsn(copy, base_asn);
  bool starts_with_peer = !segments.empty() && segments[0].type == SegmentType::kSequence &&
                          !segments[0].asns.empty() && segments[0].asns[0] == base_asn;
  if (segments.empty() || segments[0].type != SegmentType::kSequence) {
    segments.insert(segments.begin(), AsPathSegment{SegmentType::kSequence, {}});
  }
  std::vector<uint32_t>& first = segments[0].asns;
  if (starts_with_peer) {
    first[0] = asn;
  } else if (copy != 0) {
    first.insert(first.begin(), asn);
  }
  first.insert(first.begin(), static_cast<size_t>(extra_prepends), asn);
  if (first.empty()) segments.erase(segments.begin());
  out.as_path = AsPath(std::move(segments));
  out.next_hop = MapAddress(copy, attributes.next_hop);
  return out;
}

}  // namespace pfx::bench
