// Validation service: the streaming RPCs, each a callback reactor (server/stream_reactors.h).
#include "server/grpc_services.h"

namespace pfx {

grpc::ServerWriteReactor<v1::RevalidateResponse>* ValidationService::Revalidate(
    grpc::CallbackServerContext* context, const v1::RevalidateRequest* request) {
  return new RevalidateReactor(*request, streams_);
}

grpc::ServerWriteReactor<v1::WatchValidationResponse>* ValidationService::WatchValidation(
    grpc::CallbackServerContext* context, const v1::WatchValidationRequest* request) {
  return new WatchValidationReactor(*request, streams_.notices, streams_.clock, watch_buffer_);
}

}  // namespace pfx
