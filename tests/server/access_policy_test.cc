// The role x RPC matrix (server/access_policy.h): every pfx.v1 method has a row, the decision
// for each kind of caller, and the messages a refused caller reads.
#include "server/access_policy.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "pfx/v1/admin.grpc.pb.h"
#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/peering_service.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"
#include "pfx/v1/routes.grpc.pb.h"
#include "pfx/v1/validation.grpc.pb.h"
#include "tests/common/readme_matrix.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

Caller WithRoles(RoleSet roles) {
  return Caller{.identity = "CN=test", .authenticated = true, .roles = roles};
}

// Every method of every service pfxd serves, from the generated descriptors.
std::set<std::string> ServedMethods() {
  std::set<std::string> paths;
  // Touching a message of a file links its descriptors into the generated pool.
  (void)v1::AuditRecord::descriptor();
  (void)v1::ReceivedRoute::descriptor();
  for (const char* name :
       {v1::Peerings::service_full_name(), v1::Registrations::service_full_name(),
        v1::PeeringServices::service_full_name(), v1::Validation::service_full_name(),
        v1::Routes::service_full_name(), v1::RouteInjection::service_full_name(),
        v1::Admin::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* s =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(s, nullptr) << name;
    if (s == nullptr) continue;
    for (int i = 0; i < s->method_count(); ++i) {
      paths.insert(absl::StrCat("/", s->full_name(), "/", s->method(i)->name()));
    }
  }
  return paths;
}

TEST(AccessPolicyTest, EveryServedMethodHasExactlyOneRow) {
  std::set<std::string> rows;
  for (const RpcRule& r : RpcRules()) {
    EXPECT_TRUE(rows.insert(r.path).second) << "two rows for " << r.path;
    EXPECT_FALSE(r.allowed.empty()) << r.path << " allows no role";
  }
  EXPECT_EQ(rows, ServedMethods());
}

TEST(AccessPolicyTest, TheTableIsTheReadmes) {
  std::map<std::string, std::set<std::string>> readme =
      testing::ReadReadmeMatrix(PFX_SOURCE_DIR "/README.md");
  ASSERT_EQ(readme.size(), RpcRules().size()) << "README.md#security lists other RPCs";
  for (const RpcRule& r : RpcRules()) {
    auto it = readme.find(r.path);
    ASSERT_NE(it, readme.end()) << r.path << " is missing from README.md#security";
    std::set<std::string> allowed;
    for (Role role : kAllRoles) {
      if (r.allowed.Contains(role)) allowed.insert(std::string(RoleName(role)));
    }
    EXPECT_EQ(allowed, it->second) << r.path;
  }
}

TEST(AccessPolicyTest, OnlyPortalMutatesResourcesAndSeesKeys) {
  for (Role r : kAllRoles) {
    absl::Status s = Authorize(WithRoles({r}), "/pfx.v1.Registrations/CreateRegisteredPrefix");
    EXPECT_EQ(s.ok(), r == Role::kPortal) << RoleName(r);
    EXPECT_EQ(SeesKeys(WithRoles({r})), r == Role::kPortal) << RoleName(r);
  }
}

TEST(AccessPolicyTest, RefusalNamesTheRoleTheCallerAndTheRpc) {
  absl::Status s = Authorize(WithRoles({Role::kDashboard}), "/pfx.v1.Peerings/DeletePeering");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("role dashboard (CN=test) may not call "
                                     "pfx.v1.Peerings/DeletePeering; it needs portal"));
}

TEST(AccessPolicyTest, ACallerWithSeveralRolesHoldsEach) {
  Caller c = WithRoles({Role::kDashboard, Role::kRevalidator});
  EXPECT_TRUE(Authorize(c, "/pfx.v1.Validation/Revalidate").ok());
  EXPECT_TRUE(Authorize(c, "/pfx.v1.Routes/ListSessions").ok());
  EXPECT_FALSE(Authorize(c, "/pfx.v1.RouteInjection/AnnounceRoutes").ok());
  EXPECT_FALSE(SeesKeys(c));
}

TEST(AccessPolicyTest, ACertificateWithoutARoleMayCallNothingButHealthAndReflection) {
  Caller stranger = WithRoles({});
  absl::Status s = Authorize(stranger, "/pfx.v1.Peerings/GetPeering");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("holds no role"));
  EXPECT_TRUE(Authorize(stranger, "/grpc.health.v1.Health/Check").ok());
  EXPECT_TRUE(
      Authorize(stranger, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").ok());
}

TEST(AccessPolicyTest, WithoutACertificateOnlyHealthAnswers) {
  Caller anonymous{.identity = "an unauthenticated client", .authenticated = false};
  EXPECT_TRUE(Authorize(anonymous, "/grpc.health.v1.Health/Check").ok());
  EXPECT_TRUE(Authorize(anonymous, "/grpc.health.v1.Health/Watch").ok());
  absl::Status reflection =
      Authorize(anonymous, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  EXPECT_EQ(reflection.code(), absl::StatusCode::kUnauthenticated);
  absl::Status get = Authorize(anonymous, "/pfx.v1.Peerings/GetPeering");
  EXPECT_EQ(get.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(get.message(), HasSubstr("pfx.v1.Peerings/GetPeering needs a client certificate"));
}

TEST(AccessPolicyTest, AnRpcWithoutARowIsClosedToEveryRole) {
  absl::Status s = Authorize(WithRoles(RoleSet::All()), "/pfx.v1.Admin/Backup");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("no role may call it"));
}

TEST(AccessPolicyTest, LocalPlaintextHoldsEveryRole) {
  Caller local = Caller::LocalPlaintext();
  for (const std::string& path : ServedMethods()) EXPECT_TRUE(Authorize(local, path).ok()) << path;
  EXPECT_TRUE(SeesKeys(local));
}

TEST(AccessPolicyTest, RoleNamesRoundTrip) {
  for (Role r : kAllRoles) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_EQ(ParseRole("admin"), std::nullopt);
  EXPECT_EQ(ParseRole("Portal"), std::nullopt);
  EXPECT_EQ(RoleSet({Role::kOps, Role::kDashboard}).ToString(), "dashboard+ops");
  EXPECT_EQ(RoleSet().ToString(), "none");
}

}  // namespace
}  // namespace pfx
