// File: bmp_replay.h
// -----------------------------------------------------------------------------
// `pfxctl bmp-replay FILE --to HOST:PORT`: plays an MRT file to a BMP station as a router
// would: Initiation, a Peer Up per MRT peer (OPENs with 4-byte AS), a Route Monitoring
// message per RIB entry or per UPDATE, Peer Down/Up for BGP4MP state changes, End-of-RIB per
// peer and family, Termination. The load generator for benchmarks and a demo tool.

#ifndef PFX_CLI_BMP_REPLAY_H_
#define PFX_CLI_BMP_REPLAY_H_

#include <string>

#include "absl/status/statusor.h"

namespace pfx::cli {

struct ReplayStats {
  size_t messages = 0;
  size_t routes = 0;
  size_t bytes = 0;
  double seconds = 0;
};

absl::StatusOr<ReplayStats> BmpReplay(const std::string& mrt_path, const std::string& to);

}  // namespace pfx::cli

#endif  // PFX_CLI_BMP_REPLAY_H_
