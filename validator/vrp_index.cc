#include "validator/vrp_index.h"

#include <algorithm>
#include <tuple>

#include "absl/container/btree_set.h"
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

std::vector<Vrp> VrpIndex::All() const {
  std::vector<Vrp> out;
  out.reserve(size_);
  for (const auto& [prefix, entries] : by_prefix_) {
    for (const Entry& e : entries) out.push_back(ToVrp(prefix, e));
  }
  return out;
}

namespace {

// What decides a verdict at one prefix: (AS, max length) pairs; the trust anchor does not.
absl::btree_set<std::pair<uint32_t, uint8_t>> Decisive(const std::vector<Vrp>& at_prefix) {
  absl::btree_set<std::pair<uint32_t, uint8_t>> out;
  for (const Vrp& v : at_prefix) out.insert({v.asn, v.max_length});
  return out;
}

absl::flat_hash_map<IpPrefix, std::vector<Vrp>> ByPrefix(const VrpIndex& index) {
  absl::flat_hash_map<IpPrefix, std::vector<Vrp>> out;
  for (Vrp& v : index.All()) out[v.prefix].push_back(std::move(v));
  return out;
}

}  // namespace

std::vector<IpPrefix> ChangedVrpPrefixes(const VrpIndex& before, const VrpIndex& after) {
  absl::flat_hash_map<IpPrefix, std::vector<Vrp>> old_vrps = ByPrefix(before);
  absl::flat_hash_map<IpPrefix, std::vector<Vrp>> new_vrps = ByPrefix(after);
  std::vector<IpPrefix> changed;
  for (const auto& [prefix, vrps] : old_vrps) {
    auto it = new_vrps.find(prefix);
    if (it == new_vrps.end() || Decisive(vrps) != Decisive(it->second)) {
      changed.push_back(prefix);
    }
  }
  for (const auto& [prefix, vrps] : new_vrps) {
    if (!old_vrps.contains(prefix)) changed.push_back(prefix);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

}  // namespace pfx
