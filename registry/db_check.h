// File: db_check.h
// -----------------------------------------------------------------------------
// CheckDatabase: verifies every invariant of a stored registry (`pfxd --check_db DIR`; the
// crash test runs it after ~20 SIGKILLs). Read-only; it reads every column into memory
// (~200 B per resource: fine for a few million) and cross-checks them:
//   schema       meta's schema version is the one this pfxd writes
//   records      every resource row parses, and its key is what its fields say (parent\0name)
//   parents      every registered prefix / ASN has its peering, every service prefix its service
//   indexes      idx_prefix, idx_asn, idx_key, idx_key_users, idx_peer_asn,
//                idx_provider_services: each entry points at a resource that says the same
//                thing, and each resource has its entry (both directions)
//   keys         no prefix key is held by two registrations
//   secrets      every secret field opens with the configured key-encryption keys and is
//                stored as the sealing stores it now (sealed under the first KEK, or plain
//                when none is configured): a value left in plain text is a violation
//   queue        every row parses and names a prefix. A row may name a prefix deleted after it
//                was queued (a delete does not reach into the queue; the next worker that pops
//                it drops it): counted as `stale_queue_rows`, not a violation
//   events       every event row belongs to a stored prefix (deletes drop their history)
//   idx_request  every stored reply parses
// Violations are described one per line, naming the column and the key in readable form
// (`parent/name`); the first `max_violations` are kept, all are counted.
// Thread-safety: reads through Database, which is thread-safe; run it on a database no pfxd
// is writing (RocksDB's lock refuses a second opener anyway).

#ifndef PFX_REGISTRY_DB_CHECK_H_
#define PFX_REGISTRY_DB_CHECK_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace pfx {

struct DbCheckReport {
  std::map<std::string, size_t> rows;  // column name -> rows read
  size_t stale_queue_rows = 0;
  size_t violation_count = 0;
  std::vector<std::string> violations;  // the first max_violations

  bool clean() const { return violation_count == 0; }
  // "clean: 12 peerings, 4000 registered_prefixes, ..." or the violations, one per line.
  std::string ToString() const;
};

// Errors only when a column cannot be read (I/O); broken data is reported in the report.
absl::StatusOr<DbCheckReport> CheckDatabase(const Database& db, size_t max_violations = 100);

}  // namespace pfx

#endif  // PFX_REGISTRY_DB_CHECK_H_
