// File: grpc_services.h
// -----------------------------------------------------------------------------
// The pfx.v1 gRPC services on the callback API. Handlers stay thin: they pass the request
// to the core (Registry, ValidationEngine, RouteIndex) and convert the status; all rules live
// in the core. Each service object borrows the core objects, which outlive the server.

#ifndef PFX_SERVER_GRPC_SERVICES_H_
#define PFX_SERVER_GRPC_SERVICES_H_

#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/peering_service.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"
#include "pfx/v1/routes.grpc.pb.h"
#include "pfx/v1/validation.grpc.pb.h"
#include "server/grpc_status.h"
#include "server/irr_store.h"
#include "server/notices.h"
#include "server/registry.h"
#include "server/validation_engine.h"

namespace pfx {

// Completes a unary call with `result`.
template <typename Reply>
grpc::ServerUnaryReactor* Respond(grpc::CallbackServerContext* context,
                                  absl::StatusOr<Reply> result, Reply* reply) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) *reply = std::move(*result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

#define PFX_UNARY(Service, Method, Request, Reply, call)                                         \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, const Request* request, \
                                   Reply* reply) override {                                      \
    return Respond(context, call, reply);                                                        \
  }

class PeeringsService final : public v1::Peerings::CallbackService {
 public:
  explicit PeeringsService(Registry* registry) : registry_(registry) {}
  PFX_UNARY(Peerings, CreatePeering, v1::CreatePeeringRequest, v1::Peering,
            registry_->CreatePeering(*request))
  PFX_UNARY(Peerings, GetPeering, v1::GetPeeringRequest, v1::Peering,
            registry_->GetPeering(*request))
  PFX_UNARY(Peerings, ListPeerings, v1::ListPeeringsRequest, v1::ListPeeringsResponse,
            registry_->ListPeerings(*request))
  PFX_UNARY(Peerings, SetConnectionState, v1::SetConnectionStateRequest, v1::Peering,
            registry_->SetConnectionState(*request))
  PFX_UNARY(Peerings, DeletePeering, v1::DeletePeeringRequest, google::protobuf::Empty,
            registry_->DeletePeering(*request))

 private:
  Registry* registry_;
};

class RegistrationsService final : public v1::Registrations::CallbackService {
 public:
  explicit RegistrationsService(Registry* registry) : registry_(registry) {}
  PFX_UNARY(Registrations, CreateRegisteredPrefix, v1::CreateRegisteredPrefixRequest,
            v1::RegisteredPrefix, registry_->CreateRegisteredPrefix(*request))
  PFX_UNARY(Registrations, GetRegisteredPrefix, v1::GetRegisteredPrefixRequest,
            v1::RegisteredPrefix, registry_->GetRegisteredPrefix(*request))
  PFX_UNARY(Registrations, ListRegisteredPrefixes, v1::ListRegisteredPrefixesRequest,
            v1::ListRegisteredPrefixesResponse, registry_->ListRegisteredPrefixes(*request))
  PFX_UNARY(Registrations, DeleteRegisteredPrefix, v1::DeleteRegisteredPrefixRequest,
            google::protobuf::Empty, registry_->DeleteRegisteredPrefix(*request))
  PFX_UNARY(Registrations, ValidateRegisteredPrefix, v1::ValidateRegisteredPrefixRequest,
            v1::RegisteredPrefix, registry_->ValidateRegisteredPrefix(*request))
  PFX_UNARY(Registrations, CreateRegisteredAsn, v1::CreateRegisteredAsnRequest, v1::RegisteredAsn,
            registry_->CreateRegisteredAsn(*request))
  PFX_UNARY(Registrations, GetRegisteredAsn, v1::GetRegisteredAsnRequest, v1::RegisteredAsn,
            registry_->GetRegisteredAsn(*request))
  PFX_UNARY(Registrations, ListRegisteredAsns, v1::ListRegisteredAsnsRequest,
            v1::ListRegisteredAsnsResponse, registry_->ListRegisteredAsns(*request))
  PFX_UNARY(Registrations, DeleteRegisteredAsn, v1::DeleteRegisteredAsnRequest,
            google::protobuf::Empty, registry_->DeleteRegisteredAsn(*request))

 private:
  Registry* registry_;
};

