// File: rtr_client.h
// -----------------------------------------------------------------------------
// RtrClient: the validated ROA payloads of one RPKI-to-Router cache (RFC 8210; stayrtr,
// Routinator, rpki-client's rtr server), fetched and kept in sync by RTRlib (Debian
// librtr-dev): RTRlib speaks the protocol (reset and serial queries, notify, retry, expiry);
// this class mirrors the cache's VRP set and hands a copy of the whole set to `on_change`
// each time it changed, once the updates have paused for kSettle (a cache answers a query
// with a burst of records; the store rebuilds its index once per burst, not per record),
// with `in_sync`: whether RTRlib holds the cache's complete, unexpired set (it is called
// again when only that answer changes).
// When the cache is unreachable RTRlib retries every retry interval; VRPs already received
// stay until the expire interval passes without a refresh, then RTRlib withdraws them (and
// `on_change` sees the emptier set, not in sync).
// Thread-safe; `on_change` runs on the client's own thread, never concurrently with itself.

#ifndef PFX_FEED_RTR_CLIENT_H_
#define PFX_FEED_RTR_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "validator/vrp_index.h"

namespace pfx {

struct RtrClientOptions {
  std::string host;  // the cache, e.g. "127.0.0.1"
  std::string port;  // e.g. "8282"
  int refresh_seconds = 300;  // serial query interval (RTRlib: 1..86400)
  int retry_seconds = 30;     // after a failed query (1..7200)
  int expire_seconds = 3600;  // keep VRPs this long without a refresh (600..172800)
};

class RtrClient {
 public:
  static constexpr absl::Duration kSettle = absl::Milliseconds(200);

  // Starts the connection (asynchronously: an unreachable cache is not an error here, RTRlib
  // keeps retrying). Errors: options RTRlib refuses (intervals out of range).
  static absl::StatusOr<std::unique_ptr<RtrClient>> Start(
      RtrClientOptions options, std::function<void(std::vector<Vrp>, bool in_sync)> on_change);
  ~RtrClient();  // closes the connection and joins the thread

  std::string endpoint() const;  // "127.0.0.1:8282"
  // True once the cache's whole set has been received and not expired since.
  bool in_sync() const;

  class Impl;

 private:
  explicit RtrClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pfx

#endif  // PFX_FEED_RTR_CLIENT_H_
