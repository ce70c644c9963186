// File: access_control.h
// -----------------------------------------------------------------------------
// Applies server/access_policy.h to every call on a TLS port. gRPC runs this processor for
// each call before any handler, with the call's ":path" and the verified client certificate:
// it finds the caller's roles (the config's role bindings matched against the certificate's
// URI and DNS subject alternative names and its subject) and refuses the call when the policy
// says so. Handlers find the caller again with CallerOf (to redact keys, and for the audit
// trail), from the same certificate properties: the processor writes nothing into the
// AuthContext, which is the connection's and shared by all its calls.
//
// On a plaintext port (loopback only) no processor runs and CallerOf answers
// Caller::LocalPlaintext(): the demo and tests keep every role.

#ifndef PFX_SERVER_ACCESS_CONTROL_H_
#define PFX_SERVER_ACCESS_CONTROL_H_

#include <functional>
#include <string>
#include <vector>

#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/server_context.h"
#include "pfx/v1/config.pb.h"
#include "server/access_policy.h"

namespace pfx {

class AccessControl final : public grpc::AuthMetadataProcessor {
 public:
  // `tls`: whether the port this serves is a TLS port (see above). `bindings` were checked by
  // ValidateConfig.
  AccessControl(bool tls, std::vector<v1::RoleBinding> bindings);

  // The caller of a call that passed Process (or any call on a plaintext port). A handful of
  // property lookups and binding comparisons per call.
  Caller CallerOf(const grpc::ServerContextBase& context) const;

  // The caller a verified certificate identifies (exposed for tests).
  Caller Identify(const grpc::AuthContext& auth) const;

  // Called for every call the policy refuses (before it is answered), e.g. to audit refused
  // mutations. Set before serving.
  using RefusalHook =
      std::function<void(const Caller&, absl::string_view path, const absl::Status&)>;
  void set_on_refused(RefusalHook hook) { on_refused_ = std::move(hook); }

  // grpc::AuthMetadataProcessor: non-blocking, runs on the transport's thread.
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override;

 private:
  const bool tls_;
  const std::vector<v1::RoleBinding> bindings_;
  RefusalHook on_refused_;
};

}  // namespace pfx

#endif  // PFX_SERVER_ACCESS_CONTROL_H_
