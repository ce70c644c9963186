#include "server/access_control.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpc/grpc_security_constants.h"
#include "server/grpc_status.h"

namespace pfx {
namespace {

absl::string_view View(const grpc::string_ref& s) { return absl::string_view(s.data(), s.size()); }

bool HasValue(const grpc::AuthContext& auth, const char* property, absl::string_view value) {
  for (const grpc::string_ref& v : auth.FindPropertyValues(property)) {
    if (View(v) == value) return true;
  }
  return false;
}

std::string FirstValue(const grpc::AuthContext& auth, const char* property) {
  std::vector<grpc::string_ref> values = auth.FindPropertyValues(property);
  return values.empty() ? std::string() : std::string(View(values.front()));
}

}  // namespace

AccessControl::AccessControl(bool tls, std::vector<v1::RoleBinding> bindings)
    : tls_(tls), bindings_(std::move(bindings)) {}

Caller AccessControl::Identify(const grpc::AuthContext& auth) const {
  Caller caller;
  caller.authenticated = auth.IsPeerAuthenticated();
  if (!caller.authenticated) {
    caller.identity = "an unauthenticated client";
    return caller;
  }
  caller.identity = FirstValue(auth, GRPC_X509_SUBJECT_PROPERTY_NAME);
  for (const v1::RoleBinding& b : bindings_) {
    const bool match =
        (!b.san_uri().empty() && HasValue(auth, GRPC_PEER_URI_PROPERTY_NAME, b.san_uri())) ||
        (!b.san_dns().empty() && HasValue(auth, GRPC_PEER_DNS_PROPERTY_NAME, b.san_dns())) ||
        (!b.subject().empty() && caller.identity == b.subject());
    if (!match) continue;
    if (std::optional<Role> role = ParseRole(b.role())) caller.roles.Add(*role);
  }
  return caller;
}

grpc::Status AccessControl::Process(const InputMetadata& metadata, grpc::AuthContext* context,
                                    OutputMetadata* consumed, OutputMetadata* response) {
  absl::string_view path;
  if (auto it = metadata.find(":path"); it != metadata.end()) path = View(it->second);
  Caller caller = Identify(*context);
  if (absl::Status s = Authorize(caller, path); !s.ok()) {
    if (on_refused_) on_refused_(caller, path, s);
    return ToGrpcStatus(s);
  }
  // Nothing is written into `context`: it is the connection's, shared by every call on it.
  return grpc::Status::OK;
}

Caller AccessControl::CallerOf(const grpc::ServerContextBase& context) const {
  if (!tls_) return Caller::LocalPlaintext();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return Caller{.identity = "an unknown client"};  // no roles, no secrets
  return Identify(*auth);
}

}  // namespace pfx
