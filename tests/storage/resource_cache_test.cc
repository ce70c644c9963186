// ResourceCache (issue 11): resources answered from memory never differ from what RocksDB
// holds: a value read before a write is not cached after it, commits replace or erase cached
// values, a failed commit forgets them, and the byte budget bounds what is cached.
#include "storage/resource_cache.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "tests/common/faulty_file_system.h"

namespace pfx {
namespace {

TEST(ResourceCacheTest, AValueReadBeforeAWriteIsNotCachedAfterIt) {
  ResourceCache cache(1 << 20);
  const uint64_t token = cache.Token("k");  // a reader's token, then its RocksDB read of "old"
  cache.Apply("k", "new");                  // a commit lands meanwhile
  cache.Fill("k", "old", token);            // the reader offers what it read
  EXPECT_EQ(cache.Find("k"), "new");

  cache.Forget("k");
  const ResourceCache::Tokens tokens = cache.AllTokens();
  cache.Apply("k", std::nullopt);  // a delete after a scan began
  cache.FillFromScan("k", "old", tokens);
  EXPECT_EQ(cache.Find("k"), std::nullopt);

  cache.Fill("k", "current", cache.Token("k"));  // no write in between: cached
  EXPECT_EQ(cache.Find("k"), "current");
}

TEST(ResourceCacheTest, CommitsReplaceAndEraseAndClearEmpties) {
  ResourceCache cache(1 << 20);
  cache.Apply("a", "1");
  cache.Apply("b", "2");
  cache.Apply("a", "11");
  cache.Apply("b", std::nullopt);
  EXPECT_EQ(cache.Find("a"), "11");
  EXPECT_EQ(cache.Find("b"), std::nullopt);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), 1 + 2 + ResourceCache::kEntryOverhead);
  cache.Clear();
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.Find("a"), std::nullopt);
}

TEST(ResourceCacheTest, TheBudgetRefusesNewKeysButNeverLeavesAStaleValue) {
  const size_t one = 1 + 10 + ResourceCache::kEntryOverhead;  // key "a", a 10-byte value
  ResourceCache cache(2 * one);
  cache.Apply("a", std::string(10, 'a'));
  cache.Apply("b", std::string(10, 'b'));
  EXPECT_EQ(cache.bytes(), 2 * one);
  cache.Apply("c", std::string(10, 'c'));  // one byte over: not cached
  EXPECT_EQ(cache.Find("c"), std::nullopt);
  cache.Fill("c", std::string(10, 'c'), cache.Token("c"));
  EXPECT_EQ(cache.Find("c"), std::nullopt);
  cache.Apply("a", std::string(9, 'A'));  // cached keys still follow their writes
  EXPECT_EQ(cache.Find("a"), std::string(9, 'A'));
  EXPECT_EQ(cache.bytes(), 2 * one - 1);
  // A cached value that grows past the budget is dropped, not kept stale nor over budget.
  cache.Apply("b", std::string(12, 'B'));
  EXPECT_EQ(cache.Find("b"), std::nullopt);
  EXPECT_EQ(cache.bytes(), one - 1);
}

class ResourceCacheDatabaseTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/resource_cache_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    Open(DatabaseOptions::kDefaultResourceCacheBytes);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  void Open(size_t cache_bytes) {
    db_.reset();
    DatabaseOptions options;
    options.env = disk_.env.get();
    options.resource_cache_bytes = cache_bytes;
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_, std::move(options));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  absl::Status Put(Column column, const std::string& key, const std::string& value) {
    WriteSet w;
    w.Put(column, key, value);
    return db_->Commit(w, Durability::kSynced);
  }
  std::optional<std::string> Get(Column column, const std::string& key) {
    absl::StatusOr<std::optional<std::string>> v = db_->Get(column, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  FaultyDisk disk_;
  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(ResourceCacheDatabaseTest, ResourcesAreCachedAndFollowEveryCommit) {
  ASSERT_TRUE(Put(Column::kRegisteredPrefixes, "p/a", "v1").ok());
  ASSERT_TRUE(Put(Column::kIdxPrefix, "1.1.1.0/24", "p/a").ok());
  EXPECT_EQ(db_->resource_cache().entries(), 1u) << "resources only, not index rows";
  EXPECT_EQ(Get(Column::kRegisteredPrefixes, "p/a"), "v1");
  EXPECT_EQ(Get(Column::kIdxPrefix, "1.1.1.0/24"), "p/a");

  ASSERT_TRUE(Put(Column::kRegisteredPrefixes, "p/a", "v2").ok());
  EXPECT_EQ(Get(Column::kRegisteredPrefixes, "p/a"), "v2");
  // The same key in another column is another resource.
  EXPECT_EQ(Get(Column::kServicePrefixes, "p/a"), std::nullopt);

  WriteSet del;
  del.Delete(Column::kRegisteredPrefixes, "p/a");
  ASSERT_TRUE(db_->Commit(del, Durability::kSynced).ok());
  EXPECT_EQ(Get(Column::kRegisteredPrefixes, "p/a"), std::nullopt);
  EXPECT_EQ(db_->resource_cache().entries(), 0u);
}

TEST_F(ResourceCacheDatabaseTest, AFailedCommitLeavesNoCachedValueBehind) {
  ASSERT_TRUE(Put(Column::kPeerings, "voice-1", "v1").ok());
  EXPECT_EQ(Get(Column::kPeerings, "voice-1"), "v1");
  ASSERT_EQ(db_->resource_cache().entries(), 1u);
  disk_.fs->FailWrites(true);
  EXPECT_FALSE(Put(Column::kPeerings, "voice-1", "v2").ok());
  // Its outcome is unknown: the cache must not answer "v1" for a value RocksDB may have
  // replaced; the next read asks RocksDB.
  EXPECT_EQ(db_->resource_cache().entries(), 0u);
  disk_.fs->FailWrites(false);
  ASSERT_TRUE(Put(Column::kPeerings, "voice-2", "w").ok());  // recovers the instance
  const std::optional<std::string> now = Get(Column::kPeerings, "voice-1");
  Open(DatabaseOptions::kDefaultResourceCacheBytes);
  EXPECT_EQ(Get(Column::kPeerings, "voice-1"), now) << "the cache agreed with RocksDB";
}

TEST_F(ResourceCacheDatabaseTest, WarmingCachesStoredResourcesWithinTheBudget) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Put(Column::kRegisteredPrefixes, absl::StrCat("p/", i), std::string(100, 'x')).ok());
  }
  ASSERT_TRUE(Put(Column::kPeerings, "p", "peering").ok());
  ASSERT_TRUE(Put(Column::kEvents, "e", "event").ok());
  Open(DatabaseOptions::kDefaultResourceCacheBytes);  // a restart: nothing cached
  ASSERT_EQ(db_->resource_cache().entries(), 0u);
  absl::StatusOr<size_t> rows = db_->WarmResourceCache([] { return true; });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, 101u);
  EXPECT_EQ(db_->resource_cache().entries(), 101u);

  // 20 resources' worth of budget: warming stops once it is spent.
  Open(20 * (ResourceCache::kEntryOverhead + 104));
  rows = db_->WarmResourceCache([] { return true; });
  ASSERT_TRUE(rows.ok());
  EXPECT_LT(db_->resource_cache().entries(), 20u);
  EXPECT_GT(db_->resource_cache().entries(), 10u);
  EXPECT_EQ(Get(Column::kRegisteredPrefixes, "p/99"), std::string(100, 'x'));

  Open(0);  // none
  rows = db_->WarmResourceCache([] { return true; });
  EXPECT_EQ(db_->resource_cache().entries(), 0u);
  EXPECT_EQ(Get(Column::kRegisteredPrefixes, "p/5"), std::string(100, 'x'));
  EXPECT_EQ(db_->resource_cache().entries(), 0u);

  Open(DatabaseOptions::kDefaultResourceCacheBytes);
  rows = db_->WarmResourceCache([] { return false; });  // stopping
  EXPECT_EQ(db_->resource_cache().entries(), 0u);
}

}  // namespace
}  // namespace pfx
