// File: bmp_background.h
// -----------------------------------------------------------------------------
// The live-latency case's background load (issue 11): a real update stream replayed over BMP,
// paced at a target rate, onto the sessions of the scaled feed (scaled_feed.h) that pfxd
// already holds.
//
// The stream is an MRT updates file (compare.sh: the RouteViews JINX updates, 15 minutes,
// almost all from 196.223.14.55: 644 Route Monitoring messages a pass, announcing or
// withdrawing 1,354 prefixes). It is replayed in passes: pass r goes
// to copy r mod N of every peer (its address, ASN and paths as in the scaled feed), and every
// other round of N passes prepends the copy's ASN once more, so that each announcement changes
// the route it replaces (a path change) rather than repeating it. No Peer Up is sent for these
// sessions (that would reset their tables): Route Monitoring alone updates them in place.
// Each UPDATE of the file becomes one Route Monitoring message per address family, as in
// `pfxctl bmp-replay`; the rate counts those messages (BGP UPDATEs per second).
//
// BmpConnection is one router's BMP connection: writes from several threads are serialized,
// so the probe's announcements interleave with the background, as on a real router.
// Thread-safety: BmpConnection::Send is thread-safe; BackgroundStream runs its own thread.

#ifndef PFX_BENCH_BMP_BACKGROUND_H_
#define PFX_BENCH_BMP_BACKGROUND_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/scaled_feed.h"

namespace pfx::bench {

class BmpConnection {
 public:
  // Connects to HOST:PORT and sends the Initiation.
  static absl::StatusOr<std::unique_ptr<BmpConnection>> Open(const std::string& to);
  ~BmpConnection();

  absl::Status Send(absl::string_view bytes);

 private:
  explicit BmpConnection(int fd) : fd_(fd) {}
  absl::Mutex mu_;
  int fd_;
};

struct BackgroundStats {
  uint64_t updates = 0;   // Route Monitoring messages (one BGP UPDATE each)
  uint64_t prefixes = 0;  // announced + withdrawn prefixes in them
  double seconds = 0;
  absl::Status error;
};

class BackgroundStream {
 public:
  // Encodes `copies` x 2 passes of `updates_file`. Errors: the file cannot be read.
  static absl::StatusOr<std::unique_ptr<BackgroundStream>> Create(const ScaledFeed& feed,
                                                                  int copies,
                                                                  const std::string& updates_file);
  ~BackgroundStream();

  // Sends `rate` UPDATEs per second on `connection` until Stop().
  void Start(BmpConnection* connection, double rate);
  BackgroundStats Stop();
  size_t updates_per_pass() const { return messages_.size() / passes_; }

 private:
  BackgroundStream() = default;
  void Run(BmpConnection* connection, double rate);

  struct Message {
    size_t end;  // offset in bytes_ just past it
    uint32_t prefixes;
  };
  std::string bytes_;              // every pass, one after another
  std::vector<Message> messages_;  // in sending order
  size_t passes_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  BackgroundStats stats_;
};

}  // namespace pfx::bench

#endif  // PFX_BENCH_BMP_BACKGROUND_H_
