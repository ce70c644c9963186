#include "cli/channel.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "validator/ip_prefix.h"

namespace pfx::cli {
namespace {

absl::StatusOr<std::string> ReadPem(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void FromEnv(std::string& field, const char* name) {
  if (!field.empty()) return;
  if (const char* value = std::getenv(name); value != nullptr) field = value;
}

// The host part of HOST:PORT ("[::1]:50051" gives "::1").
std::string HostOf(const std::string& server) {
  std::string host = server.substr(0, server.rfind(':'));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

void ChannelOptions::FillFromEnvironment() {
  FromEnv(tls_ca, "PFXCTL_TLS_CA");
  FromEnv(tls_cert, "PFXCTL_TLS_CERT");
  FromEnv(tls_key, "PFXCTL_TLS_KEY");
  FromEnv(tls_server_name, "PFXCTL_TLS_SERVER_NAME");
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ChannelOptions& o) {
  if (o.tls_ca.empty()) {
    if (!o.tls_cert.empty() || !o.tls_key.empty() || !o.tls_server_name.empty()) {
      return absl::InvalidArgumentError(
          "--tls-cert/--tls-key/--tls-server-name need --tls-ca (the CA that signed pfxd's "
          "certificate)");
    }
    // Replies may carry prefix keys: plaintext only where pfxd itself allows it.
    if (!IsLoopbackHost(HostOf(o.server))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--server ", o.server,
          " is not a loopback address: pfxd serves other addresses over TLS only; give "
          "--tls-ca (and --tls-cert/--tls-key with your role's certificate)"));
    }
    return grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem("tls-ca", o.tls_ca);
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *ca;
  if (!o.tls_cert.empty()) {
    absl::StatusOr<std::string> cert = ReadPem("tls-cert", o.tls_cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("tls-key", o.tls_key);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  grpc::ChannelArguments args;
  if (!o.tls_server_name.empty()) args.SetSslTargetNameOverride(o.tls_server_name);
  return grpc::CreateCustomChannel(o.server, grpc::SslCredentials(ssl), args);
}

}  // namespace pfx::cli
