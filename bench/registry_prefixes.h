// File: registry_prefixes.h
// -----------------------------------------------------------------------------
// Which prefixes the benchmarks register. The JINX full table holds 497k public IPv4
// prefixes; the registry-size curve needs up to 1 M distinct ones, so past the real prefixes
// the list goes on with derived ones. DrawRegistryPrefixes returns the first n of:
//   1. `real`: the public IPv4 prefixes of the full-table session, in prefix order (what
//      `pfx_bench seed` always drew: 100 k is the first 100 k of these);
//   2. the IPv6 set (scaled_feed.h: the real IPv6 prefixes, then derived /48s), up to one
//      per five real IPv4 prefixes, as in the scaled feed;
//   3. the lower half (one bit longer) of each real prefix shorter than /32, in order;
//   4. the upper halves likewise;
// skipping any prefix already drawn and the probe prefixes below. For the JINX table (IPv6
// set from the JINX RIB and RIS rrc06): 497,304 real + 99,460 IPv6 + 403,236 lower halves
// make 1 M.
// ProbePrefixes are kept out of that list for the live-latency case, which registers them
// next to a seeded registry: the upper halves of the last kMaxProbes real prefixes of length
// /8-/23 whose upper half is not itself in `real`, in prefix order.
// Thread-safety: pure functions.

#ifndef PFX_BENCH_REGISTRY_PREFIXES_H_
#define PFX_BENCH_REGISTRY_PREFIXES_H_

#include <vector>

#include "feed/route_index.h"
#include "validator/ip_prefix.h"

namespace pfx::bench {

inline constexpr size_t kMaxProbes = 1000;

// `real` for the functions below: the public IPv4 prefixes of `session`, in prefix order.
std::vector<IpPrefix> FullTablePrefixes(const RouteIndex& index, const SessionKey& session);

std::vector<IpPrefix> ProbePrefixes(const std::vector<IpPrefix>& real, size_t k);

// Fewer than n only when every source above is used up.
std::vector<IpPrefix> DrawRegistryPrefixes(const std::vector<IpPrefix>& real,
                                           const std::vector<IpPrefix>& ipv6_set, size_t n);

}  // namespace pfx::bench

#endif  // PFX_BENCH_REGISTRY_PREFIXES_H_
