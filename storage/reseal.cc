#include "storage/reseal.h"

#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/messages.h"
#include "storage/records.pb.h"
#include "storage/secret_fields.h"

namespace pfx {
namespace {

constexpr absl::string_view kSealingKey = "key_sealing";  // meta: "plain" or "sealed:<id>"
constexpr size_t kBatch = 1000;

std::string SealingName(const KeySealer& sealer) {
  return sealer.enabled() ? absl::StrCat("sealed:", sealer.sealing_id()) : "plain";
}

// Reseals the rows of `column` (holding Records) whose secrets are not current; the ids of
// KEKs found sealing values but not configured go to `unknown` (nothing is rewritten then).
template <typename Record>
absl::Status ResealColumn(Database& db, Column column, ResealReport& report,
                          absl::btree_set<std::string>& unknown) {
  const KeySealer& sealer = db.key_sealer();
  std::vector<std::string> stale;
  absl::Status unreadable;
  absl::Status s = db.Scan(column, "", "", [&](absl::string_view key, absl::string_view value) {
    ++report.rows_read;
    Record record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      unreadable = absl::DataLossError(absl::StrCat("stored ", Record::descriptor()->name(), " '",
                                                    keys::Readable(key), "' does not parse"));
      return false;
    }
    bool current = true;
    unreadable = VisitSecretFields(record, [&](google::protobuf::Message& holder,
                                               const google::protobuf::FieldDescriptor* field) {
      const std::string stored = holder.GetReflection()->GetString(holder, field);
      switch (sealer.Classify(stored)) {
        case KeySealer::Standing::kCurrent:
          return absl::OkStatus();
        case KeySealer::Standing::kStale:
          break;
        case KeySealer::Standing::kUnknownKek:
          unknown.insert(std::string(KeySealer::SealedKekId(stored)));
          break;
        case KeySealer::Standing::kDamaged:
          return absl::DataLossError(absl::StrCat(
              "stored ", Record::descriptor()->name(), " '", keys::Readable(key),
              "': ", field->name(), " is damaged or sealed in a format this pfxd does not know"));
      }
      current = false;
      return absl::OkStatus();
    });
    if (!current) stale.emplace_back(key);
    return unreadable.ok();
  });
  if (!s.ok()) return s;
  if (!unreadable.ok()) return unreadable;
  if (!unknown.empty()) return absl::OkStatus();
  for (size_t start = 0; start < stale.size(); start += kBatch) {
    WriteSet writes;
    for (size_t i = start; i < std::min(stale.size(), start + kBatch); ++i) {
      absl::StatusOr<std::optional<Record>> record = GetMessage<Record>(db, column, stale[i]);
      if (!record.ok()) {
        return absl::Status(record.status().code(), absl::StrCat(keys::Readable(stale[i]), ": ",
                                                                 record.status().message()));
      }
      if (!record->has_value()) continue;
      if (absl::Status put = PutMessage(db, writes, column, stale[i], **record); !put.ok()) {
        return put;
      }
    }
    if (absl::Status c = db.Commit(writes, Durability::kBuffered); !c.ok()) return c;
  }
  report.rows_resealed += stale.size();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResealReport> ResealStoredSecrets(Database& db) {
  ResealReport report;
  const KeySealer& sealer = db.key_sealer();
  const std::string wanted = SealingName(sealer);
  absl::StatusOr<std::optional<std::string>> recorded = db.Get(Column::kMeta, kSealingKey);
  if (!recorded.ok()) return recorded.status();
  if (recorded->has_value() && **recorded == wanted) return report;

  report.scanned = true;
  // Until the new marker is written, none: a start interrupted halfway through resealing
  // (killed, or a failed write) must scan again, whatever the next configuration is.
  if (recorded->has_value()) {
    WriteSet clear;
    clear.Delete(Column::kMeta, kSealingKey);
    if (absl::Status c = db.Commit(clear, Durability::kSynced); !c.ok()) return c;
  }
  absl::btree_set<std::string> unknown;
  absl::Status s = ResealColumn<storage::RegisteredPrefixRecord>(db, Column::kRegisteredPrefixes,
                                                                 report, unknown);
  if (s.ok()) {
    s = ResealColumn<storage::RegisteredAsnRecord>(db, Column::kRegisteredAsns, report, unknown);
  }
  if (s.ok()) {
    s = ResealColumn<storage::PeeringServicePrefixRecord>(db, Column::kServicePrefixes, report,
                                                          unknown);
  }
  if (s.ok()) {
    s = ResealColumn<storage::RequestReplyRecord>(db, Column::kIdxRequest, report, unknown);
  }
  if (!s.ok()) return s;
  if (!unknown.empty()) {
    // Rows of columns resealed before the unknown KEK was met stay correct: they are current.
    const std::string ids = absl::StrJoin(unknown, ", ", [](std::string* out, const auto& id) {
      absl::StrAppend(out, "'", id, "'");
    });
    if (!sealer.enabled()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "stored prefix keys are sealed under key-encryption key ", ids,
          " but none is configured: configure key_encryption_key { id: \"", *unknown.begin(),
          "\" file: \"...\" } (sealing cannot be turned off once on)"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("stored prefix keys are sealed under key-encryption key ", ids,
                     ", which the configuration does not list (it lists '", sealer.sealing_id(),
                     "' first): add key_encryption_key { id: \"", *unknown.begin(),
                     "\" file: \"...\" } after it, so pfxd can open them and seal them again"));
  }
  if (absl::Status synced = db.SyncWal(); !synced.ok()) return synced;
  if (sealer.enabled()) {
    // Plain keys also sat in idx_key / idx_key_users rows before schema 7 keyed them by digest.
    absl::Status compacted =
        db.Compact({Column::kRegisteredPrefixes, Column::kRegisteredAsns, Column::kServicePrefixes,
                    Column::kIdxRequest, Column::kIdxKey, Column::kIdxKeyUsers});
    if (!compacted.ok()) return compacted;
    report.compacted = true;
  }
  WriteSet marker;
  marker.Put(Column::kMeta, kSealingKey, wanted);
  if (absl::Status c = db.Commit(marker, Durability::kSynced); !c.ok()) return c;
  return report;
}

}  // namespace pfx
