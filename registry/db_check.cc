#include "registry/db_check.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/key_sealer.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/secret_fields.h"
#include "validator/ip_prefix.h"

namespace pfx {
namespace {

// What the cross-checks need of one prefix or ASN registration.
struct Holder {
  std::string value;       // the prefix text, or the ASN as keys::Asn
  std::string key_digest;  // keys::KeyDigest of its prefix key: what the indexes are keyed by
};

class Checker {
 public:
  Checker(const Database& db, size_t max_violations, DbCheckReport& report)
      : db_(db), max_violations_(max_violations), report_(report) {}

  absl::Status Run() {
    if (db_.stored_schema_version() != kSchemaVersion) {
      Violation(Column::kMeta, "schema_version",
                absl::StrCat("is ", db_.stored_schema_version(), ", this pfxd writes ",
                             kSchemaVersion, " (start pfxd once to migrate)"));
    }
    for (auto step : {&Checker::Peerings, &Checker::Services, &Checker::RegisteredPrefixes,
                      &Checker::RegisteredAsns, &Checker::ServicePrefixes, &Checker::Indexes,
                      &Checker::Queue, &Checker::Events, &Checker::Replies}) {
      if (absl::Status s = (this->*step)(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  void Violation(Column column, absl::string_view key, absl::string_view what) {
    if (report_.violation_count++ < max_violations_) {
      report_.violations.push_back(
          absl::StrCat(ColumnName(column), " '", keys::Readable(key), "': ", what));
    }
  }

  // Visits every row of `column` that parses as Record, its secrets opened; reports those
  // that do not parse or open, and secrets not stored as the configured sealing stores them.
  template <typename Record, typename Visit>
  absl::Status EachRecord(Column column, Visit visit) {
    return db_.Scan(column, "", "", [&](absl::string_view key, absl::string_view value) {
      ++report_.rows[ColumnName(column)];
      Record record;
      if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        Violation(column, key, absl::StrCat("does not parse as ", Record::descriptor()->name()));
        return true;
      }
      const KeySealer& sealer = db_.key_sealer();
      VisitSecretFields(record, [&](google::protobuf::Message& holder,
                                    const google::protobuf::FieldDescriptor* field) {
        const std::string stored = holder.GetReflection()->GetString(holder, field);
        // A value that does not open at all is reported once, by OpenSecrets below.
        if (sealer.Classify(stored) == KeySealer::Standing::kStale) {
          Violation(column, key,
                    absl::StrCat(field->name(), " is ",
                                 KeySealer::IsSealed(stored)
                                     ? absl::StrCat("sealed under key-encryption key '",
                                                    KeySealer::SealedKekId(stored), "'")
                                     : std::string("stored in plain text"),
                                 sealer.enabled()
                                     ? absl::StrCat(", not under '", sealer.sealing_id(), "'")
                                     : std::string(", but sealing is off")));
        }
        return absl::OkStatus();
      }).IgnoreError();
      if (absl::Status opened = sealer.OpenSecrets(record); !opened.ok()) {
        Violation(column, key, opened.message());
        return true;
      }
      visit(key, record);
      return true;
    });
  }

  absl::Status Rows(Column column, absl::flat_hash_map<std::string, std::string>& out) {
    return db_.Scan(column, "", "", [&](absl::string_view key, absl::string_view value) {
      ++report_.rows[ColumnName(column)];
      out.emplace(key, value);
      return true;
    });
  }

  // `key` must be exactly `expected` (the key the record's own fields give).
  void KeyMatches(Column column, absl::string_view key, absl::string_view expected) {
    if (key != expected) {
      Violation(column, key,
                absl::StrCat("is stored under the wrong key; its fields say '",
                             keys::Readable(expected), "'"));
    }
  }

  void ClaimKey(Column column, absl::string_view key, const std::string& secret) {
    if (secret.empty()) {
      Violation(column, key, "has no prefix key");
      return;
    }
    auto [it, fresh] = secret_holders_.emplace(keys::KeyDigest(secret), key);
    if (!fresh) {
      Violation(column, key,
                absl::StrCat("holds the same prefix key as '", keys::Readable(it->second), "'"));
    }
  }

  absl::Status Peerings() {
    return EachRecord<PeeringRecord>(
        Column::kPeerings, [&](absl::string_view key, const PeeringRecord& p) {
          KeyMatches(Column::kPeerings, key, p.name());
          peerings_.emplace(key, keys::Asn(static_cast<uint32_t>(p.peer_asn())));
        });
  }

  absl::Status Services() {
    return EachRecord<PeeringServiceRecord>(
        Column::kPeeringServices, [&](absl::string_view key, const PeeringServiceRecord& s) {
          KeyMatches(Column::kPeeringServices, key, s.name());
          services_.emplace(key, keys::Asn(static_cast<uint32_t>(s.provider_asn())));
        });
  }

  absl::Status RegisteredPrefixes() {
    return EachRecord<RegisteredPrefixRecord>(
        Column::kRegisteredPrefixes, [&](absl::string_view key, const RegisteredPrefixRecord& r) {
          const Column column = Column::kRegisteredPrefixes;
          KeyMatches(column, key, keys::Child(r.peering_name(), r.name()));
          if (!peerings_.contains(r.peering_name())) {
            Violation(column, key, absl::StrCat("its peering '", r.peering_name(), "' is gone"));
          }
          absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(r.prefix());
          if (!prefix.ok() || prefix->ToString() != r.prefix()) {
            Violation(column, key, absl::StrCat("prefix '", r.prefix(), "' is not canonical"));
          }
          ClaimKey(column, key, r.peering_service_prefix_key());
          registered_prefixes_.emplace(
              key, Holder{r.prefix(), keys::KeyDigest(r.peering_service_prefix_key())});
        });
  }

  absl::Status RegisteredAsns() {
    return EachRecord<RegisteredAsnRecord>(
        Column::kRegisteredAsns, [&](absl::string_view key, const RegisteredAsnRecord& r) {
          const Column column = Column::kRegisteredAsns;
          KeyMatches(column, key, keys::Child(r.peering_name(), r.name()));
          if (!peerings_.contains(r.peering_name())) {
            Violation(column, key, absl::StrCat("its peering '", r.peering_name(), "' is gone"));
          }
          ClaimKey(column, key, r.peering_service_prefix_key());
          registered_asns_.emplace(key, Holder{keys::Asn(static_cast<uint32_t>(r.asn())),
                                               keys::KeyDigest(r.peering_service_prefix_key())});
        });
  }

  absl::Status ServicePrefixes() {
    absl::flat_hash_set<std::string> prefix_in_service;  // service \0 prefix
    return EachRecord<PeeringServicePrefixRecord>(
        Column::kServicePrefixes, [&](absl::string_view key, const PeeringServicePrefixRecord& p) {
          const Column column = Column::kServicePrefixes;
          KeyMatches(column, key, keys::Child(p.peering_service_name(), p.name()));
          if (!services_.contains(p.peering_service_name())) {
            Violation(column, key,
                      absl::StrCat("its peering service '", p.peering_service_name(), "' is gone"));
          }
          if (!prefix_in_service.insert(keys::Child(p.peering_service_name(), p.prefix())).second) {
            Violation(column, key, absl::StrCat("prefix ", p.prefix(), " is activated twice"));
          }
          service_prefixes_.emplace(
              key, Holder{p.prefix(), keys::KeyDigest(p.peering_service_prefix_key())});
        });
  }

  // Both directions of every index.
  absl::Status Indexes() {
    absl::flat_hash_map<std::string, std::string> idx_prefix, idx_asn, idx_key, key_users, peer_asn,
        provider_services;
    for (auto [column, rows] :
         {std::pair{Column::kIdxPrefix, &idx_prefix}, std::pair{Column::kIdxAsn, &idx_asn},
          std::pair{Column::kIdxKey, &idx_key}, std::pair{Column::kIdxKeyUsers, &key_users},
          std::pair{Column::kIdxPeerAsn, &peer_asn},
          std::pair{Column::kIdxProviderServices, &provider_services}}) {
      if (absl::Status s = Rows(column, *rows); !s.ok()) return s;
    }
    // Resource -> index entry.
    for (const auto& [key, r] : registered_prefixes_) {
      Expect(Column::kRegisteredPrefixes, key, idx_prefix, r.value, key);
      Expect(Column::kRegisteredPrefixes, key, idx_key, r.key_digest, absl::StrCat("R", key));
    }
    for (const auto& [key, r] : registered_asns_) {
      Expect(Column::kRegisteredAsns, key, idx_asn, r.value, key);
      Expect(Column::kRegisteredAsns, key, idx_key, r.key_digest, absl::StrCat("A", key));
    }
    for (const auto& [key, p] : service_prefixes_) {
      Expect(Column::kServicePrefixes, key, key_users, keys::Child(p.key_digest, key), "");
    }
    for (const auto& [name, asn] : peerings_) {
      Expect(Column::kPeerings, name, peer_asn, keys::Child(asn, name), "");
    }
    for (const auto& [name, asn] : services_) {
      Expect(Column::kPeeringServices, name, provider_services, keys::Child(asn, name), "");
    }
    // Index entry -> resource.
    for (const auto& [prefix, key] : idx_prefix) {
      Points(Column::kIdxPrefix, prefix, registered_prefixes_, key, &Holder::value, prefix);
    }
    for (const auto& [asn, key] : idx_asn) {
      Points(Column::kIdxAsn, asn, registered_asns_, key, &Holder::value, asn);
    }
    for (const auto& [digest, owner] : idx_key) {
      if (owner.empty() || (owner[0] != 'R' && owner[0] != 'A')) {
        Violation(Column::kIdxKey, "(a prefix key)", "names no owner kind");
        continue;
      }
      const auto& holders = owner[0] == 'A' ? registered_asns_ : registered_prefixes_;
      Points(Column::kIdxKey, "(a prefix key)", holders, owner.substr(1), &Holder::key_digest,
             digest);
    }
    for (const auto& [entry, unused] : key_users) {
      auto [digest, user] = keys::SplitChild(entry);
      Points(Column::kIdxKeyUsers, user, service_prefixes_, std::string(user), &Holder::key_digest,
             digest);
    }
    CheckMembers(Column::kIdxPeerAsn, peer_asn, peerings_);
    CheckMembers(Column::kIdxProviderServices, provider_services, services_);
    return absl::OkStatus();
  }

  // The resource `key` of `column` needs `index[entry] == value`.
  void Expect(Column column, absl::string_view key,
              const absl::flat_hash_map<std::string, std::string>& index, const std::string& entry,
              const std::string& value) {
    auto it = index.find(entry);
    if (it == index.end()) {
      Violation(column, key, "has no entry in its index");
    } else if (it->second != value) {
      Violation(column, key,
                absl::StrCat("its index entry points at '", keys::Readable(it->second), "'"));
    }
  }

  // The index entry `shown` of `column` points at `key`, which must exist with `field` == `want`.
  void Points(Column column, absl::string_view shown,
              const absl::flat_hash_map<std::string, Holder>& resources, const std::string& key,
              std::string Holder::*field, absl::string_view want) {
    auto it = resources.find(key);
    if (it == resources.end()) {
      Violation(column, shown,
                absl::StrCat("points at '", keys::Readable(key), "', which is gone"));
    } else if (it->second.*field != want) {
      Violation(column, shown,
                absl::StrCat("points at '", keys::Readable(key), "', which says otherwise"));
    }
  }

  // asn \0 name entries: the resource `name` exists and has that ASN.
  void CheckMembers(Column column, const absl::flat_hash_map<std::string, std::string>& entries,
                    const absl::flat_hash_map<std::string, std::string>& resources) {
    for (const auto& [entry, unused] : entries) {
      auto [asn, name] = keys::SplitChild(entry);
      auto it = resources.find(name);
      if (it == resources.end()) {
        Violation(column, entry, "points at a resource that is gone");
      } else if (it->second != asn) {
        Violation(column, entry, absl::StrCat("the resource's ASN is ", it->second));
      }
    }
  }

  absl::Status Queue() {
    return EachRecord<QueueEntryRecord>(
        Column::kQueue, [&](absl::string_view key, const QueueEntryRecord& q) {
          const std::string target = keys::Child(q.parent(), q.name());
          switch (q.kind()) {
            case QueueEntryRecord::KIND_REGISTERED_PREFIX:
              if (!registered_prefixes_.contains(target)) ++report_.stale_queue_rows;
              return;
            case QueueEntryRecord::KIND_PEERING_SERVICE_PREFIX:
              if (!service_prefixes_.contains(target)) ++report_.stale_queue_rows;
              return;
            default:
              Violation(Column::kQueue, absl::StrCat("#", keys::ParseSequence(key)),
                        absl::StrCat("names no prefix kind (", q.kind(), ")"));
          }
        });
  }

  // Event keys: kind, resource key, \0, 8-byte sequence (storage/keys.h).
  absl::Status Events() {
    return EachRecord<EventRecord>(Column::kEvents, [&](absl::string_view key, const EventRecord&) {
      if (key.size() < 1 + 1 + 8) {
        Violation(Column::kEvents, key, "is too short to name a resource");
        return;
      }
      const std::string resource(key.substr(1, key.size() - 1 - 1 - 8));
      const bool exists = key[0] == 'R'   ? registered_prefixes_.contains(resource)
                          : key[0] == 'S' ? service_prefixes_.contains(resource)
                                          : false;
      if (!exists) Violation(Column::kEvents, key, "belongs to no stored prefix");
    });
  }

  absl::Status Replies() {
    return EachRecord<storage::RequestReplyRecord>(
        Column::kIdxRequest, [](absl::string_view, const storage::RequestReplyRecord&) {});
  }

  const Database& db_;
  const size_t max_violations_;
  DbCheckReport& report_;
  absl::flat_hash_map<std::string, std::string> peerings_;  // name -> keys::Asn(peer_asn)
  absl::flat_hash_map<std::string, std::string> services_;  // name -> keys::Asn(provider_asn)
  absl::flat_hash_map<std::string, Holder> registered_prefixes_, registered_asns_,
      service_prefixes_;
  absl::flat_hash_map<std::string, std::string> secret_holders_;  // key digest -> holder
};

}  // namespace

std::string DbCheckReport::ToString() const {
  std::vector<std::string> counts;
  for (const auto& [column, n] : rows) counts.push_back(absl::StrCat(n, " ", column));
  std::string out = absl::StrCat(clean() ? "clean" : absl::StrCat(violation_count, " violations"),
                                 ": ", absl::StrJoin(counts, ", "), "; ", stale_queue_rows,
                                 " queue rows of deleted prefixes (dropped when popped)");
  for (const std::string& v : violations) absl::StrAppend(&out, "\n  ", v);
  if (violations.size() < violation_count) {
    absl::StrAppend(&out, "\n  ... and ", violation_count - violations.size(), " more");
  }
  return out;
}

absl::StatusOr<DbCheckReport> CheckDatabase(const Database& db, size_t max_violations) {
  DbCheckReport report;
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c)
    report.rows[ColumnName(static_cast<Column>(c))];
  report.rows.erase(ColumnName(Column::kMeta));
  Checker checker(db, max_violations, report);
  if (absl::Status s = checker.Run(); !s.ok()) return s;
  return report;
}

}  // namespace pfx
