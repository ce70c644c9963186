// File: route_index.h
// -----------------------------------------------------------------------------
// RouteIndex: the in-memory Adj-RIB-In (pre-policy) of every feed session, keyed by
// (session, prefix), filled concurrently by all route sources (MRT files, BMP, injection) and
// read by validation and the Routes API.
//
// A session is (router, peer address). Its state follows the feed: Peer Up / Peer Down
// (SetEstablished), End-of-RIB (MarkInitialTableComplete). A session that goes down keeps
// its routes (the validator treats a down session as advertising nothing; the routes come back
// in view when a new Peer Up replaces them via ResetSession).
//
// Every change is reported to the listeners after the index lock is released, so a listener
// may read the index. Listeners are registered before sources start and never removed.
// Thread-safe: all methods may be called from any thread.

#ifndef PFX_FEED_ROUTE_INDEX_H_
#define PFX_FEED_ROUTE_INDEX_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "feed/route_attributes.h"
#include "validator/ip_prefix.h"

namespace pfx {

struct SessionKey {
  std::string router;
  IpAddress peer;

  std::string ToString() const { return router + "|" + peer.ToString(); }
  friend auto operator<=>(const SessionKey&, const SessionKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const SessionKey& k) {
    return H::combine(std::move(h), k.router, k.peer);
  }
};

struct SessionStatus {
  SessionKey key;
  bool established = false;
  bool initial_table_complete = false;
  uint32_t peer_as = 0;
  size_t route_count = 0;
  absl::Time last_update = absl::InfinitePast();
};

struct Route {
  IpPrefix prefix;
  RouteAttributes attributes;
  absl::Time received;
};

struct RouteChange {
  enum class Kind {
    kAnnounce,
    kWithdraw,
    kSessionUp,
    kSessionDown,
    kInitialTableComplete,
    kSessionReset,  // every route of the session dropped at once (not one kWithdraw each)
  };
  Kind kind;
  SessionKey session;
  IpPrefix prefix;  // for kAnnounce / kWithdraw
};

// Prefixes announced with one attribute set (the NLRI of one UPDATE).
struct SharedRoutes {
  RouteAttributes attributes;
  absl::Time received;
  std::vector<IpPrefix> prefixes;
};

// One source's batch of updates for one session, applied under one lock acquisition:
// withdrawals first, then `announced`, then `announced_shared`.
struct RouteBatch {
  SessionKey session;
  std::vector<Route> announced;
  std::vector<IpPrefix> withdrawn;
  // Interned once per group rather than once per route (a BMP feed's UPDATEs carry many
  // prefixes each: copying and hashing the attributes per route was a fifth of its cost).
  std::vector<SharedRoutes> announced_shared;

  size_t announcement_count() const;
};

class RouteIndex {
 public:
  using Listener = std::function<void(const std::vector<RouteChange>&)>;

  // `clock` times session activity (SettleQuietSessions compares against it).
  explicit RouteIndex(const Clock* clock = &SystemClock()) : clock_(clock) {}
  RouteIndex(const RouteIndex&) = delete;
  RouteIndex& operator=(const RouteIndex&) = delete;

  void AddListener(Listener listener);

  // Creates the session if needed; a session seen for the first time is established with its
  // initial table incomplete.
  void Apply(const RouteBatch& batch);
  void Announce(const SessionKey& session, const Route& route);
  void Withdraw(const SessionKey& session, const IpPrefix& prefix);
  void SetEstablished(const SessionKey& session, bool established, uint32_t peer_as = 0);
  void MarkInitialTableComplete(const SessionKey& session);
  // Drops every route of the session (a router reconnected, or Peer Up after Peer Down) and
  // reports one kSessionReset. Listeners that track what read a session's routes need no
  // per-route withdrawals: a full table cost ~500k of them, a third of a BMP reconnect.
  void ResetSession(const SessionKey& session);
  // For routers that never send End-of-RIB: marks the initial table of every established
  // session that has been quiet for `quiet` as complete (once; a later update does not reopen
  // it). Returns how many sessions settled.
  size_t SettleQuietSessions(absl::Time now, absl::Duration quiet);

  std::optional<Route> Lookup(const SessionKey& session, const IpPrefix& prefix) const;
  std::optional<SessionStatus> GetSession(const SessionKey& session) const;
  std::vector<SessionStatus> Sessions() const;
  // Routes of one session in prefix order, strictly after `after` (nullopt: from the start).
  // `filter` (may be empty) is applied before counting towards `limit`.
  std::vector<Route> ListRoutes(const SessionKey& session, std::optional<IpPrefix> after,
                                size_t limit,
                                const std::function<bool(const Route&)>& filter = {}) const;
  size_t route_count() const;
  size_t attribute_set_count() const;

 private:
  struct Slot {
    AttributeStore::Id attributes;
    uint32_t received_unix;  // seconds: the API shows received_timestamp to the second
  };
  // IPv4 routes are keyed by one 64-bit integer (address << 8 | length), which orders like
  // IpPrefix and halves the per-route footprint of a full table; IPv6 keeps IpPrefix keys.
  struct SessionData {
    SessionStatus status;
    absl::btree_map<uint64_t, Slot> v4;
    absl::btree_map<IpPrefix, Slot> v6;
    size_t size() const { return v4.size() + v6.size(); }
  };
  static uint64_t V4Key(const IpPrefix& prefix);
  static IpPrefix FromV4Key(uint64_t key);

  SessionData& SessionLocked(const SessionKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores `prefix` with the interned set `id`, whose reference the slot takes over.
  void AnnounceLocked(SessionData& s, const IpPrefix& prefix, AttributeStore::Id id,
                      absl::Time received) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool WithdrawLocked(SessionData& s, const IpPrefix& prefix) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Route ToRoute(const IpPrefix& prefix, const Slot& slot) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Notify(const std::vector<RouteChange>& changes);

  const Clock* clock_;
  mutable absl::Mutex mu_;
  AttributeStore attributes_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<SessionKey, SessionData> sessions_ ABSL_GUARDED_BY(mu_);
  size_t route_count_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex listeners_mu_;
  std::vector<Listener> listeners_ ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace pfx

#endif  // PFX_FEED_ROUTE_INDEX_H_
