#include "tests/e2e/fixtures.h"

#include "absl/strings/str_cat.h"

namespace pfx::testing {

v1::Peering MakePeering(const std::string& name, int64_t asn, v1::PeeringKind kind,
                        const std::vector<SessionSpec>& connections) {
  v1::Peering p;
  p.set_name(name);
  p.set_peer_asn(asn);
  p.set_kind(kind);
  int i = 0;
  for (const SessionSpec& spec : connections) {
    v1::Connection* c = p.add_connections();
    c->set_connection_id(absl::StrCat("conn-", ++i));
    c->set_peering_location(spec.location);
    c->set_microsoft_router(spec.router);
    c->set_bandwidth_mbps(10000);
    c->set_use_for_peering_service(true);
    for (const std::string& peer : spec.peers) {
      v1::Session* s = c->add_sessions();
      if (peer.find(':') == std::string::npos) {
        s->set_peer_session_ipv4_address(peer);
      } else {
        s->set_peer_session_ipv6_address(peer);
      }
    }
  }
  return p;
}

grpc::Status CreateActivePeering(PfxdProcess& pfxd, const v1::Peering& peering) {
  v1::CreatePeeringRequest req;
  *req.mutable_peering() = peering;
  v1::Peering created;
  grpc::Status s = pfxd.peerings().CreatePeering(Ctx().get(), req, &created);
  if (!s.ok()) return s;
  for (const v1::Connection& c : peering.connections()) {
    v1::SetConnectionStateRequest set;
    set.set_peering_name(peering.name());
    set.set_connection_id(c.connection_id());
    set.set_connection_state(v1::CONNECTION_STATE_ACTIVE);
    s = pfxd.peerings().SetConnectionState(Ctx().get(), set, &created);
    if (!s.ok()) return s;
  }
  return s;
}

grpc::Status RegisterPrefix(PfxdProcess& pfxd, const std::string& peering, const std::string& name,
                            const std::string& prefix, v1::RegisteredPrefix* out,
                            const std::string& request_id) {
  v1::CreateRegisteredPrefixRequest req;
  req.mutable_registered_prefix()->set_peering_name(peering);
  req.mutable_registered_prefix()->set_name(name);
  req.mutable_registered_prefix()->set_prefix(prefix);
  req.mutable_registered_prefix()->set_traffic_class(v1::TRAFFIC_CLASS_SIGNALLING_AND_MEDIA);
  req.mutable_registered_prefix()->set_endpoint_description("SBC cluster");
  req.set_request_id(request_id);
  v1::RegisteredPrefix reply;
  grpc::Status s = pfxd.registrations().CreateRegisteredPrefix(Ctx().get(), req, &reply);
  if (out != nullptr) *out = reply;
  return s;
}

grpc::Status Announce(PfxdProcess& pfxd, const std::string& router, const std::string& peer,
                      const std::string& prefix, const std::string& as_path,
                      const std::vector<std::string>& communities) {
  v1::AnnounceRoutesRequest req;
  req.mutable_session()->set_router(router);
  req.mutable_session()->set_peer_address(peer);
  v1::InjectedRoute* r = req.add_routes();
  r->set_prefix(prefix);
  r->set_as_path(as_path);
  for (const std::string& c : communities) r->add_communities(c);
  google::protobuf::Empty empty;
  return pfxd.injection().AnnounceRoutes(Ctx().get(), req, &empty);
}

grpc::Status Withdraw(PfxdProcess& pfxd, const std::string& router, const std::string& peer,
                      const std::string& prefix) {
  v1::WithdrawRoutesRequest req;
  req.mutable_session()->set_router(router);
  req.mutable_session()->set_peer_address(peer);
  req.add_prefixes(prefix);
  google::protobuf::Empty empty;
  return pfxd.injection().WithdrawRoutes(Ctx().get(), req, &empty);
}

v1::RegisteredPrefix GetRegistered(PfxdProcess& pfxd, const std::string& peering,
                                   const std::string& name) {
  v1::GetRegisteredPrefixRequest req;
  req.set_peering_name(peering);
  req.set_name(name);
  v1::RegisteredPrefix r;
  (void)pfxd.registrations().GetRegisteredPrefix(Ctx().get(), req, &r);
  return r;
}

v1::PeeringServicePrefix GetServicePrefix(PfxdProcess& pfxd, const std::string& service,
                                          const std::string& name) {
  v1::GetPeeringServicePrefixRequest req;
  req.set_peering_service_name(service);
  req.set_name(name);
  v1::PeeringServicePrefix r;
  (void)pfxd.services().GetPeeringServicePrefix(Ctx().get(), req, &r);
  return r;
}

bool WaitForRegisteredState(PfxdProcess& pfxd, const std::string& peering, const std::string& name,
                            v1::PrefixValidationState state, v1::RegisteredPrefix* last,
                            const std::string& message_part, absl::Duration timeout) {
  v1::RegisteredPrefix seen;
  bool ok = WaitFor(
      [&] {
        seen = GetRegistered(pfxd, peering, name);
        return seen.prefix_validation_state() == state &&
               seen.error_message().find(message_part) != std::string::npos;
      },
      timeout);
  if (last != nullptr) *last = seen;
  return ok;
}

bool WaitForServiceState(PfxdProcess& pfxd, const std::string& service, const std::string& name,
                         v1::PrefixValidationState state, v1::PeeringServicePrefix* last,
                         const std::string& message_part, absl::Duration timeout) {
  v1::PeeringServicePrefix seen;
  bool ok = WaitFor(
      [&] {
        seen = GetServicePrefix(pfxd, service, name);
        return seen.prefix_validation_state() == state &&
               seen.error_message().find(message_part) != std::string::npos;
      },
      timeout);
  if (last != nullptr) *last = seen;
  return ok;
}

std::string RouteObjects(const std::vector<std::pair<std::string, int>>& objects,
                         const std::string& source) {
  std::string out;
  for (const auto& [prefix, origin] : objects) {
    absl::StrAppend(&out, prefix.find(':') == std::string::npos ? "route: " : "route6: ", prefix,
                    "\norigin: AS", origin, "\nsource: ", source, "\n\n");
  }
  return out;
}

}  // namespace pfx::testing
