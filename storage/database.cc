#include "storage/database.h"

#include <filesystem>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "openssl/rand.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/data_dir.h"

namespace pfx {
namespace {

constexpr const char* kColumnNames[] = {
    "default",
    "peerings",
    "registered_prefixes",
    "registered_asns",
    "peering_services",
    "service_prefixes",
    "idx_prefix",
    "idx_asn",
    "idx_key",
    "idx_request",
    "queue",
    "events",
    "idx_key_users",
    "idx_peer_asn",
    "idx_provider_services",
    "audit",
};
static_assert(std::size(kColumnNames) == static_cast<size_t>(Column::kCount));

constexpr char kSchemaKey[] = "schema_version";
constexpr char kPageTokenSecretKey[] = "page_token_secret";
constexpr size_t kBlockCacheBytes = size_t{256} << 20;

absl::Status ToAbsl(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError()) return absl::UnavailableError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// The columns whose values the resource cache holds: the resources themselves, read by key.
bool CachedColumn(Column column) {
  switch (column) {
    case Column::kPeerings:
    case Column::kRegisteredPrefixes:
    case Column::kRegisteredAsns:
    case Column::kPeeringServices:
    case Column::kServicePrefixes:
      return true;
    default:
      return false;
  }
}

// A resource cache key: the column's number, then the key.
std::string CacheKey(Column column, absl::string_view key) {
  std::string k(1, static_cast<char>(column));
  k.append(key.data(), key.size());
  return k;
}

}  // namespace

const char* ColumnName(Column column) { return kColumnNames[static_cast<int>(column)]; }

void WriteSet::Put(Column column, absl::string_view key, absl::string_view value) {
  ops_.push_back({true, column, std::string(key), std::string(value)});
}

void WriteSet::Delete(Column column, absl::string_view key) {
  ops_.push_back({false, column, std::string(key), ""});
}

size_t WriteSet::size() const { return ops_.size(); }

// The shared hold of one operation on the RocksDB instance (see ResumeAfterFailure). A thread
// that already holds `db` (a Scan's visitor) does not lock again: absl::Mutex reader locks
// are not reentrant once a writer waits.
class Database::Hold {
 public:
  explicit Hold(const Database& db) : db_(db) {
    for (const Database* held : held_) {
      if (held == &db) return;
    }
    db.instance_mu_.ReaderLock();
    held_.push_back(&db);
    locked_ = true;
  }
  ~Hold() {
    if (!locked_) return;
    held_.pop_back();
    db_.instance_mu_.ReaderUnlock();
  }
  static bool HeldByThisThread(const Database& db) {
    for (const Database* held : held_) {
      if (held == &db) return true;
    }
    return false;
  }

 private:
  static thread_local std::vector<const Database*> held_;
  const Database& db_;
  bool locked_ = false;
};
thread_local std::vector<const Database*> Database::Hold::held_;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  return Open(path, nullptr);
}

absl::Status Database::OpenInstance(bool read_only) {
  rocksdb::Options options;
  if (env_ != nullptr) options.env = env_;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // Resources and indexes are small and read by point lookups: bloom filters help Get().
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // One cache for every column family, big enough for the working set of a large registry
  // (100k registrations with their events are ~20 MB on disk): with RocksDB's 8 MB default,
  // API reads spent a third of their time re-reading and re-inserting evicted blocks.
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  // A flushed memtable's blocks go into the cache as they are written: what was just written
  // is what is read next (a bulk Revalidate's outcomes, then the next Revalidate's scan, which
  // otherwise read and decompressed every block of the new file once, a third of its time).
  table.prepopulate_block_cache = rocksdb::BlockBasedTableOptions::PrepopulateBlockCache::kFlushOnly;
  // A hash index inside each data block turns a point lookup's in-block binary search into
  // one probe (Gets are the API's most common read).
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  rocksdb::ColumnFamilyOptions cf_options(options);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Most Gets on the write path are uniqueness checks that find nothing (new name, prefix,
  // key, request id); a bloom filter over whole memtable keys answers those without walking
  // the skip list.
  cf_options.memtable_whole_key_filtering = true;
  cf_options.memtable_prefix_bloom_size_ratio = 0.05;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnNames) descriptors.emplace_back(name, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(options), path_,
                                                               descriptors, &handles, &raw)
                                : rocksdb::DB::Open(rocksdb::DBOptions(options), path_, descriptors,
                                                    &handles, &raw);
  if (!s.ok()) return ToAbsl(s, absl::StrCat("opening RocksDB at ", path_));
  db_.reset(raw);
  for (size_t i = 0; i < handles.size(); ++i) handles_[i] = handles[i];
  return absl::OkStatus();
}

