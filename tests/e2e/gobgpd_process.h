// File: gobgpd_process.h
// -----------------------------------------------------------------------------
// Real BGP daemons for end-to-end tests: gobgpd (Debian package) on 127.0.0.0/8 with its own
// config file and gRPC API port, driven with the `gobgp` CLI and stopped by PID.

#ifndef PFX_TESTS_E2E_GOBGPD_PROCESS_H_
#define PFX_TESTS_E2E_GOBGPD_PROCESS_H_

#include <sys/types.h>

#include <string>

namespace pfx::testing {

// A TCP port that was free on 127.0.0.1 a moment ago.
int FreePort();

// The two-daemon topology of the BGP tests: a partner (AS13335 on 127.0.0.2 and 127.0.0.3)
// with two eBGP sessions to an edge (AS8075 on 127.0.0.1 and 127.0.0.4) that exports
// pre-policy BMP to 127.0.0.1:`bmp_port`.
std::string EdgeConfig(int edge_port, int partner_port, int bmp_port);
std::string PartnerConfig(int edge_port, int partner_port);

class GobgpdProcess {
 public:
  // `toml` is the daemon's whole configuration.
  GobgpdProcess(std::string name, std::string toml);
  ~GobgpdProcess();
  bool Start();
  void Kill();  // SIGKILL by PID and reap
  // Runs `gobgp -p <api port> <args>` (bounded by a 10 s timeout); returns its exit code.
  int Cli(const std::string& args, std::string* output = nullptr) const;
  int api_port() const { return api_port_; }

 private:
  std::string name_;
  std::string toml_;
  std::string dir_;
  int api_port_;
  pid_t pid_ = -1;
};

}  // namespace pfx::testing

#endif  // PFX_TESTS_E2E_GOBGPD_PROCESS_H_
