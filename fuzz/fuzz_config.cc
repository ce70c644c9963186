// libFuzzer target: the config parser (server/config.h): text-format pfx.v1.ServerConfig
// read from a file (an in-memory one here), then defaults and validation as pfxd start-up
// runs them. Oracle: no crash or sanitizer report; a config that validates keeps validating
// after FillDefaults runs again (defaults never make a valid config invalid).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("pfxd-config", 0);
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  absl::StatusOr<pfx::v1::ServerConfig> config =
      pfx::LoadConfig("/proc/self/fd/" + std::to_string(fd));
  if (!config.ok()) return 0;
  pfx::FillDefaults(*config);
  if (!pfx::ValidateConfig(*config).ok()) return 0;
  pfx::FillDefaults(*config);
  if (!pfx::ValidateConfig(*config).ok()) std::abort();
  return 0;
}
