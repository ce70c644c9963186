#include "validator/irr_index.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pfx {

std::string IrrObject::ToString() const {
  return absl::StrCat(prefix.is_v4() ? "route: " : "route6: ", prefix.ToString(), " origin: AS",
                      origin, " source: ", source);
}

IrrIndex::IrrIndex(absl::flat_hash_set<std::string> accepted_sources)
    : accepted_(std::move(accepted_sources)) {}

bool IrrIndex::Add(const IpPrefix& prefix, uint32_t origin, absl::string_view source) {
  std::string upper = absl::AsciiStrToUpper(source);
  if (!accepted_.empty() && !accepted_.contains(upper)) return false;
  auto name_it = std::find(source_names_.begin(), source_names_.end(), upper);
  uint16_t source_id = static_cast<uint16_t>(name_it - source_names_.begin());
  if (name_it == source_names_.end()) source_names_.push_back(upper);
  std::vector<Entry>& entries = objects_[prefix];
  for (const Entry& e : entries) {
    if (e.origin == origin && e.source_id == source_id) return true;
  }
  entries.push_back({origin, source_id});
  ++object_count_;
  return true;
}

IrrObject IrrIndex::ToObject(const IpPrefix& prefix, const Entry& e) const {
  return {prefix, e.origin, source_names_[e.source_id]};
}

IrrVerdict IrrIndex::Lookup(const IpPrefix& prefix, uint32_t origin) const {
  IrrVerdict verdict;
  std::vector<IrrObject> others;
  // Walk from the exact prefix towards /0: at most 33 (IPv4) or 129 (IPv6) hash probes.
  for (int length = prefix.length(); length >= 0; --length) {
    IpPrefix candidate(prefix.address(), length);
    auto it = objects_.find(candidate);
    if (it == objects_.end()) continue;
    bool found_here = false;
    for (const Entry& e : it->second) {
      if (e.origin == origin) {
        verdict.objects.push_back(ToObject(candidate, e));
        found_here = true;
      } else {
        others.push_back(ToObject(candidate, e));
      }
    }
    if (found_here) {
      verdict.match = length == prefix.length() ? IrrMatch::kExact : IrrMatch::kLessSpecific;
      return verdict;
    }
  }
  if (!others.empty()) {
    verdict.match = IrrMatch::kMismatch;
    verdict.objects = std::move(others);
  }
  return verdict;
}

std::vector<std::pair<uint32_t, std::string>> IrrIndex::Signature(const IpPrefix& prefix) const {
  std::vector<std::pair<uint32_t, std::string>> out;
  auto it = objects_.find(prefix);
  if (it == objects_.end()) return out;
  for (const Entry& e : it->second) out.emplace_back(e.origin, source_names_[e.source_id]);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<IpPrefix> IrrIndex::ChangedPrefixes(const IrrIndex& before, const IrrIndex& after) {
  std::vector<IpPrefix> changed;
  for (const auto& [prefix, entries] : before.objects_) {
    if (before.Signature(prefix) != after.Signature(prefix)) changed.push_back(prefix);
  }
  for (const auto& [prefix, entries] : after.objects_) {
    if (!before.objects_.contains(prefix)) changed.push_back(prefix);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

}  // namespace pfx
