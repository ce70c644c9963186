// File: vrp_index.h
// -----------------------------------------------------------------------------
// VrpIndex: validated ROA payloads (prefix, max length, origin AS, trust anchor) and route
// origin validation of RFC 6811 for one (prefix, origin) pair:
//   kValid     a VRP covers the prefix, names this origin (not AS0) and its max length is at
//              least the prefix length;
//   kInvalid   VRPs cover the prefix, none matches (another origin, AS0, or too long a prefix,
//              or a route with no single origin AS);
//   kNotFound  no VRP covers the prefix.
// The verdict lists the covering VRPs that decided it. Build once, then share read-only (the
// RPKI store swaps a whole new index when its sources change): Add() is not thread-safe;
// Lookup() on a finished index is.

#ifndef PFX_VALIDATOR_VRP_INDEX_H_
#define PFX_VALIDATOR_VRP_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "validator/ip_prefix.h"

namespace pfx {

struct Vrp {
  IpPrefix prefix;
  uint8_t max_length = 0;
  uint32_t asn = 0;
  std::string trust_anchor;  // "ripe", "arin", ... (empty from an RTR cache)
  std::string ToString() const;  // "AS13335 1.1.1.0/24-24 (apnic)"
  friend bool operator==(const Vrp&, const Vrp&) = default;
};

enum class RpkiState { kValid, kInvalid, kNotFound };
const char* RpkiStateName(RpkiState state);  // "Valid", "Invalid", "NotFound"

struct RpkiVerdict {
  RpkiState state = RpkiState::kNotFound;
  std::vector<Vrp> covering;  // the VRPs covering the prefix (the matching ones when kValid)
};

class VrpIndex {
 public:
  // Duplicates (same prefix, max length, AS; any trust anchor) are folded. A max length
  // shorter than the prefix or beyond the family's width is the caller's to refuse.
  void Add(const Vrp& vrp);

  // `origin` absent: the route has no single origin AS (an AS_SET at the end, or an empty
  // path), which no VRP can match (RFC 6811 §2: "NONE").
  RpkiVerdict Lookup(const IpPrefix& prefix, std::optional<uint32_t> origin) const;

  size_t size() const { return size_; }

 private:
  friend std::vector<IpPrefix> ChangedVrpPrefixes(const VrpIndex& before, const VrpIndex& after);

  struct Entry {
    uint32_t asn;
    uint8_t max_length;
    uint16_t trust_anchor_id;
  };
  Vrp ToVrp(const IpPrefix& prefix, const Entry& e) const;

  std::vector<std::string> trust_anchors_;
  absl::flat_hash_map<IpPrefix, std::vector<Entry>> by_prefix_;
  size_t size_ = 0;
};

// The prefixes whose VRPs differ between `before` and `after` (a VRP added, removed or changed
// at that prefix): the route origin verdict can change only for prefixes they cover. Sorted.
std::vector<IpPrefix> ChangedVrpPrefixes(const VrpIndex& before, const VrpIndex& after);

}  // namespace pfx

#endif  // PFX_VALIDATOR_VRP_INDEX_H_
