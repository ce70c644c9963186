// File: resource_cache.h
// -----------------------------------------------------------------------------
// ResourceCache: the stored bytes of resources (peerings, registrations, peering services and
// their prefixes) in memory in front of RocksDB, which stays the durable store. API Gets,
// the validation engine's reads of each prefix it checks and the registry's peering lookups
// answer from here without RocksDB's lookup path (memtable, table index, data block), which
// was a third of a GetRegisteredPrefix's time in pfxd.
//
// Coherence (Database is the only user; it calls these around its RocksDB calls):
//   - a read that misses takes a Token() before reading RocksDB and offers what it read to
//     Fill(); Fill drops it when any write touched the key's shard since the token, so a value
//     read before a write can never be cached after it;
//   - a commit calls Apply() after RocksDB accepted the batch (new values replace cached ones,
//     deletes erase them), and Forget() for the keys of a batch whose outcome is unknown;
//   - Clear() empties it (the instance was reopened and its WAL replayed).
// Commits that write the same cached key must not overlap: Apply() follows RocksDB's order
// only when they are serialized. pfxd's runtime writers of these columns (the registry's
// committer, the validation workers) all hold the store's write lock; reseal and schema
// migration run alone at start-up.
// Only present keys are cached (a miss goes to RocksDB, whose bloom filters answer it).
//
// Memory: the value and key bytes plus kEntryOverhead per resource, at most `budget_bytes`
// in all; past it, new keys are not cached (cached ones are still updated, or dropped when a
// grown value no longer fits), so reads of the rest go to RocksDB as before. Thread-safe; readers of different shards never contend.

#ifndef PFX_STORAGE_RESOURCE_CACHE_H_
#define PFX_STORAGE_RESOURCE_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace pfx {

class ResourceCache {
 public:
  // Bookkeeping per cached resource besides its key and value bytes (the hash table slot and
  // the two strings' headers), counted against the budget.
  static constexpr size_t kEntryOverhead = 80;

  explicit ResourceCache(size_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // The value cached for `key` (a column-qualified key, see Database), if any.
  std::optional<std::string> Find(absl::string_view key) const;
  // The state of `key`'s shard, taken before a read of RocksDB that may Fill().
  uint64_t Token(absl::string_view key) const;
  // Every shard's state, taken before a RocksDB iterator is made whose rows may FillFromScan.
  using Tokens = std::array<uint64_t, 16>;
  Tokens AllTokens() const;
  void FillFromScan(absl::string_view key, absl::string_view value, const Tokens& tokens) {
    Fill(key, value, tokens[ShardIndex(key)]);
  }
  // Caches `value` read from RocksDB for `key`, unless a write touched the shard since
  // `token` or the budget is spent.
  void Fill(absl::string_view key, absl::string_view value, uint64_t token);
  // A committed write: `value` is the new value, nullopt a delete.
  void Apply(absl::string_view key, std::optional<absl::string_view> value);
  // The key may or may not have been written (a failed commit): drop what is cached.
  void Forget(absl::string_view key) { Apply(key, std::nullopt); }
  void Clear();

  // For metrics and tests: resources cached and the bytes they count for.
  size_t entries() const;
  size_t bytes() const { return bytes_.load(); }
  // Past the budget by a resource of 1 KiB: new keys would mostly be refused.
  bool full() const { return bytes_.load() + 1024 > budget_bytes_; }

 private:
  static constexpr size_t kShards = std::tuple_size_v<Tokens>;
  struct Shard {
    mutable absl::Mutex mu;
    uint64_t writes ABSL_GUARDED_BY(mu) = 0;  // bumped by every Apply
    absl::flat_hash_map<std::string, std::string> values ABSL_GUARDED_BY(mu);
  };
  static size_t ShardIndex(absl::string_view key);
  Shard& ShardOf(absl::string_view key) const { return shards_[ShardIndex(key)]; }
  static size_t Cost(absl::string_view key, absl::string_view value) {
    return key.size() + value.size() + kEntryOverhead;
  }
  // Inserts or replaces under shard.mu; false when the budget does not allow a new key.
  bool Store(Shard& shard, absl::string_view key, absl::string_view value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t budget_bytes_;
  std::atomic<size_t> bytes_{0};
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_RESOURCE_CACHE_H_
