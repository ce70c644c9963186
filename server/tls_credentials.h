// File: tls_credentials.h
// -----------------------------------------------------------------------------
// The TLS credentials of pfxd's gRPC port, with rotation on SIGHUP.
//
// The configured certificate, key and client CA files are checked (each parses as PEM, the
// key belongs to the certificate, the certificate is within its validity period, the CA file
// holds a certificate), then copied into a staging directory inside the data dir (0700, files
// 0600), and gRPC's file watcher serves those copies, re-reading them every second. Reload
// (SIGHUP) checks and copies the configured files again: new handshakes use them within a
// second, established connections keep theirs, and files that fail a check change nothing
// (the error says which file and why). Copies, not the configured paths, are watched so that
// a half-written or mismatched file in place never reaches the port.
//
// Clients are asked for a certificate and, when they send one, it must chain to the client CA
// and be within its validity (the handshake fails otherwise); a client without one connects,
// but only health checks answer it (server/access_policy.h).

#ifndef PFX_SERVER_TLS_CREDENTIALS_H_
#define PFX_SERVER_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "pfx/v1/config.pb.h"

namespace pfx {

// OK when `tls`'s files would serve (the checks above); INVALID_ARGUMENT naming the config
// field, the file and the rule otherwise.
absl::Status CheckTlsFiles(const v1::TlsConfig& tls);

class TlsCredentials {
 public:
  // Checks and stages `tls` into `stage_dir` (created 0700), and builds the credentials, with
  // `processor` deciding every call (server/access_control.h).
  static absl::StatusOr<std::unique_ptr<TlsCredentials>> Create(
      v1::TlsConfig tls, std::string stage_dir,
      std::shared_ptr<grpc::AuthMetadataProcessor> processor);

  std::shared_ptr<grpc::ServerCredentials> server_credentials() const { return credentials_; }

  // Re-reads the configured files (SIGHUP). On an error the staged files stay as they were.
  absl::Status Reload();

 private:
  TlsCredentials(v1::TlsConfig tls, std::string stage_dir)
      : tls_(std::move(tls)), stage_dir_(std::move(stage_dir)) {}
  absl::Status Stage();

  const v1::TlsConfig tls_;
  const std::string stage_dir_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
};

}  // namespace pfx

#endif  // PFX_SERVER_TLS_CREDENTIALS_H_
