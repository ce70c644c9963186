// echo_server: the reference for the API benchmarks. Serves pfx.v1.Registrations with no
// storage and no rules: each call answers at once with a reply of the size pfxd's would have,
// on the same gRPC callback API: Create returns a new PENDING registration and its event; Get a
// validated one as the read benchmark finds them (error message, observed origin, its three
// events); List a page of those without events (List does not attach events).
//   echo_server PORT_FILE
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/registration.grpc.pb.h"

namespace {

pfx::v1::RegisteredPrefix Canned(const std::string& peering, const std::string& name,
                                 const std::string& prefix) {
  pfx::v1::RegisteredPrefix r;
  r.set_peering_name(peering);
  r.set_name(name);
  r.set_prefix(prefix);
  r.set_traffic_class(pfx::v1::TRAFFIC_CLASS_MEDIA);
  r.set_endpoint_description("media relays");
  r.set_peering_service_prefix_key("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  r.set_prefix_validation_state(pfx::v1::PREFIX_VALIDATION_STATE_PENDING);
  r.set_provisioning_state(pfx::v1::PROVISIONING_STATE_SUCCEEDED);
  return r;
}

pfx::v1::PrefixEvent Event(const std::string& type, const std::string& summary,
                           const std::string& description) {
  pfx::v1::PrefixEvent e;
  e.set_event_type(type);
  e.set_event_summary(summary);
  e.set_event_description(description);
  e.set_event_level(pfx::v1::EVENT_LEVEL_ERROR);
  e.mutable_event_timestamp()->set_seconds(1795621503);
  e.mutable_event_timestamp()->set_nanos(997328772);
  return e;
}

// A registration after validation, field for field like pfxd's in the read benchmark.
pfx::v1::RegisteredPrefix Validated(const std::string& peering, const std::string& name) {
  pfx::v1::RegisteredPrefix r = Canned(peering, name, "1.9.186.0/24");
  r.set_prefix_validation_state(pfx::v1::PREFIX_VALIDATION_STATE_FAILED);
  r.set_error_message(
      "Prefix not received from IP: 1.9.186.0/24 not advertised on session 196.223.14.46 on "
      "router jinx at Johannesburg-2");
  return r;
}

class Echo final : public pfx::v1::Registrations::CallbackService {
  grpc::ServerUnaryReactor* CreateRegisteredPrefix(
      grpc::CallbackServerContext* ctx, const pfx::v1::CreateRegisteredPrefixRequest* req,
      pfx::v1::RegisteredPrefix* reply) override {
    const auto& in = req->registered_prefix();
    *reply = Canned(in.peering_name(), in.name(), in.prefix());
    *reply->add_events() =
        Event("ValidationStateChangeEvent", "PENDING", "registered; queued for validation");
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetRegisteredPrefix(grpc::CallbackServerContext* ctx,
                                                const pfx::v1::GetRegisteredPrefixRequest* req,
                                                pfx::v1::RegisteredPrefix* reply) override {
    *reply = Validated(req->peering_name(), req->name());
    *reply->add_events() = Event(
        "PrefixAnnouncementEvent", "Prefix announced on session 196.223.14.55 at Johannesburg-1",
        "1.9.186.0/24 advertised on 196.223.14.55 at Johannesburg-1 with AS path 30844 4788 4788");
    *reply->add_events() = Event("ValidationStateChangeEvent", "FAILED",
                                 reply->error_message() + " (session never seen by the feed)");
    *reply->add_events() = Event("ValidationStateChangeEvent", "FAILED", reply->error_message());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* ListRegisteredPrefixes(
      grpc::CallbackServerContext* ctx, const pfx::v1::ListRegisteredPrefixesRequest* req,
      pfx::v1::ListRegisteredPrefixesResponse* reply) override {
    for (int i = 0; i < std::max(1, req->page_size()); ++i) {
      *reply->add_registered_prefixes() = Validated(req->peering_name(), absl::StrCat("p", i));
    }
    // The size of pfxd's tokens: a 96-bit HMAC and the next key, web-safe base64.
    reply->set_next_page_token("q5c0mYp3Xw2Rz8JtLkVbN1aHdE9bWVoAcDEwMA==");
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: echo_server PORT_FILE\n";
    return 2;
  }
  Echo echo;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&echo);
  auto server = builder.BuildAndStart();
  std::ofstream(argv[1]) << port << "\n";
  server->Wait();
}
