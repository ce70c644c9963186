// File: route_attributes.h
// -----------------------------------------------------------------------------
// RouteAttributes: the path attributes pfxd validates (AS path, communities, next hop,
// ORIGIN), and AttributeStore, which interns them: routes of one UPDATE, and most routes of a
// full table, share a handful of attribute sets, so the index stores a 32-bit id per route.
// AttributeStore is reference counted. A set whose last route goes is kept, unreferenced, for
// reuse: a router that reconnects drops and re-sends its whole table, and destroying then
// rebuilding every set cost more than indexing the routes. Unreferenced sets are freed once
// they outnumber the most sets ever in use, so memory stays under twice that peak.
// Thread-safety: AttributeStore is not synchronized; RouteIndex guards it with its lock.

#ifndef PFX_FEED_ROUTE_ATTRIBUTES_H_
#define PFX_FEED_ROUTE_ATTRIBUTES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "validator/as_path.h"
#include "validator/ip_prefix.h"

namespace pfx {

struct RouteAttributes {
  AsPath as_path;
  std::vector<uint32_t> communities;
  IpAddress next_hop;
  uint8_t origin = 0;  // 0 IGP, 1 EGP, 2 INCOMPLETE

  friend bool operator==(const RouteAttributes&, const RouteAttributes&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const RouteAttributes& a) {
    return H::combine(std::move(h), a.as_path, a.communities, a.next_hop, a.origin);
  }
};

class AttributeStore {
 public:
  using Id = uint32_t;

  AttributeStore() = default;
  AttributeStore(const AttributeStore&) = delete;  // the set's functors point at slots_
  AttributeStore& operator=(const AttributeStore&) = delete;

  // Returns the id of an equal attribute set, adding one reference.
  Id Acquire(const RouteAttributes& attributes);
  // Adds a reference to a set already held (one more route with it).
  void AddReference(Id id) { ++slots_[id].references; }
  void Release(Id id);
  const RouteAttributes& Get(Id id) const { return *slots_[id].attributes; }
  // Sets in use (referenced by at least one route).
  size_t size() const { return by_value_.size() - unreferenced_; }

 private:
  struct Slot {
    std::unique_ptr<RouteAttributes> attributes;
    uint32_t references = 0;
    uint32_t hash = 0;  // of *attributes (Hash32), kept in what was the slot's padding
  };
  // What Acquire looks up: a set not interned yet, with its hash.
  struct Probe {
    const RouteAttributes* attributes;
    uint32_t hash;
  };
  // The interning set holds ids only (4 bytes each); hashing and comparing go through the
  // slots, so growing the set re-hashes from the slots' stored hashes without touching the
  // attribute sets, and a probe compares a set only when its whole hash matches.
  struct IdHash {
    using is_transparent = void;
    const std::vector<Slot>* slots;
    size_t operator()(Id id) const { return (*slots)[id].hash; }
    size_t operator()(const Probe& p) const { return p.hash; }
  };
  struct IdEq {
    using is_transparent = void;
    const std::vector<Slot>* slots;
    bool operator()(Id a, Id b) const { return a == b; }
    bool operator()(Id a, const Probe& p) const {
      const Slot& slot = (*slots)[a];
      return slot.hash == p.hash && *slot.attributes == *p.attributes;
    }
    bool operator()(const Probe& p, Id a) const { return (*this)(a, p); }
  };
  static uint32_t Hash32(const RouteAttributes& a) {
    const uint64_t h = absl::HashOf(a);
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  static constexpr size_t kMinRetained = 4096;
  // Frees every unreferenced set.
  void Sweep();

  std::vector<Slot> slots_;
  std::vector<Id> free_ids_;
  size_t unreferenced_ = 0;  // sets kept in by_value_ with no references
  size_t peak_in_use_ = 0;
  absl::flat_hash_set<Id, IdHash, IdEq> by_value_{0, IdHash{&slots_}, IdEq{&slots_}};
};

}  // namespace pfx

#endif  // PFX_FEED_ROUTE_ATTRIBUTES_H_
