// File: grpc_services.h
// -----------------------------------------------------------------------------
// The pfx.v1 gRPC services on the callback API. Handlers stay thin: they pass the request
// to the core (Registry, ValidationEngine, RouteViews, RouteInjection, the stream reactors)
// and convert the status; all rules live in the core. Each service object borrows the core objects,
// which outlive the server.
//
// Who may call what was decided before a handler runs (server/access_control.h); handlers
// clear the prefix keys from replies to callers that may not see them (server/redaction.h).

#ifndef PFX_SERVER_GRPC_SERVICES_H_
#define PFX_SERVER_GRPC_SERVICES_H_

#include "engine/admin_operations.h"
#include "engine/irr_store.h"
#include "engine/notices.h"
#include "engine/route_injection.h"
#include "engine/route_views.h"
#include "engine/validation_engine.h"
#include "pfx/v1/admin.grpc.pb.h"
#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/peering_service.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"
#include "pfx/v1/routes.grpc.pb.h"
#include "pfx/v1/validation.grpc.pb.h"
#include "registry/input_rules.h"
#include "registry/registry.h"
#include "server/access_control.h"
#include "server/grpc_status.h"
#include "server/redaction.h"
#include "server/stream_reactors.h"

namespace pfx {

// The caller as the audit trail records it.
inline Actor ActorOf(const Caller& caller) {
  return Actor{.caller = caller.identity,
               .roles = caller.roles == RoleSet::All() ? "every role" : caller.roles.ToString()};
}

// Completes a mutation with `result`, and records a refusal in the audit trail (a change that
// was applied recorded itself, in its own batch).
template <typename Reply, typename Request>
Registry::Done<Reply> AuditRefusals(Registry* registry, Actor actor, const char* rpc,
                                    const Request* request, Registry::Done<Reply> done) {
  return [registry, actor = std::move(actor), rpc, request,
          done = std::move(done)](absl::StatusOr<Reply> result) mutable {
    if (!result.ok()) {
      registry->RecordRefusal(actor, rpc, AuditResourceName(rpc, *request), request->request_id(),
                              result.status());
    }
    done(std::move(result));
  };
}

// Whether a reply of type Reply to this call must go without its secrets.
template <typename Reply>
bool MustRedact(const AccessControl& access, const grpc::ServerContextBase& context) {
  static const bool kMayHoldSecrets = MayHoldSecrets(Reply::descriptor());
  return kMayHoldSecrets && !SeesKeys(access.CallerOf(context));
}

// A callback that completes a unary call with the result it is given (from any thread),
// secrets cleared when `redact`.
template <typename Reply>
Registry::Done<Reply> FinishWith(grpc::ServerUnaryReactor* reactor, Reply* reply, bool redact) {
  return [reactor, reply, redact](absl::StatusOr<Reply> result) {
    if (result.ok()) {
      *reply = std::move(*result);
      if (redact) RedactSecrets(*reply);
    }
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

// Completes a unary call with `result`.
template <typename Reply>
grpc::ServerUnaryReactor* Respond(grpc::CallbackServerContext* context, const AccessControl& access,
                                  absl::StatusOr<Reply> result, Reply* reply) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishWith(reactor, reply, MustRedact<Reply>(access, *context))(std::move(result));
  return reactor;
}

// An Empty reply for a call whose core answers with a status only.
inline absl::StatusOr<google::protobuf::Empty> EmptyReply(absl::Status status) {
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

// Every handler first checks the request's enum values and repeated-field sizes
// (input_rules.h CheckRequestFields); the walk is skipped for request types that have neither.
#define PFX_CHECK_FIELDS(Request, request)                                \
  static const bool kNeedsCheck = NeedsFieldCheck(Request::descriptor()); \
  absl::Status fields = kNeedsCheck ? CheckRequestFields(*request) : absl::OkStatus();

#define PFX_UNARY(Service, Method, Request, Reply, call)                                         \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, const Request* request, \
                                   Reply* reply) override {                                      \
    PFX_CHECK_FIELDS(Request, request)                                                           \
    if (!fields.ok()) return Respond<Reply>(context, *access_, fields, reply);                   \
    return Respond(context, *access_, call, reply);                                              \
  }

// A mutation answers when the registry calls back, after its change is durable; the gRPC
// thread is not held meanwhile. Every attempt leaves an audit record.
#define PFX_MUTATION(Method, Request, Reply)                                                     \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, const Request* request, \
                                   Reply* reply) override {                                      \
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();                               \
    Actor actor = ActorOf(access_->CallerOf(*context));                                          \
    Registry::Done<Reply> done =                                                                 \
        AuditRefusals<Reply>(registry_, actor, #Method, request,                                 \
                             FinishWith(reactor, reply, MustRedact<Reply>(*access_, *context))); \
    PFX_CHECK_FIELDS(Request, request)                                                           \
    if (!fields.ok()) {                                                                          \
      done(fields);                                                                              \
      return reactor;                                                                            \
    }                                                                                            \
    registry_->Method(*request, std::move(done), std::move(actor));                              \
    return reactor;                                                                              \
  }

class PeeringsService final : public v1::Peerings::CallbackService {
 public:
  PeeringsService(Registry* registry, const AccessControl* access)
      : registry_(registry), access_(access) {}
  PFX_MUTATION(CreatePeering, v1::CreatePeeringRequest, v1::Peering)
  PFX_UNARY(Peerings, GetPeering, v1::GetPeeringRequest, v1::Peering,
            registry_->GetPeering(*request))
  PFX_UNARY(Peerings, ListPeerings, v1::ListPeeringsRequest, v1::ListPeeringsResponse,
            registry_->ListPeerings(*request))
  PFX_MUTATION(SetConnectionState, v1::SetConnectionStateRequest, v1::Peering)
  PFX_MUTATION(DeletePeering, v1::DeletePeeringRequest, google::protobuf::Empty)

