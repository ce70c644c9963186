// File: bmp_listener.h
// -----------------------------------------------------------------------------
// BmpListener: pfxd's BMP station. Routers connect over TCP (default port 11019); one thread
// polls the listening socket and every router connection (non-blocking), frames messages
// (bounded: a message over 1 MiB or a malformed one closes that router's connection with a
// logged reason, its sessions go down, other routers are unaffected) and applies them through
// a BmpRouter per connection to the shared RouteIndex.
// A router is named by `router_name(source address)` (config mapping), else by its source
// address. A router that reconnects replaces its previous connection: the old one is closed
// and its sessions re-learn their tables after Peer Up.
// Thread-safe: Start/Stop/Routers may be called from any thread.

#ifndef PFX_FEED_BMP_BMP_LISTENER_H_
#define PFX_FEED_BMP_BMP_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "feed/bmp/bmp_router.h"
#include "feed/route_index.h"

namespace pfx {

struct BmpListenerOptions {
  std::string address = "127.0.0.1";
  int port = 11019;  // 0 picks a free port
  // Maps a router's source address to its name; empty result: use the address text.
  std::function<std::string(const IpAddress&)> router_name;
  // Connection events (connected, closed with a reason) for the server's log.
  std::function<void(bool error, const std::string&)> on_event;
};

struct BmpRouterInfo {
  std::string name;
  std::string sys_name;
  std::string source;
  BmpRouterStats stats;
};

class BmpListener {
 public:
  static absl::StatusOr<std::unique_ptr<BmpListener>> Start(BmpListenerOptions options,
                                                            RouteIndex* index);
  ~BmpListener();
  void Stop();
  int port() const { return port_; }
  std::vector<BmpRouterInfo> Routers() const;

 private:
  struct Connection;
  BmpListener(BmpListenerOptions options, RouteIndex* index);
  void Run();
  void Accept();
  // Reads what is available; false when the connection must close (reason in *why).
  bool Read(Connection& c, std::string* why);
  void Close(size_t i, bool error, const std::string& why);
  void Event(bool error, const std::string& text) const;

  BmpListenerOptions options_;
  RouteIndex* index_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  bool stopping_ = false;
};

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_LISTENER_H_