void Database::CloseInstance() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle*& h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    h = nullptr;
  }
  db_->Close();
  db_.reset();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         rocksdb::Env* env) {
  DatabaseOptions options;
  options.env = env;
  return Open(path, std::move(options));
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         DatabaseOptions options) {
  absl::StatusOr<DataDirReport> dir = PrepareDataDir(path);
  if (!dir.ok()) return dir.status();
  auto db = std::unique_ptr<Database>(new Database());
  db->path_ = path;
  db->env_ = options.env;
  db->key_sealer_ = std::move(options.key_sealer);
  db->resource_cache_ = std::make_unique<ResourceCache>(options.resource_cache_bytes);
  db->data_dir_tightened_ = dir->tightened;
  {
    absl::WriterMutexLock lock(&db->instance_mu_);
    if (absl::Status s = db->OpenInstance(/*read_only=*/false); !s.ok()) return s;
  }

  absl::StatusOr<std::optional<std::string>> version = db->Get(Column::kMeta, kSchemaKey);
  if (!version.ok()) return version.status();
  if (!version->has_value()) {
    if (absl::Status st = db->SetSchemaVersion(kSchemaVersion); !st.ok()) return st;
  } else {
    int stored = 0;
    if (!absl::SimpleAtoi(**version, &stored) || stored < 1 || stored > kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(path, " has schema version '", **version,
                                                        "'; this pfxd understands up to ",
                                                        kSchemaVersion));
    }
    db->stored_schema_version_ = stored;
  }
  absl::StatusOr<std::optional<std::string>> secret = db->Get(Column::kMeta, kPageTokenSecretKey);
  if (!secret.ok()) return secret.status();
  if (!secret->has_value()) {
    std::string fresh(PageTokens::kSecretBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), int(fresh.size())) != 1) {
      return absl::UnavailableError("no random bytes for the page-token secret");
    }
    WriteSet w;
    w.Put(Column::kMeta, kPageTokenSecretKey, fresh);
    if (absl::Status st = db->Commit(w, Durability::kSynced); !st.ok()) return st;
    *secret = std::move(fresh);
  }
  absl::StatusOr<std::unique_ptr<PageTokens>> tokens = PageTokens::Create(**secret);
  if (!tokens.ok()) return tokens.status();
  db->page_tokens_ = std::move(*tokens);
  return db;
}

absl::Status Database::SetSchemaVersion(int version, WriteSet* with) {
  WriteSet own;
  WriteSet& w = with != nullptr ? *with : own;
  w.Put(Column::kMeta, kSchemaKey, absl::StrCat(version));
  if (absl::Status s = Commit(w, Durability::kSynced); !s.ok()) return s;
  stored_schema_version_ = version;
  return absl::OkStatus();
}

Database::~Database() {
  absl::WriterMutexLock lock(&instance_mu_);
  CloseInstance();
}

absl::StatusOr<std::optional<std::string>> Database::Get(Column column,
                                                         absl::string_view key) const {
  const bool cached = CachedColumn(column);
  std::string cache_key;
  uint64_t token = 0;
  if (cached) {
    cache_key = CacheKey(column, key);
    if (std::optional<std::string> hit = resource_cache_->Find(cache_key)) return hit;
    token = resource_cache_->Token(cache_key);
  }
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(column), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return ToAbsl(s, "RocksDB Get");
  if (cached) resource_cache_->Fill(cache_key, value, token);
  return std::optional<std::string>(std::move(value));
}

