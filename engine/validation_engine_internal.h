// File: validation_engine_internal.h
// -----------------------------------------------------------------------------
// What the three parts of ValidationEngine share (private to engine/):
//   validation_engine.cc          ProcessBatch: stage the outcomes, commit, publish;
//   validation_engine_inputs.cc   Evaluate: read what the checks need and run them;
//   validation_engine_explain.cc  Explain and the dry runs.

#ifndef PFX_ENGINE_VALIDATION_ENGINE_INTERNAL_H_
#define PFX_ENGINE_VALIDATION_ENGINE_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/validation_engine.h"
#include "registry/session_map.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {

inline ValidationState FromProto(v1::PrefixValidationState s) {
  switch (s) {
    case v1::PREFIX_VALIDATION_STATE_VERIFIED:
      return ValidationState::kVerified;
    case v1::PREFIX_VALIDATION_STATE_FAILED:
      return ValidationState::kFailed;
    case v1::PREFIX_VALIDATION_STATE_INVALID:
      return ValidationState::kInvalid;
    case v1::PREFIX_VALIDATION_STATE_WARNING:
      return ValidationState::kWarning;
    case v1::PREFIX_VALIDATION_STATE_UNKNOWN:
      return ValidationState::kUnknown;
    default:
      return ValidationState::kPending;
  }
}

struct ValidationEngine::Evaluation {
  bool found = false;
  v1::ValidationTarget target;
  std::string resource_key;
  std::string prefix;
  std::string peering_name;
  ValidationResult result;  // result.sessions: every required session, primary then backup
  // The resource as read, raw and as its validation view (one of the two; storage/records.proto):
  // Stage re-reads the bytes under the write lock and reuses the view when they did not
  // change, and parses the whole record from them only when the outcome changed.
  std::string stored;
  uint64_t applied_groups = 0;  // the committer's count before the read
  RegisteredPrefixValidationView registered_prefix;
  PeeringServicePrefixValidationView service_prefix;
};

// Reads shared by the evaluations of one batch. A batch is validated at one moment without
// locks either way, so reading a peering once per batch is as fresh as reading it per prefix
// (and a Revalidate batch is mostly prefixes of one peering).
class ValidationEngine::BatchReads {
 public:
  // The reference data a batch is checked against: one snapshot for the batch (taking them
  // per prefix cost two locks and four shared reference counts, which the workers contend on).
  struct References {
    std::shared_ptr<const IrrIndex> irr;
    std::shared_ptr<const VrpIndex> vrps;  // null: RPKI not configured or not usable
    bool rpki_unavailable = false;
  };

  BatchReads(const Database* db, References references)
      : db_(db), references_(std::move(references)) {}

  const References& references() const { return references_; }

  // The sessions a registered prefix of `peering` in `family` must be advertised on.
  const std::vector<RequiredSession>& RequiredSessions(const v1::Peering& peering, Family family) {
    auto [it, inserted] = required_.try_emplace(std::pair(peering.name(), family));
    if (inserted) it->second = SessionsOfPeering(peering, family);
    return it->second;
  }

  absl::StatusOr<const v1::Peering*> Peering(const std::string& name) {
    auto it = peerings_.find(name);
    if (it == peerings_.end()) {
      absl::StatusOr<std::optional<v1::Peering>> p =
          GetAsApi<PeeringRecord>(*db_, Column::kPeerings, name);
      if (!p.ok()) return p.status();
      it = peerings_.emplace(name, std::move(*p)).first;
    }
    return it->second.has_value() ? &*it->second : nullptr;
  }

  // The peerings whose peer ASN is `asn` (a provider's), from idx_peer_asn.
  absl::StatusOr<const std::vector<v1::Peering>*> PeeringsOfAsn(uint32_t asn) {
    auto it = by_asn_.find(asn);
    if (it != by_asn_.end()) return &it->second;
    absl::StatusOr<std::vector<std::string>> names =
        ListChildNames(*db_, Column::kIdxPeerAsn, keys::Asn(asn), SIZE_MAX);
    if (!names.ok()) return names.status();
    std::vector<v1::Peering> peerings;
    for (const std::string& name : *names) {
      absl::StatusOr<const v1::Peering*> p = Peering(name);
      if (!p.ok()) return p.status();
      if (*p == nullptr) {
        return absl::DataLossError(
            absl::StrCat("idx_peer_asn names peering '", name, "', which does not exist"));
      }
      peerings.push_back(**p);
    }
    return &by_asn_.emplace(asn, std::move(peerings)).first->second;
  }

 private:
  const Database* db_;
  References references_;
  absl::flat_hash_map<std::pair<std::string, Family>, std::vector<RequiredSession>> required_;
  absl::flat_hash_map<std::string, std::optional<v1::Peering>> peerings_;
  absl::flat_hash_map<uint32_t, std::vector<v1::Peering>> by_asn_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_VALIDATION_ENGINE_INTERNAL_H_
