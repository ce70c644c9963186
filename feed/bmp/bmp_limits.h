// File: bmp_limits.h
// -----------------------------------------------------------------------------
// The rules that decide which connections pfxd's BMP station keeps (issue 14 §1): pure
// functions over what the station knows of each connection, so every case is a table row in
// tests/feed/bmp_listener_test.cc; the listener (bmp_listener.h) only applies them.
//
// Admission of a new connection, in this order:
//   1. Unknown source. With a router list configured (`bmp_routers`), a source address not on
//      it is refused, unless `accept_unknown_routers` (labs). Without a list everyone is let in
//      and named by their address, as before.
//   2. Same router. A router has at most one connection. An open one that has not sent its
//      Initiation yet holds nothing and is replaced by the newcomer; one that has is replaced
//      only after `silence_timeout` without a byte from it, else the newcomer is refused. So
//      whoever can connect from a router's address can no longer evict a live router; the
//      price is that a router whose old connection is still open (its host died without a
//      FIN) waits until that one is silent, closed by TCP keepalive, or timed out.
//   3. Room. At `max_connections`, or when the process has no file descriptor to spare (see
//      fd_reserve.h), the oldest connection that has not sent its Initiation is replaced; if
//      every connection is an initiated router, the newcomer is refused. Idle connections can
//      therefore never keep a router out: routers send their Initiation at once (RFC 7854
//      §4.3), so they stay in that replaceable state for one round trip at most.
// Then, while it is open, a connection is closed when:
//   - it has not completed a valid Initiation `initiation_timeout` after it was accepted;
//   - bytes of an incomplete message have been pending for `incomplete_message_timeout`
//     (measured from the arrival of the oldest pending byte, so a trickle does not reset it);
//   - the bytes pending across all connections exceed `buffer_budget_bytes`: the connection
//     holding the most pending bytes is closed (repeatedly, until the total fits) — one that
//     has not sent its Initiation first, so strangers cannot use the budget against a router.
//     (Before its Initiation a connection holds at most kMaxInitiationBytes anyway: the
//     listener closes it once a header announces another type or a longer message.)
// Times are monotonic instants (absl::Time used as a point on a steady clock).
// Thread-safe: pure functions; BmpEventLimiter is not thread-safe (one per listener thread).

#ifndef PFX_FEED_BMP_BMP_LIMITS_H_
#define PFX_FEED_BMP_BMP_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace pfx {

// The station's limits. pfxd sets every field from its configuration (docs/configuration.md;
// server/config.h holds pfxd's defaults); the values here serve tests and embedders.
// The largest first message a connection may announce: an Initiation carries a few strings
// (sysName, sysDescr), far below this.
inline constexpr size_t kMaxInitiationBytes = 64 << 10;

struct BmpLimits {
  size_t max_connections = 256;
  absl::Duration initiation_timeout = absl::Seconds(5);
  absl::Duration incomplete_message_timeout = absl::Seconds(30);
  size_t buffer_budget_bytes = size_t{64} << 20;
  absl::Duration silence_timeout = absl::Seconds(90);
  // Matters only when a router list is configured: let unknown sources in anyway (labs).
  bool accept_unknown_routers = false;
  // File descriptors the station leaves to the rest of the process; -1: max(64, limit / 4).
  int fd_reserve = -1;
};

// What the rules need to know about one open connection.
struct BmpConnectionState {
  std::string router;      // configured name, else the source address
  std::string source;      // source address, for messages
  absl::Time accepted;     // when it was accepted
  absl::Time last_data;    // when its last byte arrived (`accepted` before the first)
  bool initiated = false;  // a valid Initiation arrived (the first message must be one)
  size_t pending = 0;      // bytes of an incomplete message held in its buffer
  absl::Time pending_since = absl::InfiniteFuture();  // when the oldest of them arrived
};

struct BmpAdmission {
  enum class Kind { kAccept, kRefuse, kReplace };
  Kind kind = Kind::kAccept;
  size_t replace = 0;  // kReplace: the index (in `open`) of the connection to close first
  // kRefuse because of a live connection of the same router: its index. The listener reads
  // that connection once more before refusing (it may have closed a moment ago).
  std::optional<size_t> conflict;
  std::string reason;  // kRefuse, kReplace: why, for the log
};

// The decision for a new connection from `source`, named `router` (`known`: on the configured
// list; `routers_configured`: the list is not empty), given the open connections and whether
// the process has a file descriptor to spare for it (`fd_room`).
BmpAdmission AdmitBmpConnection(const BmpLimits& limits, bool routers_configured, bool known,
                                const std::string& router, const std::string& source,
                                absl::Span<const BmpConnectionState* const> open, bool fd_room,
                                absl::Time now);

// Why `c` must be closed at `now` (initiation or incomplete-message timeout), empty if not.
std::string BmpConnectionExpired(const BmpLimits& limits, const BmpConnectionState& c,
                                 absl::Time now);

// The earliest instant at which BmpConnectionExpired may say "close"; InfiniteFuture if never.
absl::Time BmpConnectionDeadline(const BmpLimits& limits, const BmpConnectionState& c);

// When the pending bytes of `open` exceed the budget: the index of the connection to close —
// of those without an Initiation that hold pending bytes the one holding the most, else the one
// holding the most (the first of equals) — and the total in `*total`.
std::optional<size_t> BmpOverBudget(const BmpLimits& limits,
                                    absl::Span<const BmpConnectionState* const> open,
                                    size_t* total);

// Keeps a flood from flooding the log: at most `burst` events per `window`; the rest are
// counted and summarized once the window is over ("... 912 more suppressed"). Used for what
// anyone who can open a TCP connection can cause (refusals, connections closed before their
// Initiation); events about initiated routers are always logged.
class BmpEventLimiter {
 public:
  BmpEventLimiter(int burst, absl::Duration window) : burst_(burst), window_(window) {}
  // True when the event may be logged now; false when it is counted as suppressed.
  bool Allow(absl::Time now);
  // Once a window with suppressed events is over: the line that counts them (once).
  std::optional<std::string> Summary(absl::Time now);
  // When Summary will have something to say; InfiniteFuture if nothing is suppressed.
  absl::Time SummaryDue() const;

 private:
  void Roll(absl::Time now);  // starts a new window once the current one is over

  int burst_;
  absl::Duration window_;
  absl::Time window_start_ = absl::InfinitePast();
  int in_window_ = 0;
  uint64_t suppressed_ = 0;           // in the current window
  uint64_t unreported_ = 0;           // suppressed in a finished window, not yet summarized
  absl::Duration unreported_window_;  // that window's length
};

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_LIMITS_H_