absl::Status Database::Commit(WriteSet& writes, Durability durability) {
  if (writes.ops_.empty() && durability == Durability::kBuffered) {
    // Nothing to write (a batch of unchanged validations): no trip through RocksDB's writer.
    for (absl::AnyInvocable<void()>& hook : writes.on_applied_) hook();
    writes.on_applied_.clear();
    return absl::OkStatus();
  }
  if (absl::Status s = ResumeAfterFailure(); !s.ok()) return s;
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  rocksdb::WriteBatch batch;
  for (const WriteSet::Op& op : writes.ops_) {
    rocksdb::Status s = op.put ? batch.Put(Handle(op.column), ToSlice(op.key), ToSlice(op.value))
                               : batch.Delete(Handle(op.column), ToSlice(op.key));
    if (!s.ok()) return ToAbsl(s, "RocksDB WriteBatch");
  }
  rocksdb::WriteOptions options;
  options.sync = durability == Durability::kSynced;
  if (durability == Durability::kBuffered) unsynced_.store(true);
  absl::Status written = ToAbsl(db_->Write(options, &batch), "RocksDB Write");
  // Cached resources follow the batch: its values once RocksDB took it; after a failure its
  // outcome is unknown (it may be in the WAL), so whatever was cached for its keys goes.
  for (const WriteSet::Op& op : writes.ops_) {
    if (!CachedColumn(op.column)) continue;
    std::string cache_key = CacheKey(op.column, op.key);
    if (!written.ok()) {
      resource_cache_->Forget(cache_key);
    } else {
      resource_cache_->Apply(cache_key, op.put ? std::optional<absl::string_view>(op.value)
                                               : std::nullopt);
    }
  }
  if (!written.ok()) return NoteFailure(written);
  for (absl::AnyInvocable<void()>& hook : writes.on_applied_) hook();
  writes.on_applied_.clear();
  return absl::OkStatus();
}

absl::Status Database::SyncWal() {
  if (absl::Status s = ResumeAfterFailure(); !s.ok()) return s;
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  if (lost_sync_.exchange(false)) {
    return absl::UnavailableError(
        "storage was reopened after a disk failure; writes buffered before it may not be "
        "durable");
  }
  unsynced_.store(false);
  absl::Status synced = ToAbsl(db_->SyncWAL(), "RocksDB SyncWAL");
  if (synced.ok()) return synced;
  unsynced_.store(true);
  return NoteFailure(synced);
}

std::optional<uint64_t> Database::AggregatedProperty(const std::string& name) const {
  Hold hold(*this);
  if (db_ == nullptr) return std::nullopt;
  uint64_t value = 0;
  if (!db_->GetAggregatedIntProperty(name, &value)) return std::nullopt;
  return value;
}

absl::Status Database::Compact(const std::vector<Column>& columns) {
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(), handles_.end());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status s = db_->Flush(flush, all); !s.ok()) return ToAbsl(s, "RocksDB Flush");
  rocksdb::CompactRangeOptions options;
  // Files already at the bottom level are rewritten too: they may hold the old values.
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (Column column : columns) {
    if (rocksdb::Status s = db_->CompactRange(options, Handle(column), nullptr, nullptr); !s.ok()) {
      return ToAbsl(s, absl::StrCat("RocksDB CompactRange of ", ColumnName(column)));
    }
  }
  return absl::OkStatus();
}