 private:
  Registry* registry_;
  const AccessControl* access_;
};

class RegistrationsService final : public v1::Registrations::CallbackService {
 public:
  RegistrationsService(Registry* registry, const AccessControl* access)
      : registry_(registry), access_(access) {}
  PFX_MUTATION(CreateRegisteredPrefix, v1::CreateRegisteredPrefixRequest, v1::RegisteredPrefix)
  PFX_UNARY(Registrations, GetRegisteredPrefix, v1::GetRegisteredPrefixRequest,
            v1::RegisteredPrefix, registry_->GetRegisteredPrefix(*request))
  PFX_UNARY(Registrations, ListRegisteredPrefixes, v1::ListRegisteredPrefixesRequest,
            v1::ListRegisteredPrefixesResponse, registry_->ListRegisteredPrefixes(*request))
  PFX_MUTATION(DeleteRegisteredPrefix, v1::DeleteRegisteredPrefixRequest, google::protobuf::Empty)
  PFX_UNARY(Registrations, ValidateRegisteredPrefix, v1::ValidateRegisteredPrefixRequest,
            v1::RegisteredPrefix, registry_->ValidateRegisteredPrefix(*request))
  PFX_MUTATION(CreateRegisteredAsn, v1::CreateRegisteredAsnRequest, v1::RegisteredAsn)
  PFX_UNARY(Registrations, GetRegisteredAsn, v1::GetRegisteredAsnRequest, v1::RegisteredAsn,
            registry_->GetRegisteredAsn(*request))
  PFX_UNARY(Registrations, ListRegisteredAsns, v1::ListRegisteredAsnsRequest,
            v1::ListRegisteredAsnsResponse, registry_->ListRegisteredAsns(*request))
  PFX_MUTATION(DeleteRegisteredAsn, v1::DeleteRegisteredAsnRequest, google::protobuf::Empty)

 private:
  Registry* registry_;
  const AccessControl* access_;
};

class PeeringServicesService final : public v1::PeeringServices::CallbackService {
 public:
  PeeringServicesService(Registry* registry, const AccessControl* access)
      : registry_(registry), access_(access) {}
  PFX_MUTATION(CreatePeeringService, v1::CreatePeeringServiceRequest, v1::PeeringService)
  PFX_UNARY(PeeringServices, GetPeeringService, v1::GetPeeringServiceRequest, v1::PeeringService,
            registry_->GetPeeringService(*request))
  PFX_UNARY(PeeringServices, ListPeeringServices, v1::ListPeeringServicesRequest,
            v1::ListPeeringServicesResponse, registry_->ListPeeringServices(*request))
  PFX_MUTATION(DeletePeeringService, v1::DeletePeeringServiceRequest, google::protobuf::Empty)
  PFX_MUTATION(CreatePeeringServicePrefix, v1::CreatePeeringServicePrefixRequest,
               v1::PeeringServicePrefix)
  PFX_UNARY(PeeringServices, GetPeeringServicePrefix, v1::GetPeeringServicePrefixRequest,
            v1::PeeringServicePrefix, registry_->GetPeeringServicePrefix(*request))
  PFX_UNARY(PeeringServices, ListPeeringServicePrefixes, v1::ListPeeringServicePrefixesRequest,
            v1::ListPeeringServicePrefixesResponse, registry_->ListPeeringServicePrefixes(*request))
  PFX_MUTATION(DeletePeeringServicePrefix, v1::DeletePeeringServicePrefixRequest,
               google::protobuf::Empty)

