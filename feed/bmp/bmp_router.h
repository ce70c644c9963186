// File: bmp_router.h
// -----------------------------------------------------------------------------
// BmpRouter: what one connected router has told pfxd over BMP, applied to the RouteIndex.
// Feed sessions are (router name, peer address); the peer distinguisher is not part of the
// key (Microsoft's edge routers report partners in the global instance).
//   Peer Up          drops the session's old routes, marks it established, initial table open
//   Route Monitoring pre-policy Adj-RIB-In updates go into the index; End-of-RIB closes the
//                    initial table. Post-policy, Adj-RIB-Out (RFC 8671) and Loc-RIB (RFC 9069)
//                    messages are only counted: they are not what the partner advertised.
//   Peer Down        marks the session down (routes are kept; validation treats a down
//                    session as advertising nothing, and hold-down decides what happens)
//   Termination / disconnect: every session of the router goes down.
// 4-byte AS_PATHs are assumed unless the A flag says "legacy 2-byte" or the Peer Up OPENs did
// not both offer capability 65.
// Announcements are buffered per session and reach the index in batches (one index lock per
// batch instead of per route, like the MRT loader): call Flush() after a burst of messages
// (the listener does after each read); any other kind of message flushes first, so the
// order of changes is kept.
// Not thread-safe: one BmpRouter belongs to one connection's reader.

#ifndef PFX_FEED_BMP_BMP_ROUTER_H_
#define PFX_FEED_BMP_BMP_ROUTER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "feed/bmp/bmp_message.h"
#include "feed/route_index.h"

namespace pfx {

struct BmpRouterStats {
  uint64_t messages = 0;
  uint64_t route_monitoring = 0;
  uint64_t announced = 0;
  uint64_t withdrawn = 0;
  uint64_t end_of_rib = 0;
  uint64_t not_pre_policy = 0;  // post-policy, Adj-RIB-Out, Loc-RIB: counted, not indexed
  uint64_t peer_up = 0;
  uint64_t peer_down = 0;
  uint64_t statistics_reports = 0;
};

class BmpRouter {
 public:
  BmpRouter(std::string name, RouteIndex* index) : name_(std::move(name)), index_(index) {}

  // Applies one message; an UPDATE that does not decode is an error (the connection closes).
  absl::Status Apply(const BmpMessage& message);
  // Hands buffered announcements to the index.
  void Flush();
  // The connection ended (Termination, EOF, error): every session of this router goes down.
  void Disconnected();

  const std::string& name() const { return name_; }
  const std::string& sys_name() const { return sys_name_; }
  const BmpRouterStats& stats() const { return stats_; }

 private:
  struct Peer {
    bool four_byte_as = true;
  };
  SessionKey Key(const BmpPeerHeader& peer) const { return {name_, peer.address}; }
  absl::Status RouteMonitoring(const BmpMessage& m);
  // Hands one session's buffered announcements to the index.
  void FlushSession(RouteBatch& batch);

  static constexpr size_t kBatchSize = 4096;

  std::string name_;
  RouteIndex* index_;
  // Announcements not yet applied, per session (peer address): one group per run of the
  // session's UPDATEs with the same attributes and time. Per session, because a table dump
  // may interleave sessions (a replayed MRT RIB sends a prefix's entries for every peer in a
  // row), and a batch that ended at every change of session would hold one route.
  absl::flat_hash_map<IpAddress, RouteBatch> pending_;
  size_t pending_routes_ = 0;  // prefixes in pending_, every session
  std::string sys_name_;
  absl::flat_hash_map<IpAddress, Peer> peers_;
  BmpRouterStats stats_;
};

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_ROUTER_H_
