#include "feed/route_attributes.h"

#include <algorithm>

namespace pfx {

AttributeStore::Id AttributeStore::Acquire(const RouteAttributes& attributes) {
  const Probe probe{&attributes, Hash32(attributes)};
  if (auto it = by_value_.find(probe); it != by_value_.end()) {
    if (slots_[*it].references++ == 0) --unreferenced_;
    return *it;
  }
  Id id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<Id>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[id];
  slot.attributes = std::make_unique<RouteAttributes>(attributes);
  slot.references = 1;
  slot.hash = probe.hash;
  by_value_.insert(id);  // hashed from the slot, which is filled first
  peak_in_use_ = std::max(peak_in_use_, size());
  return id;
}

void AttributeStore::Release(Id id) {
  if (--slots_[id].references > 0) return;
  if (++unreferenced_ > std::max(peak_in_use_, kMinRetained)) Sweep();
}

void AttributeStore::Sweep() {
  for (Id id = 0; id < slots_.size(); ++id) {
    Slot& slot = slots_[id];
    if (slot.attributes == nullptr || slot.references > 0) continue;
    by_value_.erase(id);  // hashed from the slot, which is still filled
    slot.attributes.reset();
    free_ids_.push_back(id);
  }
  unreferenced_ = 0;
}

}  // namespace pfx
