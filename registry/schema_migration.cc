#include "registry/schema_migration.h"

#include <string>
#include <vector>

#include "base/log.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "registry/registry.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {
namespace {

// Version 1 -> 2 for one column: every resource gets the recent events from the log.
template <typename Resource>
absl::Status InlineRecentEvents(Database& db, EventLog& events, Column column,
                                EventLog::Kind kind) {
  std::vector<std::string> keys;
  absl::Status s = db.Scan(column, "", "", [&](absl::string_view key, absl::string_view) {
    keys.emplace_back(key);
    return true;
  });
  if (!s.ok()) return s;
  constexpr size_t kBatch = 1000;
  for (size_t start = 0; start < keys.size(); start += kBatch) {
    WriteSet writes;
    for (size_t i = start; i < std::min(keys.size(), start + kBatch); ++i) {
      absl::StatusOr<std::optional<Resource>> resource = GetMessage<Resource>(db, column, keys[i]);
      if (!resource.ok()) return resource.status();
      if (!resource->has_value()) continue;
      absl::StatusOr<std::vector<v1::PrefixEvent>> recent =
          events.Recent(kind, keys[i], kEventsShown);
      if (!recent.ok()) return recent.status();
      (*resource)->clear_events();
      for (const v1::PrefixEvent& e : *recent) *(*resource)->add_events() = ToRecord(e);
      if (absl::Status put = PutMessage(db, writes, column, keys[i], **resource); !put.ok()) {
        return put;
      }
    }
    if (absl::Status c = db.Commit(writes, Durability::kBuffered); !c.ok()) return c;
  }
  PFX_LOG(Info) << "schema 1 -> 2: " << keys.size() << " resources carry their recent events";
  return absl::OkStatus();
}

// Version 2 -> 3: idx_key_users from every peering service prefix.
absl::Status IndexKeyUsers(Database& db) {
  WriteSet writes;
  size_t indexed = 0;
  absl::Status unreadable;
  absl::Status s = db.Scan(
      Column::kServicePrefixes, "", "", [&](absl::string_view key, absl::string_view value) {
        PeeringServicePrefixRecord p;
        if (!p.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          unreadable = absl::DataLossError(absl::StrCat("stored peering service prefix ",
                                                        keys::Readable(key), " does not parse"));
          return false;
        }
        writes.Put(Column::kIdxKeyUsers, keys::KeyUser(p.peering_service_prefix_key(), key), "");
        ++indexed;
        return true;
      });
  if (!s.ok()) return s;
  if (!unreadable.ok()) return unreadable;
  if (absl::Status c = db.Commit(writes, Durability::kBuffered); !c.ok()) return c;
  PFX_LOG(Info) << "schema 2 -> 3: " << indexed << " peering service prefixes in idx_key_users";
  return absl::OkStatus();
}

// Version 3 -> 4: idx_peer_asn from every peering, idx_provider_services from every service.
absl::Status IndexByAsn(Database& db) {
  WriteSet writes;
  size_t peerings = 0, services = 0;
  absl::Status unreadable;
  absl::Status s =
      db.Scan(Column::kPeerings, "", "", [&](absl::string_view key, absl::string_view value) {
        PeeringRecord p;
        if (!p.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          unreadable = absl::DataLossError(absl::StrCat("stored peering ", key, " does not parse"));
          return false;
        }
        writes.Put(Column::kIdxPeerAsn, keys::AsnMember(static_cast<uint32_t>(p.peer_asn()), key),
                   "");
        ++peerings;
        return true;
      });
  if (!s.ok()) return s;
  if (!unreadable.ok()) return unreadable;
  s = db.Scan(
      Column::kPeeringServices, "", "", [&](absl::string_view key, absl::string_view value) {
        PeeringServiceRecord p;
        if (!p.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          unreadable =
              absl::DataLossError(absl::StrCat("stored peering service ", key, " does not parse"));
          return false;
        }
        writes.Put(Column::kIdxProviderServices,
                   keys::AsnMember(static_cast<uint32_t>(p.provider_asn()), key), "");
        ++services;
        return true;
      });
  if (!s.ok()) return s;
  if (!unreadable.ok()) return unreadable;
  if (absl::Status c = db.Commit(writes, Durability::kBuffered); !c.ok()) return c;
  PFX_LOG(Info) << "schema 3 -> 4: " << peerings << " peerings in idx_peer_asn, " << services
                << " peering services in idx_provider_services";
  return absl::OkStatus();
}

// Version 4 -> 5: idx_request rows held the bare reply; they become RequestReplyRecords without
// a request fingerprint (such replies are replayed for their request_id without comparing).
// Wrapping twice would break them, so the rows and the new version go in one batch.
absl::Status WrapRequestReplies(Database& db) {
  WriteSet writes;
  size_t wrapped = 0;
  absl::Status unwritable;
  absl::Status s =
      db.Scan(Column::kIdxRequest, "", "", [&](absl::string_view key, absl::string_view value) {
        storage::RequestReplyRecord record;
        record.set_reply(std::string(value));
        unwritable = PutMessage(db, writes, Column::kIdxRequest, key, record);
        ++wrapped;
        return unwritable.ok();
      });
  if (!s.ok()) return s;
  if (!unwritable.ok()) return unwritable;
  if (absl::Status c = db.SetSchemaVersion(5, &writes); !c.ok()) return c;
  PFX_LOG(Info) << "schema 4 -> 5: " << wrapped << " request_id replies wrapped";
  return absl::OkStatus();
}

// Version 6 -> 7: idx_key and idx_key_users rows keyed by a prefix key become keyed by its
// digest (keys::KeyDigest). A row already keyed by a digest is left: the rewrite is
// idempotent, so it commits in bounded batches and a crash halfway is finished next start.
absl::Status DigestKeyIndexes(Database& db) {
  size_t rekeyed = 0;
  for (Column column : {Column::kIdxKey, Column::kIdxKeyUsers}) {
    std::vector<std::pair<std::string, std::string>> rows;  // old key, value
    absl::Status s = db.Scan(column, "", "", [&](absl::string_view key, absl::string_view value) {
      auto [prefix_key, user] = keys::SplitChild(key);
      if (column == Column::kIdxKey ? !keys::IsKeyDigest(key) : !keys::IsKeyDigest(prefix_key)) {
        rows.emplace_back(key, value);
      }
      return true;
    });
    if (!s.ok()) return s;
    constexpr size_t kBatch = 1000;
    for (size_t start = 0; start < rows.size(); start += kBatch) {
      WriteSet writes;
      for (size_t i = start; i < std::min(rows.size(), start + kBatch); ++i) {
        const auto& [key, value] = rows[i];
        writes.Delete(column, key);
        if (column == Column::kIdxKey) {
          writes.Put(column, keys::KeyDigest(key), value);
        } else {
          auto [prefix_key, user] = keys::SplitChild(key);
          writes.Put(column, keys::KeyUser(prefix_key, user), value);
        }
      }
      if (absl::Status c = db.Commit(writes, Durability::kBuffered); !c.ok()) return c;
    }
    rekeyed += rows.size();
  }
  PFX_LOG(Info) << "schema 6 -> 7: " << rekeyed
                << " idx_key and idx_key_users rows keyed by a prefix key's digest";
  return absl::OkStatus();
}

}  // namespace