class PeeringServicesService final : public v1::PeeringServices::CallbackService {
 public:
  explicit PeeringServicesService(Registry* registry) : registry_(registry) {}
  PFX_UNARY(PeeringServices, CreatePeeringService, v1::CreatePeeringServiceRequest,
            v1::PeeringService, registry_->CreatePeeringService(*request))
  PFX_UNARY(PeeringServices, GetPeeringService, v1::GetPeeringServiceRequest, v1::PeeringService,
            registry_->GetPeeringService(*request))
  PFX_UNARY(PeeringServices, ListPeeringServices, v1::ListPeeringServicesRequest,
            v1::ListPeeringServicesResponse, registry_->ListPeeringServices(*request))
  PFX_UNARY(PeeringServices, DeletePeeringService, v1::DeletePeeringServiceRequest,
            google::protobuf::Empty, registry_->DeletePeeringService(*request))
  PFX_UNARY(PeeringServices, CreatePeeringServicePrefix, v1::CreatePeeringServicePrefixRequest,
            v1::PeeringServicePrefix, registry_->CreatePeeringServicePrefix(*request))
  PFX_UNARY(PeeringServices, GetPeeringServicePrefix, v1::GetPeeringServicePrefixRequest,
            v1::PeeringServicePrefix, registry_->GetPeeringServicePrefix(*request))
  PFX_UNARY(PeeringServices, ListPeeringServicePrefixes, v1::ListPeeringServicePrefixesRequest,
            v1::ListPeeringServicePrefixesResponse, registry_->ListPeeringServicePrefixes(*request))
  PFX_UNARY(PeeringServices, DeletePeeringServicePrefix, v1::DeletePeeringServicePrefixRequest,
            google::protobuf::Empty, registry_->DeletePeeringServicePrefix(*request))

 private:
  Registry* registry_;
};

class ValidationService final : public v1::Validation::CallbackService {
 public:
  ValidationService(Database* db, Registry* registry, ValidationEngine* engine, NoticeHub* notices)
      : db_(db), registry_(registry), engine_(engine), notices_(notices) {}

  grpc::ServerWriteReactor<v1::RevalidateProgress>* Revalidate(
      grpc::CallbackServerContext* context, const v1::RevalidateRequest* request) override;
  PFX_UNARY(Validation, Explain, v1::ExplainRequest, v1::ExplainResponse,
            engine_->Explain(request->target()))
  grpc::ServerWriteReactor<v1::ValidationStateChange>* WatchValidation(
      grpc::CallbackServerContext* context, const v1::WatchValidationRequest* request) override;

 private:
  Database* db_;
  Registry* registry_;
  ValidationEngine* engine_;
  NoticeHub* notices_;
};

class RoutesService final : public v1::Routes::CallbackService {
 public:
  RoutesService(Registry* registry, RouteIndex* routes, const IrrStore* irr)
      : registry_(registry), routes_(routes), irr_(irr) {}
  grpc::ServerUnaryReactor* ListReceivedRoutes(grpc::CallbackServerContext* context,
                                               const v1::ListReceivedRoutesRequest* request,
                                               v1::ListReceivedRoutesResponse* reply) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* reply) override;

 private:
  absl::StatusOr<v1::ListReceivedRoutesResponse> ReceivedRoutes(
      const v1::ListReceivedRoutesRequest& request) const;
  absl::StatusOr<v1::ListSessionsResponse> Sessions(const v1::ListSessionsRequest& request) const;

  Registry* registry_;
  RouteIndex* routes_;
  const IrrStore* irr_;
};

class RouteInjectionService final : public v1::RouteInjection::CallbackService {
 public:
  explicit RouteInjectionService(RouteIndex* routes) : routes_(routes) {}
  grpc::ServerUnaryReactor* AnnounceRoutes(grpc::CallbackServerContext* context,
                                           const v1::AnnounceRoutesRequest* request,
                                           google::protobuf::Empty* reply) override;
  grpc::ServerUnaryReactor* WithdrawRoutes(grpc::CallbackServerContext* context,
                                           const v1::WithdrawRoutesRequest* request,
                                           google::protobuf::Empty* reply) override;
  grpc::ServerUnaryReactor* SetSessionState(grpc::CallbackServerContext* context,
                                            const v1::SetSessionStateRequest* request,
                                            google::protobuf::Empty* reply) override;

 private:
  RouteIndex* routes_;
};

#undef PFX_UNARY

}  // namespace pfx

#endif  // PFX_SERVER_GRPC_SERVICES_H_
