// File: pfxd_process.h
// -----------------------------------------------------------------------------
// Test harness for end-to-end tests: starts the real pfxd binary on 127.0.0.1 with a free
// port (port 0 + --port_file) and a temporary RocksDB directory, hands out gRPC stubs, and
// stops the process by PID (SIGTERM, or SIGKILL to simulate a crash). Waits are bounded
// polls on conditions, never fixed sleeps. Before Start, a test may cap the child's file
// descriptors (RLIMIT_NOFILE, set between fork and exec) and send its stderr to a file.

#ifndef PFX_TESTS_E2E_PFXD_PROCESS_H_
#define PFX_TESTS_E2E_PFXD_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/peering_service.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"
#include "pfx/v1/routes.grpc.pb.h"
#include "pfx/v1/validation.grpc.pb.h"

namespace pfx::testing {

class PfxdProcess {
 public:
  // `data_dir` empty: a fresh temporary directory (removed by the destructor).
  explicit PfxdProcess(std::vector<std::string> extra_args, std::string data_dir = "");
  ~PfxdProcess();

  // Before Start: the child's RLIMIT_NOFILE, soft = hard = `n`, so pfxd cannot raise it.
  void set_fd_limit(int n) { fd_limit_ = n; }
  // Before Start: pfxd's stderr goes to a file, read back with Log(), instead of the test's.
  void set_capture_log(bool on) { capture_log_ = on; }
  // Before Start: the credentials of the stubs below (default plaintext), e.g. TLS with a
  // client certificate for a pfxd started with tls { }.
  void set_channel_credentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    credentials_ = std::move(credentials);
  }
  // A new channel to the running pfxd with `credentials`, on a connection of its own.
  std::shared_ptr<grpc::Channel> NewChannel(
      std::shared_ptr<grpc::ChannelCredentials> credentials) const;
  // What pfxd has logged so far (with set_capture_log), else "".
  std::string Log() const;
  // pfxd's open file descriptors (/proc/PID/fd), -1 if unreadable.
  int OpenFdCount() const;

  // Starts pfxd and waits until it serves; returns false (with a reason logged) on timeout.
  bool Start();
  void Stop();  // SIGTERM, waits for exit
  void Kill();  // SIGKILL, waits for exit
  const std::string& data_dir() const { return data_dir_; }
  std::string address() const;
  int bmp_port() const { return bmp_port_; }
  pid_t pid() const { return pid_; }
  // The process's thread count (/proc/PID/status), -1 if unreadable.
  int ThreadCount() const;

  v1::Peerings::Stub& peerings() { return *peerings_; }
  v1::Registrations::Stub& registrations() { return *registrations_; }
  v1::PeeringServices::Stub& services() { return *services_; }
  v1::Validation::Stub& validation() { return *validation_; }
  v1::Routes::Stub& routes() { return *routes_; }
  v1::RouteInjection::Stub& injection() { return *injection_; }

 private:
  void CloseChannel();

  std::vector<std::string> args_;
  std::string data_dir_;
  bool owns_data_dir_ = false;
  std::string work_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int bmp_port_ = 0;
  int fd_limit_ = 0;  // 0: inherited
  bool capture_log_ = false;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Peerings::Stub> peerings_;
  std::unique_ptr<v1::Registrations::Stub> registrations_;
  std::unique_ptr<v1::PeeringServices::Stub> services_;
  std::unique_ptr<v1::Validation::Stub> validation_;
  std::unique_ptr<v1::Routes::Stub> routes_;
  std::unique_ptr<v1::RouteInjection::Stub> injection_;
};

// Polls `condition` every 50 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(20));

// A client context with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Ctx();

// Writes `text` to a fresh file in the test's temp dir and returns its path.
std::string WriteTempFile(const std::string& name, const std::string& text);
// The whole of the file at `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Runs a shell command to completion; its exit code (-1: killed by a signal) and what it
// wrote to stdout (add "2>&1" to the command for stderr too).
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult RunCommand(const std::string& command);

}  // namespace pfx::testing

#endif  // PFX_TESTS_E2E_PFXD_PROCESS_H_
