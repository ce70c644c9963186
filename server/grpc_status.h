// File: grpc_status.h
// -----------------------------------------------------------------------------
// The one place absl::Status becomes grpc::Status: same code, and the same message made safe
// to send. A message can quote input (a name, a prefix), so it is cut to kMaxStatusMessage
// bytes and control characters become '?': a status travels in an HTTP/2 header
// (grpc-message), where a 70 KB value breaks clients' connections.

#ifndef PFX_SERVER_GRPC_STATUS_H_
#define PFX_SERVER_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/status.h"

namespace pfx {

inline constexpr size_t kMaxStatusMessage = 1024;

inline std::string SafeStatusMessage(absl::string_view message) {
  std::string out(message.substr(0, kMaxStatusMessage));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  if (message.size() > kMaxStatusMessage) {
    absl::StrAppend(&out, "... (", message.size() - kMaxStatusMessage, " more bytes cut)");
  }
  return out;
}

inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), SafeStatusMessage(s.message()));
}

}  // namespace pfx

#endif  // PFX_SERVER_GRPC_STATUS_H_
