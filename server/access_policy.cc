#include "server/access_policy.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace pfx {
namespace {

constexpr absl::string_view kHealthPrefix = "/grpc.health.v1.Health/";
constexpr absl::string_view kReflectionPrefixes[] = {"/grpc.reflection.v1alpha.ServerReflection/",
                                                     "/grpc.reflection.v1.ServerReflection/"};

constexpr RoleSet kPortal = {Role::kPortal};
constexpr RoleSet kRevalidator = {Role::kRevalidator};
constexpr RoleSet kFeedAdmin = {Role::kFeedAdmin};
// Reads of resources, validation state and routes: every role but feed-admin (keys only for
// portal, see SeesKeys).
constexpr RoleSet kReaders = {Role::kPortal, Role::kRevalidator, Role::kDashboard, Role::kOps};

std::vector<RpcRule> BuildRules() {
  std::vector<RpcRule> rules;
  auto add = [&rules](absl::string_view service, std::initializer_list<absl::string_view> methods,
                      RoleSet allowed) {
    for (absl::string_view m : methods) {
      rules.push_back({absl::StrCat("/pfx.v1.", service, "/", m), allowed});
    }
  };
  add("Peerings", {"CreatePeering", "SetConnectionState", "DeletePeering"}, kPortal);
  add("Peerings", {"GetPeering", "ListPeerings"}, kReaders);
  add("Registrations",
      {"CreateRegisteredPrefix", "DeleteRegisteredPrefix", "CreateRegisteredAsn",
       "DeleteRegisteredAsn"},
      kPortal);
  add("Registrations",
      {"GetRegisteredPrefix", "ListRegisteredPrefixes", "GetRegisteredAsn", "ListRegisteredAsns"},
      kReaders);
  add("Registrations", {"ValidateRegisteredPrefix"}, kRevalidator);
  add("PeeringServices",
      {"CreatePeeringService", "DeletePeeringService", "CreatePeeringServicePrefix",
       "DeletePeeringServicePrefix"},
      kPortal);
  add("PeeringServices",
      {"GetPeeringService", "ListPeeringServices", "GetPeeringServicePrefix",
       "ListPeeringServicePrefixes"},
      kReaders);
  add("Validation", {"Revalidate"}, kRevalidator);
  add("Validation", {"Explain", "WatchValidation"}, kReaders);
  add("Routes", {"ListReceivedRoutes", "ListSessions"}, kReaders);
  add("RouteInjection", {"AnnounceRoutes", "WithdrawRoutes", "SetSessionState"}, kFeedAdmin);
  add("Admin", {"ListAuditRecords", "CreateBackup"}, RoleSet{Role::kOps});
  add("Admin", {"ReloadReferenceData"}, RoleSet{Role::kFeedAdmin, Role::kOps});
  return rules;
}

const absl::flat_hash_map<std::string, RoleSet>& RulesByPath() {
  static const auto* by_path = [] {
    auto* m = new absl::flat_hash_map<std::string, RoleSet>();
    for (const RpcRule& r : RpcRules()) (*m)[r.path] = r.allowed;
    return m;
  }();
  return *by_path;
}

bool IsReflection(absl::string_view path) {
  for (absl::string_view prefix : kReflectionPrefixes) {
    if (absl::StartsWith(path, prefix)) return true;
  }
  return false;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPortal:
      return "portal";
    case Role::kRevalidator:
      return "revalidator";
    case Role::kDashboard:
      return "dashboard";
    case Role::kFeedAdmin:
      return "feed-admin";
    case Role::kOps:
      return "ops";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string RoleSet::ToString() const {
  std::vector<absl::string_view> names;
  for (Role r : kAllRoles) {
    if (Contains(r)) names.push_back(RoleName(r));
  }
  return names.empty() ? "none" : absl::StrJoin(names, "+");
}

Caller Caller::LocalPlaintext() {
  return Caller{.identity = "local-plaintext", .authenticated = false, .roles = RoleSet::All()};
}

const std::vector<RpcRule>& RpcRules() {
  static const auto* rules = new std::vector<RpcRule>(BuildRules());
  return *rules;
}

absl::Status Authorize(const Caller& caller, absl::string_view path) {
  if (absl::StartsWith(path, kHealthPrefix)) return absl::OkStatus();
  const absl::string_view rpc = absl::StripPrefix(path, "/");
  const bool plaintext = caller.identity == Caller::LocalPlaintext().identity;
  if (!caller.authenticated && !plaintext) {
    return absl::UnauthenticatedError(
        absl::StrCat(rpc,
                     " needs a client certificate signed by pfxd's client CA (only health checks "
                     "answer without one)"));
  }
  if (IsReflection(path)) return absl::OkStatus();
  auto it = RulesByPath().find(path);
  if (it == RulesByPath().end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(rpc, " is not an RPC of pfxd's access policy; no role may call it"));
  }
  if (caller.roles.Intersects(it->second)) return absl::OkStatus();
  if (caller.roles.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "caller ", caller.identity, " holds no role (no role binding matches its certificate) ",
        "and may not call ", rpc, "; it needs ", it->second.ToString()));
  }
  return absl::PermissionDeniedError(absl::StrCat("role ", caller.roles.ToString(), " (",
                                                  caller.identity, ") may not call ", rpc,
                                                  "; it needs ", it->second.ToString()));
}

bool SeesKeys(const Caller& caller) { return caller.roles.Contains(Role::kPortal); }

}  // namespace pfx