absl::Status MigrateSchema(Database& db, EventLog& events) {
  if (db.stored_schema_version() == 1) {
    if (auto s = InlineRecentEvents<RegisteredPrefixRecord>(db, events, Column::kRegisteredPrefixes,
                                                            EventLog::kRegisteredPrefix);
        !s.ok()) {
      return s;
    }
    if (auto s = InlineRecentEvents<PeeringServicePrefixRecord>(
            db, events, Column::kServicePrefixes, EventLog::kServicePrefix);
        !s.ok()) {
      return s;
    }
    // A synced write after the rewrites: it makes them durable with it.
    if (auto s = db.SetSchemaVersion(2); !s.ok()) return s;
  }
  if (db.stored_schema_version() == 2) {
    if (auto s = IndexKeyUsers(db); !s.ok()) return s;
    if (auto s = db.SetSchemaVersion(3); !s.ok()) return s;
  }
  if (db.stored_schema_version() == 3) {
    if (auto s = IndexByAsn(db); !s.ok()) return s;
    if (auto s = db.SetSchemaVersion(4); !s.ok()) return s;
  }
  if (db.stored_schema_version() == 4) {
    if (auto s = WrapRequestReplies(db); !s.ok()) return s;  // records version 5 with them
  }
  if (db.stored_schema_version() == 5) {
    // The audit column is created empty on open; the version tells an older pfxd to stay out.
    if (auto s = db.SetSchemaVersion(6); !s.ok()) return s;
  }
  if (db.stored_schema_version() == 6) {
    if (auto s = DigestKeyIndexes(db); !s.ok()) return s;
    if (auto s = db.SetSchemaVersion(7); !s.ok()) return s;  // synced: the rewrites with it
    // The rows keyed by keys are deleted, but stay in table files until compacted.
    if (auto s = db.Compact({Column::kIdxKey, Column::kIdxKeyUsers}); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace pfx
