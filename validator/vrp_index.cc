#include "validator/vrp_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pfx {

std::string Vrp::ToString() const {
  return absl::StrCat("AS", asn, " ", prefix.ToString(), "-", max_length,
                      trust_anchor.empty() ? "" : absl::StrCat(" (", trust_anchor, ")"));
}

const char* RpkiStateName(RpkiState state) {
  switch (state) {
    case RpkiState::kValid:
      return "Valid";
    case RpkiState::kInvalid:
      return "Invalid";
    case RpkiState::kNotFound:
      return "NotFound";
  }
  return "?";
}

void VrpIndex::Add(const Vrp& vrp) {
  std::vector<Entry>& entries = by_prefix_[vrp.prefix];
  for (const Entry& e : entries) {
    if (e.asn == vrp.asn && e.max_length == vrp.max_length) return;
  }
  auto ta = std::find(trust_anchors_.begin(), trust_anchors_.end(), vrp.trust_anchor);
  uint16_t ta_id = static_cast<uint16_t>(ta - trust_anchors_.begin());
  if (ta == trust_anchors_.end()) trust_anchors_.push_back(vrp.trust_anchor);
  entries.push_back({vrp.asn, vrp.max_length, ta_id});
  ++size_;
}

Vrp VrpIndex::ToVrp(const IpPrefix& prefix, const Entry& e) const {
  return {prefix, e.max_length, e.asn, trust_anchors_[e.trust_anchor_id]};
}

RpkiVerdict VrpIndex::Lookup(const IpPrefix& prefix, std::optional<uint32_t> origin) const {
  RpkiVerdict verdict;
  std::vector<Vrp> matching;
  // Walk from the exact prefix towards /0: at most 33 (IPv4) or 129 (IPv6) hash probes.
  for (int length = prefix.length(); length >= 0; --length) {
    IpPrefix candidate(prefix.address(), length);
    auto it = by_prefix_.find(candidate);
    if (it == by_prefix_.end()) continue;
    for (const Entry& e : it->second) {
      Vrp vrp = ToVrp(candidate, e);
      const bool matches = origin.has_value() && e.asn != 0 && e.asn == *origin &&
                           prefix.length() <= e.max_length;
      (matches ? matching : verdict.covering).push_back(std::move(vrp));
    }
  }
  if (!matching.empty()) {
    verdict.state = RpkiState::kValid;
    verdict.covering = std::move(matching);
  } else if (!verdict.covering.empty()) {
    verdict.state = RpkiState::kInvalid;
  }
  return verdict;
}

std::vector<IpPrefix> ChangedVrpPrefixes(const VrpIndex& before, const VrpIndex& after) {
  // What decides a verdict at one prefix: its (AS, max length) pairs; the trust anchor does not.
  auto decisive = [](const std::vector<VrpIndex::Entry>& entries) {
    std::vector<std::pair<uint32_t, uint8_t>> out;
    for (const VrpIndex::Entry& e : entries) out.emplace_back(e.asn, e.max_length);
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<IpPrefix> changed;
  for (const auto& [prefix, entries] : before.by_prefix_) {
    auto it = after.by_prefix_.find(prefix);
    if (it == after.by_prefix_.end() || decisive(entries) != decisive(it->second)) {
      changed.push_back(prefix);
    }
  }
  for (const auto& [prefix, entries] : after.by_prefix_) {
    if (!before.by_prefix_.contains(prefix)) changed.push_back(prefix);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

}  // namespace pfx
