// File: status_snapshot.h
// -----------------------------------------------------------------------------
// GatherStatus: the StatusSnapshot the status page renders (server/status_page.h), read from
// the same Metrics::Sources the Prometheus scrape reads, at the moment of the request.
//
// Prefix counts and the FAILED/WARNING list come from one scan of both prefix columns, so
// they agree with each other (unlike pfxd_prefixes, which is cached for a minute). The scan
// reads only the fields the page shows straight from the stored bytes: the prefix key (and
// every other field) is skipped unread, so it never reaches the snapshot, sealed or not.
// A record that does not decode counts as UNREADABLE. Cost: one pass over the prefix
// columns (~0.5 s per million prefixes); the caller serializes requests (server/metrics.cc).
// Thread-safe: reads only.

#ifndef PFX_SERVER_STATUS_SNAPSHOT_H_
#define PFX_SERVER_STATUS_SNAPSHOT_H_

#include "absl/status/statusor.h"
#include "server/metrics.h"
#include "server/status_page.h"

namespace pfx {

class Database;

absl::StatusOr<StatusSnapshot> GatherStatus(const Metrics::Sources& sources,
                                            const StatusQuery& query);

// The prefix part alone (counts, problems, problems_not_shown), for tests on a Database.
absl::Status ScanPrefixes(const Database& db, const StatusQuery& query, StatusSnapshot& out);

}  // namespace pfx

#endif  // PFX_SERVER_STATUS_SNAPSHOT_H_
