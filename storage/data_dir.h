// File: data_dir.h
// -----------------------------------------------------------------------------
// The data directory holds every prefix key, so it is the owner's alone, whatever the umask:
// PrepareDataDir creates it 0700, refuses one that another user could write (group- or
// world-writable, or owned by someone else), and takes away group and world access from it
// and its files (0600) when an older pfxd or a copy left them open. RocksDB is told to create
// its own files 0600 (Database::Open calls this before opening).

#ifndef PFX_STORAGE_DATA_DIR_H_
#define PFX_STORAGE_DATA_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace pfx {

struct DataDirReport {
  bool created = false;
  int tightened = 0;  // the directory and files whose mode was narrowed
};

// FAILED_PRECONDITION naming the directory, its mode or owner and the fix when refused.
absl::StatusOr<DataDirReport> PrepareDataDir(const std::string& path);

}  // namespace pfx

#endif  // PFX_STORAGE_DATA_DIR_H_
