// File: faulty_file_system.h
// -----------------------------------------------------------------------------
// FaultyFileSystem: RocksDB's default file system with disk faults on demand, for tests of
// what pfxd does when its disk fails and recovers. Wraps every writable file RocksDB opens
// (WAL, SST, MANIFEST); while FailWrites is on, Append / Flush answer an I/O error, while
// FailSyncs is on, Sync / Fsync / RangeSync do. Reads are never affected. Env() gives an Env
// for Database::Open(path, env).
// Thread-safe: the switches are atomics.

#ifndef PFX_TESTS_COMMON_FAULTY_FILE_SYSTEM_H_
#define PFX_TESTS_COMMON_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace pfx {

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  void FailWrites(bool on) { fail_writes_.store(on); }
  void FailSyncs(bool on) { fail_syncs_.store(on); }
  // Only files opened from now on whose name ends with `suffix` (e.g. ".sst": a disk that
  // takes small writes but not table files) are subject to the faults; "" (the default): all.
  void OnlyFilesEndingWith(std::string suffix) {
    std::lock_guard<std::mutex> lock(suffix_mu_);
    suffix_ = std::move(suffix);
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->NewWritableFile(name, options, file, dbg), file);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* file,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->ReopenWritableFile(name, options, file, dbg), file);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* file,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(name, target()->ReuseWritableFile(name, old_name, options, file, dbg), file);
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const FaultyFileSystem& fs, bool subject)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), subject_(subject) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_writes_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_writes_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_writes_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
    }
    rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_writes_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::Flush(options, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_syncs_) return rocksdb::IOStatus::IOError("injected sync failure");
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_syncs_) return rocksdb::IOStatus::IOError("injected sync failure");
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }
    rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
      if (subject_ && fs_.fail_syncs_) return rocksdb::IOStatus::IOError("injected sync failure");
      return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
    }

   private:
    const FaultyFileSystem& fs_;
    const bool subject_;
  };

  rocksdb::IOStatus Wrap(const std::string& name, rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* file) {
    if (!opened.ok()) return opened;
    std::lock_guard<std::mutex> lock(suffix_mu_);
    const bool subject = name.size() >= suffix_.size() &&
                         name.compare(name.size() - suffix_.size(), suffix_.size(), suffix_) == 0;
    *file = std::make_unique<File>(std::move(*file), *this, subject);
    return opened;
  }

  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_syncs_{false};
  std::mutex suffix_mu_;
  std::string suffix_;
};

// A FaultyFileSystem and the Env that routes RocksDB through it.
struct FaultyDisk {
  std::shared_ptr<FaultyFileSystem> fs = std::make_shared<FaultyFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_FAULTY_FILE_SYSTEM_H_
