// File: fixtures.h
// -----------------------------------------------------------------------------
// Builders and one-line calls for end-to-end tests: peerings shaped like the partner docs,
// route injection on named sessions, and waits on a prefix's validation state.

#ifndef PFX_TESTS_E2E_FIXTURES_H_
#define PFX_TESTS_E2E_FIXTURES_H_

#include <string>
#include <vector>

#include "tests/e2e/pfxd_process.h"

namespace pfx::testing {

struct SessionSpec {
  std::string location;
  std::string router;
  std::vector<std::string> peers;  // one session per peer address
};

v1::Peering MakePeering(const std::string& name, int64_t asn, v1::PeeringKind kind,
                        const std::vector<SessionSpec>& connections);

// Creates the peering and sets every connection ACTIVE; returns the final status.
grpc::Status CreateActivePeering(PfxdProcess& pfxd, const v1::Peering& peering);

grpc::Status RegisterPrefix(PfxdProcess& pfxd, const std::string& peering, const std::string& name,
                            const std::string& prefix, v1::RegisteredPrefix* out = nullptr,
                            const std::string& request_id = "");

grpc::Status Announce(PfxdProcess& pfxd, const std::string& router, const std::string& peer,
                      const std::string& prefix, const std::string& as_path,
                      const std::vector<std::string>& communities = {"8075:8007"});
grpc::Status Withdraw(PfxdProcess& pfxd, const std::string& router, const std::string& peer,
                      const std::string& prefix);

v1::RegisteredPrefix GetRegistered(PfxdProcess& pfxd, const std::string& peering,
                                   const std::string& name);
v1::PeeringServicePrefix GetServicePrefix(PfxdProcess& pfxd, const std::string& service,
                                          const std::string& name);

// Waits until the prefix reaches `state` with an error message containing `message_part`
// (validation runs after every route change, so intermediate states are normal); on timeout
// returns false and the last seen value.
bool WaitForRegisteredState(PfxdProcess& pfxd, const std::string& peering, const std::string& name,
                            v1::PrefixValidationState state, v1::RegisteredPrefix* last = nullptr,
                            const std::string& message_part = "",
                            absl::Duration timeout = absl::Seconds(20));
bool WaitForServiceState(PfxdProcess& pfxd, const std::string& service, const std::string& name,
                         v1::PrefixValidationState state, v1::PeeringServicePrefix* last = nullptr,
                         const std::string& message_part = "",
                         absl::Duration timeout = absl::Seconds(20));

// RPSL text with one route object per (prefix, origin).
std::string RouteObjects(const std::vector<std::pair<std::string, int>>& objects,
                         const std::string& source = "RADB");

}  // namespace pfx::testing

#endif  // PFX_TESTS_E2E_FIXTURES_H_
