// File: reseal.h
// -----------------------------------------------------------------------------
// ResealStoredSecrets: run at start-up, before anything reads the registry, it brings every
// stored secret (storage/secret_fields.h) to the form the configured sealing writes
// (storage/key_sealer.h): sealed under the first key-encryption key, or plain when none is
// configured. This is what makes a configuration change take effect on old data:
//   - KEKs configured for the first time: every plain prefix key and stored reply is sealed;
//   - a new KEK put first (the old one listed after it): what the old one sealed is sealed
//     again under the new one, after which the old one may be dropped from the config;
//   - a value sealed under a KEK the config does not list: FAILED_PRECONDITION naming the
//     KEK (pfxd refuses to start rather than serve unreadable keys). Columns scanned before
//     it was met may have been resealed: they are then current, which is harmless.
// After rewriting, with sealing on, the affected columns are compacted and every column
// flushed, so the old plain or old-KEK values leave the data dir's files (RocksDB keeps an
// overwritten value on disk until a compaction drops it).
// The sealing the data is in is recorded in the meta column: a start with the same
// configuration reads nothing. The record is removed before anything is rewritten and written
// again once all is done, so a start interrupted midway (resealing commits in batches) leaves
// none, and the next start scans again, whatever its configuration; resealing is idempotent.
// The columns whose records hold secrets are listed in reseal.cc.
// Not thread-safe with other writers: call it before the registry serves.

#ifndef PFX_STORAGE_RESEAL_H_
#define PFX_STORAGE_RESEAL_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace pfx {

struct ResealReport {
  bool scanned = false;  // false: the data was already in the configured sealing
  size_t rows_read = 0;
  size_t rows_resealed = 0;
  bool compacted = false;
};

absl::StatusOr<ResealReport> ResealStoredSecrets(Database& db);

}  // namespace pfx

#endif  // PFX_STORAGE_RESEAL_H_
