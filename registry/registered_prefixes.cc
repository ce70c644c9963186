#include "registry/registered_prefixes.h"

#include "absl/strings/str_cat.h"

namespace pfx {

absl::Status RegisteredPrefixTable::Load(const Database& db) {
  FamilyTable v4, v6;
  absl::Status damaged;
  absl::Status scanned =
      db.Scan(Column::kIdxPrefix, "", "", [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(key);
        if (!prefix.ok()) {
          damaged = absl::DataLossError(absl::StrCat(
              "idx_prefix row '", key, "' is not a prefix: ", prefix.status().message()));
          return false;
        }
        FamilyTable& table = prefix->is_v4() ? v4 : v6;
        if (table.holders.emplace(*prefix, std::string(value)).second) {
          ++table.per_length[prefix->length()];
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!damaged.ok()) return damaged;
  absl::MutexLock lock(&mu_);
  v4_ = std::move(v4);
  v6_ = std::move(v6);
  return absl::OkStatus();
}

void RegisteredPrefixTable::Insert(const IpPrefix& prefix, std::string registration) {
  absl::MutexLock lock(&mu_);
  FamilyTable& table = For(prefix);
  auto [it, inserted] = table.holders.insert_or_assign(prefix, std::move(registration));
  if (inserted) ++table.per_length[prefix.length()];
}

void RegisteredPrefixTable::Erase(const IpPrefix& prefix) {
  absl::MutexLock lock(&mu_);
  FamilyTable& table = For(prefix);
  if (table.holders.erase(prefix) > 0) --table.per_length[prefix.length()];
}

std::vector<RegisteredPrefixTable::Holder> RegisteredPrefixTable::Covering(
    const IpPrefix& prefix) const {
  std::vector<Holder> found;
  absl::ReaderMutexLock lock(&mu_);
  const FamilyTable& table = prefix.is_v4() ? v4_ : v6_;
  for (int length = prefix.length(); length >= 0; --length) {
    if (table.per_length[length] == 0) continue;
    IpPrefix covering(prefix.address(), length);
    auto it = table.holders.find(covering);
    if (it != table.holders.end()) found.push_back({covering, it->second});
  }
  return found;
}

size_t RegisteredPrefixTable::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return v4_.holders.size() + v6_.holders.size();
}

}  // namespace pfx
