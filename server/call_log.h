// File: call_log.h
// -----------------------------------------------------------------------------
// CallLog: one log line per finished gRPC call, with the fields log pipelines filter on
// (base/log.h; `--log_format json` makes them JSON keys): rpc, request_id (when the request
// has one), caller (certificate subject, or local-plaintext), status (code name) and
// latency_ms; the message is the status message of a failed call. Mutations, Revalidate and
// failed calls log at info, successful reads at debug (a read-heavy portal would otherwise
// write a line per page view). Nothing logged can hold a prefix key: requests are not
// logged, only their request_id, and no status message names a key (tests/e2e/security_test
// searches the log for every key issued).
// A gRPC server interceptor; thread-safe.

#ifndef PFX_SERVER_CALL_LOG_H_
#define PFX_SERVER_CALL_LOG_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "server/access_control.h"

namespace pfx {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallLogInterceptorFactory(
    std::shared_ptr<const AccessControl> access);

}  // namespace pfx

#endif  // PFX_SERVER_CALL_LOG_H_
