// File: rib_writer.h
// -----------------------------------------------------------------------------
// Writes N copies of a ScaledFeed (scaled_feed.h) as one MRT TABLE_DUMP_V2 RIB (RFC 6396),
// laid out as a collector writes a real one: a PEER_INDEX_TABLE of the N x P sessions, then one
// RIB_IPV4_UNICAST / RIB_IPV6_UNICAST record per prefix holding every session's entry for it,
// in prefix order. Attributes are ORIGIN, AS_PATH (4-byte ASNs), NEXT_HOP or the abbreviated
// MP_REACH_NLRI of RIB entries, and COMMUNITIES: what pfxd's decoder reads (bgpdump reads it
// too). Each attribute set is encoded once, twice over: as it is (copy 0) and as a template
// whose first ASN and next hop are patched per copy, so writing costs little more than the
// bytes.
// The output is plain (uncompressed) MRT: a file, or "-" for stdout, streamed through a
// fixed buffer.

#ifndef PFX_BENCH_RIB_WRITER_H_
#define PFX_BENCH_RIB_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bench/scaled_feed.h"

namespace pfx::bench {

struct ScaledRibStats {
  size_t sessions = 0;
  size_t routes = 0;  // (session, prefix) entries written
  size_t ipv6_routes = 0;
  size_t records = 0;
  uint64_t bytes = 0;
};

// Errors: `copies` outside 1..kMaxCopies, a record with more than 65,535 entries, or a write
// that fails (the message names the path and errno).
absl::StatusOr<ScaledRibStats> WriteScaledRib(const ScaledFeed& feed, int copies,
                                              const std::string& path);

}  // namespace pfx::bench

#endif  // PFX_BENCH_RIB_WRITER_H_
