// File: stayrtr_process.h
// -----------------------------------------------------------------------------
// A real RTR cache for end-to-end tests: stayrtr (Debian package) on 127.0.0.1, serving the
// VRPs of an rpki-client JSON file it re-reads every second (rewrite the file and stayrtr
// sends its clients a Serial Notify). Killed with the test process.

#ifndef PFX_TESTS_E2E_STAYRTR_PROCESS_H_
#define PFX_TESTS_E2E_STAYRTR_PROCESS_H_

#include <sys/types.h>

#include <string>

namespace pfx::testing {

class StayrtrProcess {
 public:
  explicit StayrtrProcess(std::string json_file);
  ~StayrtrProcess();
  bool Start();  // true once the RTR port accepts connections
  void Kill();
  int port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"
  std::string Log() const;

 private:
  std::string json_file_;
  std::string log_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace pfx::testing

#endif  // PFX_TESTS_E2E_STAYRTR_PROCESS_H_
