// File: schema_migration.h
// -----------------------------------------------------------------------------
// Brings a store written by an older pfxd up to kSchemaVersion before anything reads it.
//   1 -> 2: registered and peering service prefixes carry their most recent events (Get
//           returns them as stored); they are copied from the events column, which keeps the
//           whole history as before.
//   2 -> 3: idx_key_users (prefix key -> the peering service prefixes using it) is built from
//           the stored peering service prefixes, so deleting a registration no longer scans
//           them all under the write lock.
//   3 -> 4: idx_peer_asn (peer ASN -> peerings) and idx_provider_services (provider ASN ->
//           peering services), so a peering change and a peering service prefix's validation
//           read the provider's resources instead of scanning every peering or service.
//   4 -> 5: idx_request rows become RequestReplyRecords (reply + request fingerprint), so a
//           request_id reused with another payload can be refused; rows from before have no
//           fingerprint and are replayed as before. Written in one batch with the version.
//   5 -> 6: the audit column (created empty on open).
//   6 -> 7: idx_key and idx_key_users are keyed by a prefix key's SHA-256 (keys::KeyDigest)
//           instead of the key, so no RocksDB key holds one; the values that do can be sealed
//           (storage/key_sealer.h, storage/reseal.h).
// A migration rewrites resources in batches and records the new version last (synced), so a
// crash midway leaves version 1 and the next start redoes it; redoing is harmless.

#ifndef PFX_REGISTRY_SCHEMA_MIGRATION_H_
#define PFX_REGISTRY_SCHEMA_MIGRATION_H_

#include "absl/status/status.h"
#include "storage/database.h"
#include "storage/event_log.h"

namespace pfx {

absl::Status MigrateSchema(Database& db, EventLog& events);

}  // namespace pfx

#endif  // PFX_REGISTRY_SCHEMA_MIGRATION_H_
