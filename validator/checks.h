// File: checks.h
// -----------------------------------------------------------------------------
// The check pipelines of SPEC §3. Each takes everything it needs as plain values (what the
// feed saw on each required session, the IRR index, the candidate keys) and returns a
// ValidationResult with one CheckReport per check, in SPEC order, every check evaluated so
// Explain can show them all. No I/O, no clock: hold-down is applied by hold_down.h.
// Thread-safe: pure functions (the IrrIndex must not be mutated concurrently).

#ifndef PFX_VALIDATOR_CHECKS_H_
#define PFX_VALIDATOR_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "validator/check_result.h"
#include "validator/irr_index.h"
#include "validator/prefix_key.h"
#include "validator/vrp_index.h"

namespace pfx {

// What an RPKI-invalid route does to the prefix (config rpki_policy): kAdvisory shows it as
// evidence only (check outcome WARN, state unchanged); kWarn turns an otherwise VERIFIED
// prefix WARNING; kRejectInvalid fails the check (FAILED: a route change can fix it).
enum class RpkiPolicy { kAdvisory, kWarn, kRejectInvalid };

// The rpki-origin check's data: `vrps` null when no RPKI source is configured (the check is
// NOT_EVALUATED and decides nothing), or when the configured source cannot answer now
// (`unavailable`: an RTR cache out of sync): then UNDETERMINED under WARN and REJECT_INVALID
// (state UNKNOWN rather than a VERIFIED that no RPKI data backs), NOT_EVALUATED under
// ADVISORY.
struct RpkiInput {
  const VrpIndex* vrps = nullptr;
  RpkiPolicy policy = RpkiPolicy::kAdvisory;
  bool unavailable = false;
};

struct RegisteredPrefixInput {
  IpPrefix prefix;
  // Every session of every ACTIVE connection of the parent peering.
  std::vector<SessionObservation> required_sessions;
  const IrrIndex* irr = nullptr;  // null: no IRR data loaded (irr-origin fails)
  RpkiInput rpki;
};

// Checks: not-private, irr-origin, all-sessions-advertise, community, as-path, rpki-origin.
// INVALID only for a private prefix; every other failure can be fixed by the routes, so it is
// FAILED.
ValidationResult CheckRegisteredPrefix(RegisteredPrefixInput input);

// The registration a key belongs to, e.g. "registered prefix voice-1/r1 (203.0.112.0/23)".
struct KeyCandidate {
  PrefixKey key;
  std::string owner;  // e.g. "registered prefix voice-1/r1 (203.0.112.0/23)"
};

struct ServicePrefixInput {
  IpPrefix prefix;
  // Absent in a dry run without a key: key-match then says which keys would match.
  std::optional<PrefixKey> given_key;
  // When the given key belongs to a registration on one of the provider's peerings (which
  // may not be the one this prefix needs): that registration. Decides FAILED vs INVALID.
  struct KeyOwner {
    std::string description;      // "registered ASN rs-1/cust"
    bool registered_asn = false;  // else a registered prefix
  };
  std::optional<KeyOwner> given_key_owner;
  bool provider_found = false;  // a peering with peer_asn == provider_asn exists
  // Sessions of the provider's ACTIVE connections at the primary / backup location.
  std::vector<SessionObservation> primary_sessions;
  bool has_backup_location = false;
  std::vector<SessionObservation> backup_sessions;
  // VOICE: registered prefixes equal to or covering this prefix on the provider's peerings.
  std::vector<KeyCandidate> registered_prefix_keys;
  // ROUTE SERVER: registered ASNs on the provider's peerings, by customer ASN.
  absl::flat_hash_map<uint32_t, KeyCandidate> registered_asn_keys;
  const IrrIndex* irr = nullptr;
  RpkiInput rpki;
};

// Checks: not-private, irr-origin, provider, key-match, primary-and-backup-advertise, community,
// as-path, rpki-origin. INVALID (no route change can fix it) only for: a private prefix, no peering with
// the provider ASN, and a key that no route can make match (it belongs to no registration of
// the provider, or to a registered prefix of the provider that does not cover this prefix).
// A key of one of the provider's registered ASNs waits for a route from that ASN: FAILED
// (or NOT_EVALUATED while no route is seen, the advertise check failing meanwhile).
ValidationResult CheckServicePrefix(const ServicePrefixInput& input);

}  // namespace pfx

#endif  // PFX_VALIDATOR_CHECKS_H_
