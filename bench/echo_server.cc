// echo_server: the reference for the API benchmarks. Serves pfx.v1.Registrations with no
// storage and no rules: each call answers at once with a reply of the size pfxd's would have
// (a RegisteredPrefix with a key, or a page of them), on the same gRPC callback API.
//   echo_server PORT_FILE
#include <fstream>
#include <iostream>

#include "grpcpp/grpcpp.h"
#include "pfx/v1/registration.grpc.pb.h"

namespace {

pfx::v1::RegisteredPrefix Canned(const std::string& peering, const std::string& name,
                                 const std::string& prefix) {
  pfx::v1::RegisteredPrefix r;
  r.set_peering_name(peering);
  r.set_name(name);
  r.set_prefix(prefix);
  r.set_peering_service_prefix_key("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  r.set_prefix_validation_state(pfx::v1::PREFIX_VALIDATION_STATE_PENDING);
  r.set_provisioning_state(pfx::v1::PROVISIONING_STATE_SUCCEEDED);
  return r;
}

class Echo final : public pfx::v1::Registrations::CallbackService {
  grpc::ServerUnaryReactor* CreateRegisteredPrefix(
      grpc::CallbackServerContext* ctx, const pfx::v1::CreateRegisteredPrefixRequest* req,
      pfx::v1::RegisteredPrefix* reply) override {
    const auto& in = req->registered_prefix();
    *reply = Canned(in.peering_name(), in.name(), in.prefix());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetRegisteredPrefix(grpc::CallbackServerContext* ctx,
                                                const pfx::v1::GetRegisteredPrefixRequest* req,
                                                pfx::v1::RegisteredPrefix* reply) override {
    *reply = Canned(req->peering_name(), req->name(), "1.2.3.0/24");
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* ListRegisteredPrefixes(
      grpc::CallbackServerContext* ctx, const pfx::v1::ListRegisteredPrefixesRequest* req,
      pfx::v1::ListRegisteredPrefixesResponse* reply) override {
    for (int i = 0; i < std::max(1, req->page_size()); ++i) {
      *reply->add_registered_prefixes() =
          Canned(req->peering_name(), "p" + std::to_string(i), "1.2.3.0/24");
    }
    reply->set_next_page_token("cDAA");
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
