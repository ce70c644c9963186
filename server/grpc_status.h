// File: grpc_status.h
// -----------------------------------------------------------------------------
// The one place absl::Status becomes grpc::Status: same code, same message.

#ifndef PFX_SERVER_GRPC_STATUS_H_
#define PFX_SERVER_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace pfx {

inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace pfx

#endif  // PFX_SERVER_GRPC_STATUS_H_
