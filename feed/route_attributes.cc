#include "feed/route_attributes.h"

namespace pfx {

AttributeStore::Id AttributeStore::Acquire(const RouteAttributes& attributes) {
  if (auto it = by_value_.find(&attributes); it != by_value_.end()) {
    ++slots_[it->second].references;
    return it->second;
  }
  Id id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<Id>(slots_.size());
    slots_.emplace_back();
  }
  slots_[id].attributes = std::make_unique<RouteAttributes>(attributes);
  slots_[id].references = 1;
  by_value_.emplace(slots_[id].attributes.get(), id);
  return id;
}

void AttributeStore::Release(Id id) {
  Slot& slot = slots_[id];
  if (--slot.references > 0) return;
  by_value_.erase(slot.attributes.get());
  slot.attributes.reset();
  free_ids_.push_back(id);
}

}  // namespace pfx
