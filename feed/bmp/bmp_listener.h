// File: bmp_listener.h
// -----------------------------------------------------------------------------
// BmpListener: pfxd's BMP station. Routers connect over TCP (default port 11019); one thread
// polls the listening socket and every router connection (non-blocking), frames messages
// (bounded: a message over 1 MiB or a malformed one closes that router's connection with a
// logged reason, its sessions go down, other routers are unaffected) and applies them through
// a BmpRouter per connection to the shared RouteIndex.
// A router is named by `router_name(source address)` (config mapping), else by its source
// address.
//
// Abuse (issue 14 §1; docs/bmp.md says what an operator sees). Which connections are let in
// and how long they may stay is decided by the rules in bmp_limits.h: the first message must
// be an Initiation, sent within `initiation_timeout`; a router has one connection, and a new
// one replaces it only once it has been silent for `silence_timeout` (or closed); unknown
// sources are refused when a router list is configured; at most `max_connections`; incomplete
// messages time out; pending bytes across connections have a budget. On top of that:
//   - File descriptors (fd_reserve.h): the station keeps a connection only while the process
//     has descriptors to spare beyond a reserve, so gRPC can always accept. EMFILE/ENFILE on
//     accept drain the backlog with a spare descriptor; if even that fails, the listening
//     socket is left out of poll for 100 ms. Neither spins.
//   - The poll timeout is the nearest deadline, so timeouts fire when due (and a 10 s tick).
//   - A connection is read for at most 1 MiB per wakeup, so one fast router cannot starve
//     the others' timeouts; at most 64 connections are accepted per wakeup.
//   - TCP keepalive (30 s idle, 3 probes 10 s apart) closes connections of routers that died
//     without a FIN, which also frees their slot for the router's next connection.
// Refusals and connections closed before their Initiation are logged through `on_event`
// (reason and source), at most 50 per 10 s plus a count of the rest; events about initiated
// routers are always logged.
// Thread-safe: Start/Stop/Routers/Stats may be called from any thread.

#ifndef PFX_FEED_BMP_BMP_LISTENER_H_
#define PFX_FEED_BMP_BMP_LISTENER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "feed/bmp/bmp_limits.h"
#include "feed/bmp/bmp_router.h"
#include "feed/bmp/fd_reserve.h"
#include "feed/feed_counters.h"
#include "feed/route_index.h"

namespace pfx {

struct BmpListenerOptions {
  std::string address = "127.0.0.1";
  int port = 11019;  // 0 picks a free port
  // Maps a router's source address to its configured name; empty: not configured (the router
  // is then named by its address text).
  std::function<std::string(const IpAddress&)> router_name;
  // A router list is configured: sources router_name does not know are refused unless
  // limits.accept_unknown_routers.
  bool routers_configured = false;
  BmpLimits limits;
  // Connection events (connected, refused, closed with a reason) for the server's log.
  std::function<void(bool error, const std::string&)> on_event;
  // Not owned, outlives the listener: messages by type and decode errors (null: not counted).
  FeedCounters* counters = nullptr;
};

struct BmpRouterInfo {
  std::string name;
  std::string sys_name;
  std::string source;
  bool initiated = false;  // its Initiation has arrived
  BmpRouterStats stats;
};

// Counters since Start, for tests and diagnostics.
struct BmpListenerStats {
  uint64_t accepted = 0;       // connections let in
  uint64_t refused = 0;        // unknown source, live router, no room: closed at once
  uint64_t replaced = 0;       // closed to make room for a newer connection
  uint64_t timed_out = 0;      // no Initiation in time, or an incomplete message stalled
  uint64_t over_budget = 0;    // closed because the pending bytes exceeded the budget
  uint64_t dropped = 0;        // accepted with the spare descriptor and closed (EMFILE)
  uint64_t accept_errors = 0;  // accept failed even so: the listening socket was paused
  uint64_t wakeups = 0;        // poll loop turns: a station that spins shows here
  size_t pending_bytes = 0;    // bytes of incomplete messages held now
};

class BmpListener {
 public:
  static absl::StatusOr<std::unique_ptr<BmpListener>> Start(BmpListenerOptions options,
                                                            RouteIndex* index);
  ~BmpListener();
  void Stop();
  int port() const { return port_; }
  std::vector<BmpRouterInfo> Routers() const;
  BmpListenerStats Stats() const;

 private:
  struct Connection;
  BmpListener(BmpListenerOptions options, RouteIndex* index);
  void Run();
  void Accept(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Handles one accepted descriptor: admission, then keeps or closes it.
  void Admit(int fd, const IpAddress& source, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads what is available (up to 1 MiB); false when the connection must close (reason in
  // *why, *clean for an orderly end).
  bool Read(Connection& c, absl::Time now, std::string* why, bool* clean);
  void Close(size_t i, bool error, const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ExpireAndEnforceBudget(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Time NextDeadline() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<const BmpConnectionState*> States() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Event(bool error, const std::string& text) const;
  // An event anyone can cause by connecting: rate-limited (see the file comment).
  void LimitedEvent(bool error, const std::string& text);

  BmpListenerOptions options_;
  RouteIndex* index_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  // Listener thread only (created in Start before the thread runs).
  std::optional<FdReserve> fds_;
  absl::Time listen_paused_until_ = absl::InfinitePast();
  BmpEventLimiter limiter_{50, absl::Seconds(10)};
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  BmpListenerStats stats_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stopping_{false};
};

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_LISTENER_H_
