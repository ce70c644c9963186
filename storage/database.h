// File: database.h
// -----------------------------------------------------------------------------
// Database: pfxd's one RocksDB instance and its column families, the only place that
// touches RocksDB types. Everything else speaks absl::Status and Column enums.
//
// Column families (README "Storage and durability"):
//   meta                 schema version, the page-token secret
//   peerings, registered_asns, peering_services
//                        resources as serialized pfx.v1 messages, keyed by keys.h
//   registered_prefixes, service_prefixes
//                        storage records (storage/records.proto), keyed by keys.h
//   idx_prefix           prefix text -> registered prefix key       (unique)
//   idx_asn              ASN (8 hex digits) -> registered ASN key   (unique)
//   idx_key              keys::KeyDigest(prefix key) -> owner resource (unique)
//   idx_request          method + request_id -> RequestReplyRecord  (idempotent retries)
//   queue                big-endian sequence -> ValidationTarget    (durable validation queue)
//   events               resource key + big-endian sequence -> EventRecord
//   idx_key_users        keys::KeyDigest(prefix key) \0 peering service prefix key -> ""
//                        (who uses a key)
//   idx_peer_asn         peer ASN (8 hex digits) \0 peering name -> ""    (a provider's peerings)
//   idx_provider_services provider ASN \0 peering service name -> ""     (a provider's services)
//   audit                ~time, ~sequence (big-endian, newest first) -> pfx.v1.AuditRecord
//
// Commit(batch, Durability::kSynced) returns only after the batch is in the WAL on disk, so
// an acknowledged mutation survives a crash; a batch is all-or-nothing.
// Thread-safe: RocksDB handles concurrent reads and writes (and groups concurrent commits).

#ifndef PFX_STORAGE_DATABASE_H_
#define PFX_STORAGE_DATABASE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/key_sealer.h"
#include "storage/page_token.h"
#include "storage/resource_cache.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
}  // namespace rocksdb

namespace pfx {

enum class Column : int {
  kMeta = 0,
  kPeerings,
  kRegisteredPrefixes,
  kRegisteredAsns,
  kPeeringServices,
  kServicePrefixes,
  kIdxPrefix,
  kIdxAsn,
  kIdxKey,
  kIdxRequest,
  kQueue,
  kEvents,
  kIdxKeyUsers,  // appended: the numbers of the others are in page tokens
  kIdxPeerAsn,
  kIdxProviderServices,
  kAudit,
  kCount,
};

// 1: first release. 2: stored prefixes carry their recent events. 3: idx_key_users.
// 4: idx_peer_asn and idx_provider_services. 5: idx_request rows are RequestReplyRecords
// (registry/schema_migration.h). 6: the audit column. 7: idx_key and idx_key_users are keyed
// by the SHA-256 of a prefix key, not the key; secret fields may be sealed (key_sealer.h).
inline constexpr int kSchemaVersion = 7;

enum class Durability { kSynced, kBuffered };

// The column family's name in RocksDB ("default" for kMeta), for reports and logs.
const char* ColumnName(Column column);

class Database;

// A set of writes applied atomically by Database::Commit.
class WriteSet {
 public:
  void Put(Column column, absl::string_view key, absl::string_view value);
  void Delete(Column column, absl::string_view key);
  // Runs `hook` right after Commit has applied this set (on the committing thread, under
  // whatever lock the caller holds), never when the commit fails: in-memory indexes change
  // together with the batch they mirror.
  void OnApplied(absl::AnyInvocable<void()> hook) { on_applied_.push_back(std::move(hook)); }
  size_t size() const;

