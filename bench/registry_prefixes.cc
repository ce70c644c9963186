#include "bench/registry_prefixes.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "bench/scaled_feed.h"
#include "validator/special_purpose_registry.h"

namespace pfx::bench {
namespace {

// The half of `p` one bit longer: the lower (`upper` false) or the upper one.
IpPrefix Half(const IpPrefix& p, bool upper) {
  std::array<uint8_t, 16> bytes = p.address().bytes();
  if (upper) bytes[p.length() / 8] |= static_cast<uint8_t>(0x80 >> (p.length() % 8));
  return IpPrefix(IpAddress::FromBytes(p.family(), bytes.data()), p.length() + 1);
}

}  // namespace

std::vector<IpPrefix> FullTablePrefixes(const RouteIndex& index, const SessionKey& session) {
  std::vector<IpPrefix> out;
  std::optional<SessionStatus> status = index.GetSession(session);
  if (!status) return out;
  for (const Route& r : index.ListRoutes(session, std::nullopt, status->route_count)) {
    if (r.prefix.is_v4() && !SpecialPurposeRegistry::Default().Classify(r.prefix).is_private) {
      out.push_back(r.prefix);
    }
  }
  return out;
}

std::vector<IpPrefix> ProbePrefixes(const std::vector<IpPrefix>& real, size_t k) {
  absl::flat_hash_set<IpPrefix> in_real(real.begin(), real.end());
  std::vector<IpPrefix> out;
  for (auto it = real.rbegin(); it != real.rend() && out.size() < std::min(k, kMaxProbes); ++it) {
    if (!it->is_v4() || it->length() < 8 || it->length() > 23) continue;
    IpPrefix upper = Half(*it, true);
    if (!in_real.contains(upper)) out.push_back(upper);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<IpPrefix> DrawRegistryPrefixes(const std::vector<IpPrefix>& real,
                                           const std::vector<IpPrefix>& ipv6_set, size_t n) {
  std::vector<IpPrefix> probes = ProbePrefixes(real, kMaxProbes);
  absl::flat_hash_set<IpPrefix> taken(probes.begin(), probes.end());
  std::vector<IpPrefix> out;
  out.reserve(n);
  auto add = [&](const IpPrefix& p) {
    if (out.size() < n && taken.insert(p).second) out.push_back(p);
  };
  for (const IpPrefix& p : real) add(p);
  size_t ipv6 = std::min(ipv6_set.size(), real.size() / kIpv4PerIpv6);
  for (size_t i = 0; i < ipv6 && out.size() < n; ++i) add(ipv6_set[i]);
  for (bool upper : {false, true}) {
    for (size_t i = 0; i < real.size() && out.size() < n; ++i) {
      if (real[i].length() < real[i].address().bit_width()) add(Half(real[i], upper));
    }
  }
  return out;
}

}  // namespace pfx::bench
