#include "validator/special_purpose_registry.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace pfx {
namespace {

std::string Describe(const SpecialPurposeEntry& e) {
  return absl::StrCat(e.prefix, " (", e.name, ", ", e.rfc, ")");
}

}  // namespace

const SpecialPurposeRegistry& SpecialPurposeRegistry::Default() {
  static const SpecialPurposeRegistry* registry = new SpecialPurposeRegistry();
  return *registry;
}

SpecialPurposeRegistry::SpecialPurposeRegistry() {
  for (const SpecialPurposeEntry& e : SpecialPurposeTable()) {
    auto prefix = IpPrefix::Parse(e.prefix);
    if (!prefix.ok()) std::abort();  // the table is compiled in; a typo is a build defect
    entries_.push_back({*prefix, e});
  }
}

PrivacyVerdict SpecialPurposeRegistry::Classify(const IpPrefix& prefix) const {
  PrivacyVerdict verdict;
  if (prefix.length() == 0) {
    verdict.is_private = true;
    verdict.reason = absl::StrCat(prefix.ToString(), " is the default route");
    return verdict;
  }
  const Parsed* most_specific_cover = nullptr;
  for (const Parsed& p : entries_) {
    if (p.prefix.Covers(prefix) && (most_specific_cover == nullptr ||
                                    p.prefix.length() > most_specific_cover->prefix.length())) {
      most_specific_cover = &p;
    }
  }
  if (most_specific_cover != nullptr && !most_specific_cover->entry.globally_reachable) {
    verdict.is_private = true;
    verdict.entry = most_specific_cover->entry;
    verdict.entry_prefix = most_specific_cover->prefix;
    verdict.reason =
        absl::StrCat(prefix.ToString(), " is inside ", Describe(most_specific_cover->entry));
    return verdict;
  }
  for (const Parsed& p : entries_) {
    if (!p.entry.globally_reachable && prefix.Covers(p.prefix)) {
      verdict.is_private = true;
      verdict.entry = p.entry;
      verdict.entry_prefix = p.prefix;
      verdict.reason = absl::StrCat(prefix.ToString(), " contains ", Describe(p.entry));
      return verdict;
    }
  }
  if (most_specific_cover != nullptr) {
    verdict.entry = most_specific_cover->entry;
    verdict.entry_prefix = most_specific_cover->prefix;
    verdict.reason = absl::StrCat(prefix.ToString(), " is inside globally reachable ",
                                  Describe(most_specific_cover->entry));
  } else {
    verdict.reason = absl::StrCat(prefix.ToString(), " is not in any special-purpose range");
  }
  return verdict;
}

}  // namespace pfx
