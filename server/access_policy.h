// File: access_policy.h
// -----------------------------------------------------------------------------
// Who may call what (README.md#security): the five caller roles, the role x RPC matrix, and
// the one decision made for every call. Pure data and functions, no gRPC: the TLS layer
// (server/access_control.h) finds the caller's roles in its certificate and asks here.
//
// Rules of the matrix:
//   - every pfx.v1 RPC has a row (a test holds every method of every service to it); a path
//     with no row is denied, so a service added later is closed until it is given one;
//   - grpc.health.v1 is open to every caller, with or without a certificate (probes);
//   - reflection needs an authenticated caller (a certificate the client CA vouches for),
//     whatever its roles;
//   - only `portal` sees prefix keys (SeesKeys); every other role gets them redacted.

#ifndef PFX_SERVER_ACCESS_POLICY_H_
#define PFX_SERVER_ACCESS_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pfx {

enum class Role : uint8_t { kPortal, kRevalidator, kDashboard, kFeedAdmin, kOps };
inline constexpr Role kAllRoles[] = {Role::kPortal, Role::kRevalidator, Role::kDashboard,
                                     Role::kFeedAdmin, Role::kOps};

// "portal", "revalidator", "dashboard", "feed-admin", "ops".
absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

// A set of roles, as a bit per Role.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static constexpr RoleSet All() { return RoleSet(kAllBits); }

  void Add(Role role) { bits_ |= Bit(role); }
  bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  bool Intersects(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  bool empty() const { return bits_ == 0; }
  bool operator==(const RoleSet& other) const = default;
  // "dashboard+ops", "none" when empty.
  std::string ToString() const;

 private:
  static constexpr uint8_t kAllBits = 0x1f;
  explicit constexpr RoleSet(uint8_t bits) : bits_(bits) {}
  static constexpr uint8_t Bit(Role r) { return uint8_t{1} << static_cast<int>(r); }
  uint8_t bits_ = 0;
};

// The caller of one RPC, as the transport established it.
struct Caller {
  // The certificate subject ("CN=portal,O=Example"), or "local-plaintext" on a plaintext port.
  std::string identity;
  // A client certificate was presented and verified against the client CA.
  bool authenticated = false;
  RoleSet roles;

  // The caller of a plaintext (loopback-only) port: trusted with every role.
  static Caller LocalPlaintext();
};

// One row of the matrix: the full method path ("/pfx.v1.Peerings/CreatePeering") and the roles
// allowed to call it.
struct RpcRule {
  std::string path;
  RoleSet allowed;
};

// Every pfx.v1 RPC's row, in the order of the services' protos.
const std::vector<RpcRule>& RpcRules();

// OK when `caller` may call `path` (the ":path" of the call). Otherwise UNAUTHENTICATED for a
// caller without a certificate ("pfx.v1.Peerings/GetPeering needs a client certificate"), or
// PERMISSION_DENIED naming the caller's roles, the RPC and the roles it needs.
absl::Status Authorize(const Caller& caller, absl::string_view path);

// Whether replies to `caller` may carry prefix keys.
bool SeesKeys(const Caller& caller);

}  // namespace pfx

#endif  // PFX_SERVER_ACCESS_POLICY_H_
