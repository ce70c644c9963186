// File: test_store.h
// -----------------------------------------------------------------------------
// TestStore: a real RocksDB store for one test, with its validation queue and event log, in a
// fresh directory under the test temp dir named by `tag`, the process and the test. The
// destructor closes the store and removes the directory: destroy it after whatever writes
// to the store (a GroupCommitter must be stopped first).

#ifndef PFX_TESTS_COMMON_TEST_STORE_H_
#define PFX_TESTS_COMMON_TEST_STORE_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/validation_queue.h"

namespace pfx {

class TestStore {
 public:
  // `env`: see Database::Open (e.g. a FaultyDisk's); null for the default.
  explicit TestStore(absl::string_view tag, rocksdb::Env* env = nullptr)
      : TestStore(tag, Options(env)) {}
  // `options`: e.g. a KeySealer sealing the secrets.
  TestStore(absl::string_view tag, DatabaseOptions options)
      : root_(absl::StrCat(testing::TempDir(), "/", tag, "_", getpid(), "_",
                           testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    absl::StatusOr<std::unique_ptr<Database>> db =
        Database::Open(root_ + "/db", std::move(options));
    if (!db.ok()) {
      ADD_FAILURE() << "opening the test store: " << db.status();
      return;
    }
    db_ = std::move(*db);
    absl::StatusOr<std::unique_ptr<ValidationQueue>> queue = ValidationQueue::Open(db_.get());
    absl::StatusOr<std::unique_ptr<EventLog>> events = EventLog::Open(db_.get());
    if (!queue.ok() || !events.ok()) {
      ADD_FAILURE() << "opening the queue / event log: " << queue.status() << " / "
                    << events.status();
      return;
    }
    queue_ = std::move(*queue);
    events_ = std::move(*events);
  }
  ~TestStore() {
    events_.reset();
    queue_.reset();
    db_.reset();
    std::filesystem::remove_all(root_);
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  static DatabaseOptions Options(rocksdb::Env* env) {
    DatabaseOptions options;
    options.env = env;
    return options;
  }

  bool ok() const { return events_ != nullptr; }
  const std::string& root() const { return root_; }
  Database* db() const { return db_.get(); }
  ValidationQueue* queue() const { return queue_.get(); }
  EventLog* events() const { return events_.get(); }

 private:
  std::string root_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ValidationQueue> queue_;
  std::unique_ptr<EventLog> events_;
};

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_TEST_STORE_H_
