#include "tests/e2e/gobgpd_process.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/e2e/pfxd_process.h"

namespace pfx::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

namespace {

std::string Neighbors(int peer_as, int remote_port,
                      std::initializer_list<std::pair<const char*, const char*>> peer_and_local) {
  std::string out;
  for (auto [peer, local] : peer_and_local) {
    absl::StrAppendFormat(&out,
                          "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"%s\"\n"
                          "    peer-as = %d\n  [neighbors.transport.config]\n"
                          "    local-address = \"%s\"\n    remote-port = %d\n",
                          peer, peer_as, local, remote_port);
  }
  return out;
}

}  // namespace

std::string EdgeConfig(int edge_port, int partner_port, int bmp_port) {
  return absl::StrFormat(
      "[global.config]\n  as = 8075\n  router-id = \"10.255.0.1\"\n  port = %d\n"
      "  local-address-list = [\"127.0.0.1\", \"127.0.0.4\"]\n%s"
      "[[bmp-servers]]\n  [bmp-servers.config]\n    address = \"127.0.0.1\"\n    port = %d\n"
      "    route-monitoring-policy = \"pre-policy\"\n",
      edge_port,
      Neighbors(13335, partner_port, {{"127.0.0.2", "127.0.0.1"}, {"127.0.0.3", "127.0.0.4"}}),
      bmp_port);
}

std::string PartnerConfig(int edge_port, int partner_port) {
  return absl::StrFormat(
      "[global.config]\n  as = 13335\n  router-id = \"10.255.0.2\"\n  port = %d\n"
      "  local-address-list = [\"127.0.0.2\", \"127.0.0.3\"]\n%s",
      partner_port,
      Neighbors(8075, edge_port, {{"127.0.0.1", "127.0.0.2"}, {"127.0.0.4", "127.0.0.3"}}));
}

GobgpdProcess::GobgpdProcess(std::string name, std::string toml)
    : name_(std::move(name)), toml_(std::move(toml)), api_port_(FreePort()) {
  dir_ = absl::StrCat(::testing::TempDir(), "/gobgpd_", getpid(), "_", name_);
  std::filesystem::create_directories(dir_);
}

GobgpdProcess::~GobgpdProcess() {
  Kill();
  std::filesystem::remove_all(dir_);
}

bool GobgpdProcess::Start() {
  std::string config = dir_ + "/gobgpd.toml";
  std::ofstream(config) << toml_;
  std::string log = dir_ + "/gobgpd.log";
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process even if the test itself is killed (e.g. by a ctest timeout).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    FILE* out = freopen(log.c_str(), "w", stdout);
    (void)out;
    dup2(fileno(stdout), fileno(stderr));
    std::string api = absl::StrCat("127.0.0.1:", api_port_);
    execlp("gobgpd", "gobgpd", "-f", config.c_str(), "-l", "warn", "--api-hosts", api.c_str(),
           "--pprof-disable", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Up once its API answers.
  for (int i = 0; i < 100; ++i) {
    if (Cli("global") == 0) return true;
    usleep(100 * 1000);
  }
  ADD_FAILURE() << "gobgpd " << name_ << " did not start (is the gobgpd package installed?)";
  return false;
}

void GobgpdProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int GobgpdProcess::Cli(const std::string& args, std::string* output) const {
  CommandResult r = RunCommand(absl::StrCat("timeout 10 gobgp -p ", api_port_, " ", args, " 2>&1"));
  if (output != nullptr) *output = std::move(r.output);
  return r.exit_code;
}

}  // namespace pfx::testing
