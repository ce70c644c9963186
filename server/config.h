// File: config.h
// -----------------------------------------------------------------------------
// pfxd configuration: a text-format pfx.v1.ServerConfig file (--config) with defaults filled
// in, then command-line flags on top. See docs/configuration.md for every field.

#ifndef PFX_SERVER_CONFIG_H_
#define PFX_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "pfx/v1/config.pb.h"

namespace pfx {

// Reads `path` (empty: no file) and fills defaults for unset fields.
absl::StatusOr<v1::ServerConfig> LoadConfig(const std::string& path);
void FillDefaults(v1::ServerConfig& config);

}  // namespace pfx

#endif  // PFX_SERVER_CONFIG_H_
