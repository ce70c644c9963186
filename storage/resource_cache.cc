#include "storage/resource_cache.h"

#include "absl/hash/hash.h"

namespace pfx {

size_t ResourceCache::ShardIndex(absl::string_view key) { return absl::HashOf(key) % kShards; }

ResourceCache::Tokens ResourceCache::AllTokens() const {
  Tokens tokens;
  for (size_t i = 0; i < kShards; ++i) {
    absl::ReaderMutexLock lock(&shards_[i].mu);
    tokens[i] = shards_[i].writes;
  }
  return tokens;
}

std::optional<std::string> ResourceCache::Find(absl::string_view key) const {
  Shard& shard = ShardOf(key);
  absl::ReaderMutexLock lock(&shard.mu);
  auto it = shard.values.find(key);
  if (it == shard.values.end()) return std::nullopt;
  return it->second;
}

uint64_t ResourceCache::Token(absl::string_view key) const {
  Shard& shard = ShardOf(key);
  absl::ReaderMutexLock lock(&shard.mu);
  return shard.writes;
}

void ResourceCache::Fill(absl::string_view key, absl::string_view value, uint64_t token) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  if (shard.writes != token) return;  // a write may have made `value` stale
  Store(shard, key, value);
}

void ResourceCache::Apply(absl::string_view key, std::optional<absl::string_view> value) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  ++shard.writes;
  if (value.has_value() && Store(shard, key, *value)) return;
  // A delete, or a new value the budget cannot take: nothing stale may stay.
  auto it = shard.values.find(key);
  if (it == shard.values.end()) return;
  bytes_.fetch_sub(Cost(it->first, it->second));
  shard.values.erase(it);
}

bool ResourceCache::Store(Shard& shard, absl::string_view key, absl::string_view value) {
  auto it = shard.values.find(key);
  if (it != shard.values.end()) {
    const size_t old_cost = Cost(it->first, it->second);
    if (bytes_.load() - old_cost + Cost(key, value) > budget_bytes_) {
      // A grown value the budget cannot take: the old one goes (it is stale either way).
      bytes_.fetch_sub(old_cost);
      shard.values.erase(it);
      return false;
    }
    bytes_.fetch_sub(old_cost);
    it->second.assign(value.data(), value.size());
    bytes_.fetch_add(Cost(it->first, it->second));
    return true;
  }
  if (bytes_.load() + Cost(key, value) > budget_bytes_) return false;
  shard.values.emplace(key, value);
  bytes_.fetch_add(Cost(key, value));
  return true;
}

void ResourceCache::Clear() {
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    ++shard.writes;
    for (const auto& [key, value] : shard.values) bytes_.fetch_sub(Cost(key, value));
    shard.values.clear();
  }
}

size_t ResourceCache::entries() const {
  size_t n = 0;
  for (Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    n += shard.values.size();
  }
  return n;
}

}  // namespace pfx
