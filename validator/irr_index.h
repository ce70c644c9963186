// File: irr_index.h
// -----------------------------------------------------------------------------
// IrrIndex: route/route6 objects (prefix, origin, source) from the accepted registries, and
// the irr-origin rule of SPEC §3.2 for one (prefix, origin) pair:
//   kExact          an object for exactly this prefix with this origin;
//   kLessSpecific   no exact one, but an object for a covering prefix with this origin;
//   kMismatch       objects for this prefix or a covering one exist, only with other origins;
//   kNotFound       no object for this prefix or any covering prefix.
// The verdict lists the objects that decided it with their sources.
// Objects from a source outside the accepted set are ignored at Add().
// Build once, then share read-only (the server swaps a whole new index on reload):
// Add() is not thread-safe; Lookup() on a finished index is.

#ifndef PFX_VALIDATOR_IRR_INDEX_H_
#define PFX_VALIDATOR_IRR_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "validator/ip_prefix.h"

namespace pfx {

struct IrrObject {
  IpPrefix prefix;
  uint32_t origin = 0;
  std::string source;
  std::string ToString() const;  // "route: 203.0.113.0/24 origin: AS64500 source: RADB"
};

enum class IrrMatch { kExact, kLessSpecific, kMismatch, kNotFound };

struct IrrVerdict {
  IrrMatch match = IrrMatch::kNotFound;
  std::vector<IrrObject> objects;  // the matching objects, or the mismatching ones
};

class IrrIndex {
 public:
  // `accepted_sources` in upper case, e.g. {"RADB", "RIPE"}; empty accepts every source.
  explicit IrrIndex(absl::flat_hash_set<std::string> accepted_sources = {});

  // Returns false (and stores nothing) when the source is not accepted. Duplicates are folded.
  bool Add(const IpPrefix& prefix, uint32_t origin, absl::string_view source);

  IrrVerdict Lookup(const IpPrefix& prefix, uint32_t origin) const;

  size_t object_count() const { return object_count_; }
  // The prefixes whose objects differ between `before` and `after` (an object added or
  // removed there, origin and source compared): the irr-origin verdict can change only for
  // prefixes they cover. Sorted.
  static std::vector<IpPrefix> ChangedPrefixes(const IrrIndex& before, const IrrIndex& after);
  const absl::flat_hash_set<std::string>& accepted_sources() const { return accepted_; }

 private:
  struct Entry {
    uint32_t origin;
    uint16_t source_id;
  };
  IrrObject ToObject(const IpPrefix& prefix, const Entry& e) const;
  // The (origin, source) pairs at `prefix`, sorted; empty when none.
  std::vector<std::pair<uint32_t, std::string>> Signature(const IpPrefix& prefix) const;

  absl::flat_hash_set<std::string> accepted_;
  std::vector<std::string> source_names_;
  absl::flat_hash_map<IpPrefix, std::vector<Entry>> objects_;
  size_t object_count_ = 0;
};

}  // namespace pfx

#endif  // PFX_VALIDATOR_IRR_INDEX_H_
