// File: config.h
// -----------------------------------------------------------------------------
// pfxd configuration: a text-format pfx.v1.ServerConfig file (--config), then command-line
// flags on top (a flag overrides the field it names only when given), then defaults for
// what is still unset, then one validation pass over everything: ValidateConfig refuses a
// configuration naming the field and the rule, before pfxd opens a file or a socket.
// docs/configuration.md lists every field; the defaults below are the only copy of them.

#ifndef PFX_SERVER_CONFIG_H_
#define PFX_SERVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pfx/v1/config.pb.h"
#include "storage/database.h"
#include "storage/key_sealer.h"

namespace pfx {

inline constexpr char kDefaultListen[] = "127.0.0.1:50051";
inline constexpr char kDefaultDataDir[] = "./data";
inline constexpr int kDefaultWorkers = 2;
inline constexpr int kDefaultHoldDownSeconds = 300;
inline constexpr int kDefaultDebounceMillis = 200;
inline constexpr char kDefaultBmpListen[] = "127.0.0.1:11019";
inline constexpr char kDefaultMetricsListen[] = "off";
inline constexpr int kDefaultSettleSeconds = 60;
inline constexpr int kDefaultWatchBuffer = 10000;
// BMP station limits (docs/bmp.md, "Limits").
inline constexpr int kDefaultBmpMaxConnections = 256;
inline constexpr int kDefaultBmpInitiationTimeoutMillis = 5000;
inline constexpr int kDefaultBmpIncompleteMessageTimeoutMillis = 30000;
inline constexpr int64_t kDefaultBmpBufferBudgetBytes = int64_t{64} << 20;
inline constexpr int64_t kDefaultResourceCacheBytes =
    static_cast<int64_t>(DatabaseOptions::kDefaultResourceCacheBytes);
inline constexpr int kDefaultBmpSilenceTimeoutMillis = 90000;
// The registries accepted unless the configuration names others.
const std::vector<std::string>& DefaultIrrSources();
// Every IRR source name pfxd knows (the registries listed at irr.net); others are refused.
const std::vector<std::string>& KnownIrrSources();

// Reads `path` (empty: no file); unset fields stay unset until FillDefaults.
absl::StatusOr<v1::ServerConfig> LoadConfig(const std::string& path);
void FillDefaults(v1::ServerConfig& config);
// Every field in range and well-formed; files named readable. INVALID_ARGUMENT naming the
// field ("hold_down_seconds: must be 0-86400 (0: no hold-down), got -5").
absl::Status ValidateConfig(const v1::ServerConfig& config);

// An address ValidateConfig accepted ("[::1]:50051", "127.0.0.1:0", "localhost:8282") split
// into its host, without IPv6 brackets ("::1"), and its port as written.
struct HostPort {
  std::string host;
  std::string port;
};
HostPort SplitHostPort(absl::string_view address);
// The sealer of the configured key-encryption keys (off when none), their files read now;
// the error names the field ("key_encryption_key[0].file: ... chmod 600 ...").
absl::StatusOr<KeySealer> LoadKeySealer(const v1::ServerConfig& config);

}  // namespace pfx

#endif  // PFX_SERVER_CONFIG_H_