absl::Status Database::Checkpoint(const std::string& directory) {
  if (directory.empty()) return absl::InvalidArgumentError("directory: is required");
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat("directory: ", directory, " exists; a backup goes to a new directory"));
  }
  std::filesystem::path parent = std::filesystem::path(directory).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: the parent ", parent.string(), " is not a directory"));
  }
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  rocksdb::Checkpoint* raw = nullptr;
  if (rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw); !s.ok()) {
    return ToAbsl(s, "RocksDB Checkpoint");
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: memtables are always flushed, so the copy needs no WAL replay.
  if (rocksdb::Status s = checkpoint->CreateCheckpoint(directory, /*log_size_for_flush=*/0);
      !s.ok()) {
    return ToAbsl(s, absl::StrCat("RocksDB CreateCheckpoint into ", directory));
  }
  std::filesystem::permissions(directory, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    // A hard link shares its inode (and mode) with the live data dir's file, already 0600.
    if (entry.hard_link_count(ec) > 1) continue;
    std::filesystem::permissions(entry.path(),
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  }
  return absl::OkStatus();
}

absl::Status Database::NoteFailure(absl::Status status) {
  failures_.fetch_add(1);
  return status;  // an I/O error is UNAVAILABLE (ToAbsl) and names RocksDB's cause
}

absl::Status Database::ProbeDisk() const {
  rocksdb::Env* env = env_ != nullptr ? env_ : rocksdb::Env::Default();
  const std::string probe = path_ + "/WRITE_PROBE";
  std::unique_ptr<rocksdb::WritableFile> file;
  rocksdb::Status s = env->NewWritableFile(probe, &file, rocksdb::EnvOptions());
  if (s.ok()) s = file->Append("probe");
  if (s.ok()) s = file->Sync();
  if (file != nullptr) file->Close().PermitUncheckedError();
  env->DeleteFile(probe).PermitUncheckedError();
  return ToAbsl(s, "probing the data dir");
}

absl::Status Database::ResumeAfterFailure() {
  const uint64_t failures = failures_.load();
  if (failures == recovered_through_.load()) return absl::OkStatus();
  auto refused = [](absl::string_view why) {
    return absl::UnavailableError(
        absl::StrCat("storage is failing, writes are refused until it recovers: ", why));
  };
  // Marks every failure seen so far as recovered; one recorded since stays a failure.
  auto recovered = [&] {
    uint64_t through = recovered_through_.load();
    while (through < failures && !recovered_through_.compare_exchange_weak(through, failures)) {
    }
    return absl::OkStatus();
  };
  rocksdb::Status resumed;
  {
    Hold hold(*this);
    resumed = db_ == nullptr ? rocksdb::Status::Incomplete("storage is closed")
              : read_only_   ? rocksdb::Status::Incomplete("storage is open read-only")
                             : db_->Resume();
  }
  if (resumed.ok()) return recovered();
  // A thread inside an operation of this database cannot wait for the exclusive hold.
  if (Hold::HeldByThisThread(*this)) return refused(resumed.ToString());
  absl::MutexLock recovering(&recovery_mu_);
  if (recovered_through_.load() >= failures) return absl::OkStatus();  // another thread did
  if (absl::Now() < next_reopen_) return refused(resumed.ToString());
  if (absl::Status probe = ProbeDisk(); !probe.ok()) return refused(probe.message());
  absl::WriterMutexLock lock(&instance_mu_);
  if (unsynced_.exchange(false)) lost_sync_.store(true);
  CloseInstance();
  resource_cache_->Clear();  // the reopen replays the WAL, maybe with batches that failed
  absl::Status opened = OpenInstance(/*read_only=*/false);
  read_only_ = !opened.ok();
  if (!opened.ok()) {
    // Reads keep working on a read-only instance; the next write tries again in a second.
    next_reopen_ = absl::Now() + absl::Seconds(1);
    absl::Status read_only = OpenInstance(/*read_only=*/true);
    return refused(absl::StrCat(opened.message(), read_only.ok() ? "" : "; read-only too: ",
                                read_only.ok() ? "" : read_only.message()));
  }
  return recovered();
}

absl::StatusOr<size_t> Database::WarmResourceCache(const std::function<bool()>& keep_going) {
  size_t rows = 0;
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c) {
    const Column column = static_cast<Column>(c);
    if (!CachedColumn(column)) continue;
    const ResourceCache::Tokens tokens = resource_cache_->AllTokens();
    bool full = false;
    absl::Status scanned = Scan(column, "", "", [&](absl::string_view key, absl::string_view value) {
      if (!keep_going()) return false;
      ++rows;
      std::string cache_key = CacheKey(column, key);
      resource_cache_->FillFromScan(cache_key, value, tokens);
      full = resource_cache_->full();
      return !full;
    });
    if (!scanned.ok()) return scanned;
    if (full || !keep_going()) break;
  }
  return rows;
}

absl::Status Database::Scan(
    Column column, absl::string_view start, absl::string_view end,
    const std::function<bool(absl::string_view, absl::string_view)>& visit) const {
  Hold hold(*this);
  if (db_ == nullptr) return absl::UnavailableError("storage is closed: reopening it failed");
  rocksdb::ReadOptions options;
  rocksdb::Slice upper = ToSlice(end);
  // A bound lets RocksDB skip files and stop at the range's end instead of at the next key.
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Handle(column)));
  for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (!end.empty() && key >= end) break;
    if (!visit(key, absl::string_view(it->value().data(), it->value().size()))) break;
  }
  return ToAbsl(it->status(), "RocksDB iterator");
}

}  // namespace pfx