 private:
  friend class Database;
  struct Op {
    bool put;
    Column column;
    std::string key, value;
  };
  std::vector<Op> ops_;
  std::vector<absl::AnyInvocable<void()>> on_applied_;
};

struct DatabaseOptions {
  // Not owned, outlives the Database: the files go through it instead of the default Env;
  // tests inject disk faults this way (tests/common/faulty_file_system.h).
  rocksdb::Env* env = nullptr;
  // Seals secret fields at rest; storage/messages.h applies it to every typed read and write.
  // Default: off.
  KeySealer key_sealer;
  // Memory for the stored bytes of resources kept in front of RocksDB (storage/
  // resource_cache.h): peerings, registrations, peering services and their prefixes. 0: none.
  size_t resource_cache_bytes = kDefaultResourceCacheBytes;
  static constexpr size_t kDefaultResourceCacheBytes = size_t{512} << 20;
};

class Database {
 public:
  // Opens or creates the database in `path`, creating missing column families. Refuses a
  // database written by a newer schema version (FAILED_PRECONDITION); an older one opens
  // with stored_schema_version() telling which, for the caller to migrate.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path);
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        DatabaseOptions options);
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path, rocksdb::Env* env);
  ~Database();

  absl::StatusOr<std::optional<std::string>> Get(Column column, absl::string_view key) const;
  // An empty kBuffered set writes nothing and succeeds (its hooks run); an empty kSynced one
  // still goes through RocksDB (and fails while the storage is failed).
  absl::Status Commit(WriteSet& writes, Durability durability);
  // Returns once every batch committed (kBuffered) before the call is in the WAL on disk.
  // GroupCommitter calls it once for a whole group of mutations.
  absl::Status SyncWal();

  // Calls `visit(key, value)` for keys in [start, end) (empty end: to the end of the column)
  // in key order until it returns false.
  absl::Status Scan(Column column, absl::string_view start, absl::string_view end,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit) const;

  int stored_schema_version() const { return stored_schema_version_; }
  // How many of the data dir's entries Open narrowed to owner-only (storage/data_dir.h).
  int data_dir_tightened() const { return data_dir_tightened_; }
  // Issues and checks List page tokens under this database's secret (made on first open).
  const PageTokens& page_tokens() const { return *page_tokens_; }
  const KeySealer& key_sealer() const { return key_sealer_; }
  // Fills the resource cache from the stored resources, up to its budget, while `keep_going`
  // says so (checked between rows); returns how many rows it read. For start-up: run in the
  // background, it costs the first reads after a start the trip to RocksDB; concurrent
  // writes are safe (a row of a shard written since the scan began is not cached).
  absl::StatusOr<size_t> WarmResourceCache(const std::function<bool()>& keep_going);
  // The resources whose stored bytes Get answers from memory (metrics, tests).
  const ResourceCache& resource_cache() const { return *resource_cache_; }
  // A RocksDB integer property summed over every column family (e.g.
  // "rocksdb.estimate-pending-compaction-bytes"); nullopt when RocksDB does not know it.
  std::optional<uint64_t> AggregatedProperty(const std::string& name) const;
  // Rewrites the files of `columns` so that no overwritten or deleted value of theirs stays
  // on disk, after flushing every column (which retires the WAL files that held them).
  absl::Status Compact(const std::vector<Column>& columns);
  // Writes a consistent copy of every column as of now into `directory`, which must not exist
  // (its parent must): a RocksDB checkpoint (memtables flushed, table files hard-linked where
  // the file system allows, copied otherwise), openable as a data dir. Writes continue
  // meanwhile. The directory is made owner-only (0700, files 0600) like the data dir.
  // Errors: ALREADY_EXISTS, a missing parent, I/O (UNAVAILABLE).
  absl::Status Checkpoint(const std::string& directory);
  // Records that the data is now in `version`'s format (synced), in one batch with `with`
  // (optional) when a migration's rewrite must not be applied twice.
  absl::Status SetSchemaVersion(int version, WriteSet* with = nullptr);

 private:
  class Hold;
  Database() = default;
  rocksdb::ColumnFamilyHandle* Handle(Column c) const { return handles_[static_cast<int>(c)]; }

  // Opens the RocksDB instance (db_, handles_) from path_ and env_; closes it.
  absl::Status OpenInstance(bool read_only) ABSL_EXCLUSIVE_LOCKS_REQUIRED(instance_mu_);
  void CloseInstance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(instance_mu_);

  // Disk faults. After a failed write or WAL sync RocksDB refuses every write (a background
  // error). The next Commit or SyncWal first asks it to Resume(). RocksDB 7.8 treats a failed
  // WAL write or sync as fatal, which Resume() cannot clear: then, once a probe file in the
  // data dir takes a synced write again (one probe per refused write), the instance is closed
  // and opened anew, replaying its WAL (an open flushes what it replays to a synced table
  // file). Writes work again as soon as the disk does, without a restart; until then they
  // answer UNAVAILABLE naming RocksDB's cause, and reads keep working. If the reopen itself
  // fails (a full disk can take the probe but not the flush), the instance is opened
  // read-only, so reads still work, and the next reopen waits a second.
  //   A write that failed has an unknown outcome, as after a crash: its batch may be in the
  // WAL, and a reopen replays it (a retry with the same request_id then gets its reply).
  //   Buffered writes not yet synced when the instance is reopened were in the old WAL, whose
  // sync failed: the next SyncWal answers UNAVAILABLE instead of vouching for them.
  //   Operations hold the instance shared (a thread already holding it does not lock again,
  // so a Scan's visitor may read and write); the reopen holds it exclusively, and is skipped
  // by a thread that holds it. While a reopen runs, operations wait for it.
  absl::Status ResumeAfterFailure();
  absl::Status NoteFailure(absl::Status status);
  absl::Status ProbeDisk() const;

  std::string path_;
  rocksdb::Env* env_ = nullptr;
  mutable absl::Mutex instance_mu_;
  std::unique_ptr<rocksdb::DB> db_ ABSL_GUARDED_BY(instance_mu_);  // null after a failed reopen
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<int>(Column::kCount)> handles_{};
  bool read_only_ ABSL_GUARDED_BY(instance_mu_) = false;  // after a failed reopen
  // Failed writes and syncs so far, and how many of them a recovery has dealt with.
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> recovered_through_{0};
  std::atomic<bool> unsynced_{false};   // a buffered write since the last successful SyncWal
  std::atomic<bool> lost_sync_{false};  // such writes were on an instance since reopened
  absl::Mutex recovery_mu_ ABSL_ACQUIRED_BEFORE(instance_mu_);  // one recovery at a time
  absl::Time next_reopen_ ABSL_GUARDED_BY(recovery_mu_) = absl::InfinitePast();
  int stored_schema_version_ = kSchemaVersion;
  int data_dir_tightened_ = 0;
  std::unique_ptr<PageTokens> page_tokens_;
  KeySealer key_sealer_;
  std::unique_ptr<ResourceCache> resource_cache_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_DATABASE_H_
