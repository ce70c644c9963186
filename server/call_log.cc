#include "server/call_log.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"

namespace pfx {
namespace {

// Whether a successful call of `method` ("Peerings/CreatePeering"'s last part) is worth an
// info line: the calls that change something or start work.
bool Notable(absl::string_view method) {
  return absl::StartsWith(method, "Create") || absl::StartsWith(method, "Delete") ||
         absl::StartsWith(method, "Set") || method == "Revalidate" ||
         absl::StartsWith(method, "Announce") || absl::StartsWith(method, "Withdraw");
}

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                     std::shared_ptr<const AccessControl> access)
      : info_(info), access_(std::move(access)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        request_id_.empty() && absl::StartsWith(info_->method(), "/pfx.v1.")) {
      // pfxd's own (generated) services hand the interceptor their deserialized request; others
      // may not (gRPC's health service reads raw bytes), so only pfx.v1 requests are read.
      const auto* request =
          static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
      if (request != nullptr) {
        const google::protobuf::FieldDescriptor* field =
            request->GetDescriptor()->FindFieldByName("request_id");
        if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
            !field->is_repeated()) {
          request_id_ = request->GetReflection()->GetString(*request, field);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Log(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Log(const grpc::Status& status) const {
    const std::string rpc(absl::StripPrefix(info_->method(), "/"));
    const bool notable = !status.ok() || Notable(rpc.substr(rpc.rfind('/') + 1));
    if (!notable && !LogEnabled(LogLevel::kDebug)) return;  // the common read: no work
    const std::string caller = access_->CallerOf(*info_->server_context()).identity;
    LogFields fields = {
        {"rpc", rpc},
        {"caller", caller},
        {"status", absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))},
        {"latency_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(absl::Now() - start_)),
         /*number=*/true}};
    if (!request_id_.empty()) fields.push_back({"request_id", request_id_});
    if (notable) {
      PFX_LOG_FIELDS(Info, std::move(fields)) << (status.ok() ? "call" : status.error_message());
    } else {
      PFX_LOG_FIELDS(Debug, std::move(fields)) << "call";
    }
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const std::shared_ptr<const AccessControl> access_;
  const absl::Time start_ = absl::Now();
  std::string request_id_;
};

class CallLogFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallLogFactory(std::shared_ptr<const AccessControl> access)
      : access_(std::move(access)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallLogInterceptor(info, access_);
  }

 private:
  std::shared_ptr<const AccessControl> access_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallLogInterceptorFactory(
    std::shared_ptr<const AccessControl> access) {
  return std::make_unique<CallLogFactory>(std::move(access));
}

}  // namespace pfx
