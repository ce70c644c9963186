// File: special_purpose_registry.h
// -----------------------------------------------------------------------------
// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates), plus
// multicast and the default route, as data (special_purpose_table.cc) with each entry's RFC.
//
// A prefix is private (check "not-private") when
//   - the most specific table entry covering it is not globally reachable, or
//   - it covers (contains) any entry that is not globally reachable.
// So 192.0.0.0/24 is private, its globally reachable /32s (192.0.0.9/32, 192.0.0.10/32) are
// public, and 0.0.0.0/0 is private because it contains 10.0.0.0/8.
// Registry entries whose "Globally Reachable" column is N/A (6to4, Teredo, the deprecated
// 6to4 relay anycast) are treated as not globally reachable: partners cannot originate them.
// Thread-safe: the table is immutable.

#ifndef PFX_VALIDATOR_SPECIAL_PURPOSE_REGISTRY_H_
#define PFX_VALIDATOR_SPECIAL_PURPOSE_REGISTRY_H_

#include <optional>
#include <span>
#include <string>

#include "absl/strings/string_view.h"
#include "validator/ip_prefix.h"

namespace pfx {

struct SpecialPurposeEntry {
  absl::string_view prefix;
  absl::string_view name;
  absl::string_view rfc;
  bool globally_reachable;
};

// The raw table, in registry order (IPv4 first).
std::span<const SpecialPurposeEntry> SpecialPurposeTable();

struct PrivacyVerdict {
  bool is_private = false;
  // The entry that decided it (covering or contained); empty when no entry is involved.
  std::optional<SpecialPurposeEntry> entry;
  std::optional<IpPrefix> entry_prefix;
  std::string reason;  // e.g. "10.1.0.0/16 is inside 10.0.0.0/8 (Private-Use, RFC 1918)"
};

class SpecialPurposeRegistry {
 public:
  // The process-wide registry built from SpecialPurposeTable().
  static const SpecialPurposeRegistry& Default();

  PrivacyVerdict Classify(const IpPrefix& prefix) const;

 private:
  struct Parsed {
    IpPrefix prefix;
    SpecialPurposeEntry entry;
  };
  SpecialPurposeRegistry();
  std::vector<Parsed> entries_;
};

}  // namespace pfx

#endif  // PFX_VALIDATOR_SPECIAL_PURPOSE_REGISTRY_H_
