// File: bmp_socket.h
// -----------------------------------------------------------------------------
// A test's side of a BMP connection: send bytes (whole messages, or the start of one), and
// tell whether the station closed it. The station never writes to a router, so a readable
// socket means closed (EOF or reset). Plus the per-peer header the tests' messages use and a
// scoped lower fd limit. For the station's unit tests and the e2e abuse tests.

#ifndef PFX_TESTS_COMMON_BMP_SOCKET_H_
#define PFX_TESTS_COMMON_BMP_SOCKET_H_

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "feed/bmp/bmp_message.h"
#include "gtest/gtest.h"

namespace pfx {

inline void Send(int fd, const std::string& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

// True once the station has closed `fd`, waiting up to `timeout`.
inline bool ClosedWithin(int fd, absl::Duration timeout) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) return false;
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}
inline bool Closed(int fd, absl::Duration timeout = absl::Seconds(10)) {
  return ClosedWithin(fd, timeout);
}
inline bool Open(int fd) { return !ClosedWithin(fd, absl::ZeroDuration()); }

// The first `sent` bytes of a message that declares `declared` bytes.
inline std::string Partial(size_t declared, size_t sent) {
  std::string out = {
      3, char(declared >> 24), char(declared >> 16), char(declared >> 8), char(declared),
      1 /* Statistics Report */};
  out.resize(sent, '\0');
  return out;
}

// Lowers the soft RLIMIT_NOFILE for one test and restores it.
class SoftFdLimit {
 public:
  explicit SoftFdLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit r = saved_;
    r.rlim_cur = soft;
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
  }
  ~SoftFdLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

inline BmpPeerHeader Peer(const char* address, uint32_t asn) {
  BmpPeerHeader p;
  p.address = *IpAddress::Parse(address);
  p.asn = asn;
  p.bgp_id = 0x0A0A0A0A;
  p.timestamp_seconds = 1700000000;
  return p;
}

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_BMP_SOCKET_H_
