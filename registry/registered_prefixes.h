// File: registered_prefixes.h
// -----------------------------------------------------------------------------
// RegisteredPrefixTable: every registered prefix in memory, for the covering lookups of
// peering service prefix validation ("which registrations hold this prefix or one covering
// it?"), which cost up to 25 (IPv4) or 49 (IPv6 /48) RocksDB point reads per prefix before.
//
// Layout: one hash map per family from prefix to its registration (the idx_prefix key), plus
// a count of registrations per prefix length. Covering() probes only the lengths that hold a
// registration, from the prefix's own length down: registrations are almost all /24 (IPv4)
// and /48 (IPv6), so a lookup is one or two hash probes. This does the job of a prefix trie
// without its pointer chasing; each entry costs the prefix (20 B), the key and the map's
// overhead (~100 B with a 40-character key).
//
// The registry changes it through WriteSet::OnApplied hooks, so it changes exactly when the
// idx_prefix batch is applied, under the store's write lock; Load() fills it at start-up from
// idx_prefix. Thread-safe: reads share a lock.

#ifndef PFX_REGISTRY_REGISTERED_PREFIXES_H_
#define PFX_REGISTRY_REGISTERED_PREFIXES_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/database.h"
#include "validator/ip_prefix.h"

namespace pfx {

class RegisteredPrefixTable {
 public:
  struct Holder {
    IpPrefix prefix;
    std::string registration;  // the registered prefix's key (keys::Child(peering, name))
  };

  // Replaces the contents with idx_prefix's. A row whose prefix does not parse is DATA_LOSS.
  absl::Status Load(const Database& db);

  void Insert(const IpPrefix& prefix, std::string registration);
  void Erase(const IpPrefix& prefix);

  // The registrations of `prefix` and of every prefix covering it, most specific first.
  std::vector<Holder> Covering(const IpPrefix& prefix) const;
  size_t size() const;

 private:
  struct FamilyTable {
    absl::flat_hash_map<IpPrefix, std::string> holders;
    std::array<uint32_t, 129> per_length{};  // registrations per prefix length
  };
  FamilyTable& For(const IpPrefix& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return p.is_v4() ? v4_ : v6_;
  }

  mutable absl::Mutex mu_;
  FamilyTable v4_ ABSL_GUARDED_BY(mu_);
  FamilyTable v6_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_REGISTRY_REGISTERED_PREFIXES_H_
