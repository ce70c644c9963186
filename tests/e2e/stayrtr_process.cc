#include "tests/e2e/stayrtr_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/gobgpd_process.h"

namespace pfx::testing {
namespace {

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

StayrtrProcess::StayrtrProcess(std::string json_file)
    : json_file_(std::move(json_file)),
      log_(absl::StrCat(json_file_, ".stayrtr.log")),
      port_(FreePort()) {}

StayrtrProcess::~StayrtrProcess() { Kill(); }

std::string StayrtrProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

bool StayrtrProcess::Start() {
  int metrics_port = FreePort();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    FILE* out = freopen(log_.c_str(), "w", stdout);
    (void)out;
    dup2(fileno(stdout), fileno(stderr));
    std::string bind = absl::StrCat("127.0.0.1:", port_);
    std::string metrics = absl::StrCat("127.0.0.1:", metrics_port);
    // -checktime=false: test files carry old generation times. RTR protocol 1 (RFC 8210),
    // the newest RTRlib 0.8 speaks.
    execlp("stayrtr", "stayrtr", "-bind", bind.c_str(), "-cache", json_file_.c_str(),
           "-refresh", "1", "-checktime=false", "-metrics.addr", metrics.c_str(), "-protocol",
           "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (Accepts(port_)) return true;
    usleep(100 * 1000);
  }
  ADD_FAILURE() << "stayrtr did not start (is the stayrtr package installed?)\n" << Log();
  return false;
}

void StayrtrProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string StayrtrProcess::Log() const {
  std::ifstream in(log_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace pfx::testing
