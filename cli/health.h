// File: health.h
// -----------------------------------------------------------------------------
// `pfxctl health [SERVICE]`: one grpc.health.v1.Health/Check call (docs/operations.md,
// Health), for container health checks and Kubernetes exec probes. It prints the serving
// status (SERVING, NOT_SERVING, SERVICE_UNKNOWN) and exits 0 only for SERVING; any other
// status, or no answer within the deadline, exits 1. SERVICE "" (the default) is pfxd as a
// whole. One attempt, no retry: the probe's own period and threshold decide what a failure
// means. The messages are encoded by hand (HealthCheckRequest { string service = 1 },
// HealthCheckResponse { ServingStatus status = 1 }), so pfxctl needs no generated health code.

#ifndef PFX_CLI_HEALTH_H_
#define PFX_CLI_HEALTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace pfx::cli {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// "SERVING", "NOT_SERVING", ...
const char* ServingStatusName(ServingStatus status);

// The status of `service`; a Check answered NOT_FOUND (gRPC's health service for a name it
// does not know) is kServiceUnknown. Errors: the call's failure (UNAVAILABLE, ...) as absl.
absl::StatusOr<ServingStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service, absl::Duration timeout);

}  // namespace pfx::cli

#endif  // PFX_CLI_HEALTH_H_
