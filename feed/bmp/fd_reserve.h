// File: fd_reserve.h
// -----------------------------------------------------------------------------
// FdReserve: keeps the BMP station off the file descriptors the rest of pfxd needs (gRPC's
// acceptor and its connections, RocksDB's files), so that no number of BMP connections can
// make gRPC's accept fail with "Too many open files" (issue 14 §1).
//
// The rule: the station keeps a new connection only while the process's open descriptors,
// that one included, stay at or below (RLIMIT_NOFILE soft limit - reserve); the reserve is
// max(64, limit / 4) unless given. The admission rules (bmp_limits.h) treat "no room" like
// a full station.
//
// Counting. Other threads open and close descriptors without telling the station, so the
// count comes from /proc/self/fd; a scan costs a syscall per descriptor, too much for every
// accept of a flood. The estimate is the last scan plus the station's own opens and closes
// since; it is rescanned when a second old, and before saying "no room" when 100 ms old, so a
// refusal is never based on a stale count for long. What others opened since the last scan
// (at most a second of it) comes out of the reserve. Without /proc the station's own count is
// all there is (the reserve then only covers what was open at start-up plus the margin).
//
// The spare descriptor: the classic answer to EMFILE on accept. One descriptor (/dev/null) is
// held open; when accept fails with EMFILE/ENFILE the listener releases it, accepts the
// pending connection, closes that at once and takes the spare back. The backlog drains, so
// poll does not report the listening socket readable forever (the 100 % spin of old). If the
// spare cannot be taken back (another thread got there first), the listener stops polling the
// listening socket for a moment instead (bmp_listener.cc).
// Not thread-safe: owned by the listener thread (and Start/Stop around it).

#ifndef PFX_FEED_BMP_FD_RESERVE_H_
#define PFX_FEED_BMP_FD_RESERVE_H_

#include <cstddef>

#include "absl/time/time.h"

namespace pfx {

// Open descriptors of this process (/proc/self/fd), or -1 when it cannot be read.
int CountOpenFds();

class FdReserve {
 public:
  // `reserve` < 0: max(64, soft limit / 4). Opens the spare descriptor.
  explicit FdReserve(int reserve);
  ~FdReserve();
  FdReserve(const FdReserve&) = delete;
  FdReserve& operator=(const FdReserve&) = delete;

  // The station kept (Opened) or closed (Closed) a descriptor since the last scan.
  void Opened() { ++delta_; }
  void Closed() { --delta_; }
  // Whether the process's open descriptors (counting every one the station reported with
  // Opened, including the one just accepted) are within soft limit - reserve. `now` is
  // monotonic; it paces the /proc scans.
  bool HasRoom(absl::Time now);

  // EMFILE handling (see the file comment). ReleaseSpare is false when no spare is held.
  bool ReleaseSpare();
  // Takes the spare back; false while it cannot be reopened (call again later).
  bool RestoreSpare();
  bool has_spare() const { return spare_ >= 0; }

  int limit() const { return limit_; }
  int reserve() const { return reserve_; }
  int open_estimate() const { return counted_ + delta_; }

 private:
  void Rescan(absl::Time now);

  int requested_reserve_;
  int limit_ = 0;
  int reserve_ = 0;
  int counted_ = 0;  // open descriptors at the last scan
  int delta_ = 0;    // the station's opens minus closes since then
  absl::Time scanned_ = absl::InfinitePast();
  int spare_ = -1;
};

}  // namespace pfx

#endif  // PFX_FEED_BMP_FD_RESERVE_H_