 private:
  Registry* registry_;
  const AccessControl* access_;
};

class ValidationService final : public v1::Validation::CallbackService {
 public:
  // Streams are callback reactors (server/stream_reactors.h); `watch_buffer` bounds each
  // WatchValidation stream's buffer.
  ValidationService(ValidationEngine* engine, RevalidateReactor::Deps streams, size_t watch_buffer,
                    const AccessControl* access)
      : engine_(engine), streams_(streams), watch_buffer_(watch_buffer), access_(access) {}

  grpc::ServerWriteReactor<v1::RevalidateResponse>* Revalidate(
      grpc::CallbackServerContext* context, const v1::RevalidateRequest* request) override {
    return new RevalidateReactor(*request, streams_);
  }
  PFX_UNARY(Validation, Explain, v1::ExplainRequest, v1::ExplainResponse,
            engine_->Explain(*request))
  grpc::ServerWriteReactor<v1::WatchValidationResponse>* WatchValidation(
      grpc::CallbackServerContext* context, const v1::WatchValidationRequest* request) override {
    return new WatchValidationReactor(*request, streams_.notices, streams_.clock, watch_buffer_);
  }

 private:
  ValidationEngine* engine_;
  const RevalidateReactor::Deps streams_;
  const size_t watch_buffer_;
  const AccessControl* access_;
};

class RoutesService final : public v1::Routes::CallbackService {
 public:
  RoutesService(const RouteViews* views, const AccessControl* access)
      : views_(views), access_(access) {}
  PFX_UNARY(Routes, ListReceivedRoutes, v1::ListReceivedRoutesRequest,
            v1::ListReceivedRoutesResponse, views_->ListReceivedRoutes(*request))
  PFX_UNARY(Routes, ListSessions, v1::ListSessionsRequest, v1::ListSessionsResponse,
            views_->ListSessions(*request))

 private:
  const RouteViews* views_;
  const AccessControl* access_;
};

class AdminService final : public v1::Admin::CallbackService {
 public:
  AdminService(const AuditLog* audit, ReferenceReloader* reloader, Database* db,
               const AccessControl* access)
      : audit_(audit), reloader_(reloader), db_(db), access_(access) {}
  PFX_UNARY(Admin, ListAuditRecords, v1::ListAuditRecordsRequest, v1::ListAuditRecordsResponse,
            audit_->List(*request))
  PFX_UNARY(Admin, ReloadReferenceData, v1::ReloadReferenceDataRequest,
            v1::ReloadReferenceDataResponse, pfx::ReloadReferenceData(*reloader_))
  PFX_UNARY(Admin, CreateBackup, v1::CreateBackupRequest, v1::CreateBackupResponse,
            pfx::CreateBackup(*db_, *request))

 private:
  const AuditLog* audit_;
  ReferenceReloader* reloader_;
  Database* db_;
  const AccessControl* access_;
};

class RouteInjectionService final : public v1::RouteInjection::CallbackService {
 public:
  RouteInjectionService(RouteInjection* injection, const AccessControl* access)
      : injection_(injection), access_(access) {}
  PFX_UNARY(RouteInjection, AnnounceRoutes, v1::AnnounceRoutesRequest, google::protobuf::Empty,
            EmptyReply(injection_->Announce(*request)))
  PFX_UNARY(RouteInjection, WithdrawRoutes, v1::WithdrawRoutesRequest, google::protobuf::Empty,
            EmptyReply(injection_->Withdraw(*request)))
  PFX_UNARY(RouteInjection, SetSessionState, v1::SetSessionStateRequest, google::protobuf::Empty,
            EmptyReply(injection_->SetSessionState(*request)))

 private:
  RouteInjection* injection_;
  const AccessControl* access_;
};

#undef PFX_UNARY
#undef PFX_MUTATION
#undef PFX_CHECK_FIELDS

}  // namespace pfx

#endif  // PFX_SERVER_GRPC_SERVICES_H_
