#include "feed/bmp/fd_reserve.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace pfx {
namespace {

constexpr absl::Duration kRescanEvery = absl::Seconds(1);
constexpr absl::Duration kRescanBeforeRefusing = absl::Milliseconds(100);

int SoftLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY || r.rlim_cur > INT_MAX) {
    return INT_MAX;
  }
  return static_cast<int>(r.rlim_cur);
}

}  // namespace

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory's own descriptor
}

FdReserve::FdReserve(int reserve) : requested_reserve_(reserve) {
  RestoreSpare();
  Rescan(absl::InfinitePast());
}

FdReserve::~FdReserve() {
  if (spare_ >= 0) close(spare_);
}

void FdReserve::Rescan(absl::Time now) {
  limit_ = SoftLimit();
  reserve_ = requested_reserve_ >= 0 ? requested_reserve_ : std::max(64, limit_ / 4);
  int n = CountOpenFds();
  if (n >= 0) {
    counted_ = n;
    delta_ = 0;
  } else if (errno == EMFILE || errno == ENFILE) {
    counted_ = limit_;  // not even one more descriptor for the scan: certainly no room
    delta_ = 0;
  }  // else no /proc: keep the station's own count
  scanned_ = now;
}

bool FdReserve::HasRoom(absl::Time now) {
  if (now - scanned_ >= kRescanEvery) Rescan(now);
  if (open_estimate() <= limit_ - reserve_) return true;
  if (now - scanned_ >= kRescanBeforeRefusing) Rescan(now);
  return open_estimate() <= limit_ - reserve_;
}

bool FdReserve::ReleaseSpare() {
  if (spare_ < 0) return false;
  close(spare_);
  spare_ = -1;
  return true;
}

bool FdReserve::RestoreSpare() {
  if (spare_ < 0) spare_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return spare_ >= 0;
}

}  // namespace pfx
