// File: channel.h
// -----------------------------------------------------------------------------
// pfxctl's connection to pfxd: plaintext, or TLS when a CA is given (--tls-ca, or
// PFXCTL_TLS_CA), with a client certificate and key (--tls-cert/--tls-key, or
// PFXCTL_TLS_CERT/PFXCTL_TLS_KEY) that give the caller its role (README.md#security).
// --tls-server-name (PFXCTL_TLS_SERVER_NAME) checks pfxd's certificate against that name
// instead of the --server host: a health check dialling 127.0.0.1 inside pfxd's container
// verifies the certificate issued for the service's DNS name.

#ifndef PFX_CLI_CHANNEL_H_
#define PFX_CLI_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace pfx::cli {

struct ChannelOptions {
  std::string server;
  std::string tls_ca;    // PEM file of the CA that signed pfxd's certificate; empty: plaintext
  std::string tls_cert;  // PEM client certificate; with tls_key
  std::string tls_key;
  std::string tls_server_name;  // the name pfxd's certificate must hold; empty: the host

  // Fills the TLS fields still empty from PFXCTL_TLS_CA, PFXCTL_TLS_CERT, PFXCTL_TLS_KEY,
  // PFXCTL_TLS_SERVER_NAME.
  void FillFromEnvironment();
};

// INVALID_ARGUMENT naming the flag when a file cannot be read or a certificate comes without
// its key (or the other way round), TLS files or a server name are given without --tls-ca, or
// plaintext is asked of a server address that is not loopback.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ChannelOptions& options);

}  // namespace pfx::cli

#endif  // PFX_CLI_CHANNEL_H_
