// ValidationEngine, part 2: Evaluate (read what the checks of one target need, without
// locks, and run the pure pipeline).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/validation_engine.h"
#include "engine/validation_engine_internal.h"
#include "registry/input_rules.h"
#include "registry/peering_rules.h"
#include "registry/session_map.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "validator/checks.h"

namespace pfx {
namespace {

// The key a registration stored; DATA_LOSS naming the registration when it does not parse.
absl::StatusOr<PrefixKey> StoredKey(absl::string_view text, absl::string_view resource_key) {
  absl::StatusOr<PrefixKey> key = PrefixKey::Parse(text);
  if (!key.ok()) {
    return absl::DataLossError(absl::StrCat("stored key of ", keys::Readable(resource_key),
                                            " does not parse: ", key.status().message()));
  }
  return key;
}

}  // namespace

std::shared_ptr<const VrpIndex> ValidationEngine::Vrps() const {
  return rpki_ != nullptr ? rpki_->GetIfUsable() : nullptr;
}

bool ValidationEngine::RpkiUnavailable() const {
  return rpki_ != nullptr && rpki_->configured() && !rpki_->usable();
}

ValidationEngine::BatchReads ValidationEngine::StartReads() const {
  return BatchReads(ctx_.db, {irr_->Get(), Vrps(), RpkiUnavailable()});
}

absl::StatusOr<ValidationResult> ValidationEngine::CheckRegistered(const IpPrefix& prefix,
                                                                   const std::string& peering_name,
                                                                   BatchReads& reads) const {
  absl::StatusOr<const v1::Peering*> peering = reads.Peering(peering_name);
  if (!peering.ok()) return peering.status();
  static const std::vector<RequiredSession> kNone;
  const std::vector<RequiredSession>& required =
      *peering != nullptr ? reads.RequiredSessions(**peering, prefix.family()) : kNone;
  const BatchReads::References& refs = reads.references();
  return CheckRegisteredPrefix(
      {prefix, Observe(*ctx_.routes, required, prefix), refs.irr.get(),
       {refs.vrps.get(), options_.rpki_policy, refs.rpki_unavailable}});
}

absl::StatusOr<ValidationResult> ValidationEngine::CheckService(
    const ServiceQuery& query, BatchReads& reads,
    std::vector<v1::ProviderPeering>* considered) const {
  const IpPrefix& prefix = query.prefix;
  absl::StatusOr<const std::vector<v1::Peering>*> peerings =
      reads.PeeringsOfAsn(static_cast<uint32_t>(query.provider_asn));
  if (!peerings.ok()) return peerings.status();
  const std::vector<v1::Peering>& provider = **peerings;
  absl::flat_hash_set<std::string> provider_names;
  for (const v1::Peering& peering : provider) provider_names.insert(peering.name());

  const BatchReads::References& refs = reads.references();
  ServicePrefixInput in;
  in.prefix = prefix;
  in.given_key = query.given_key;
  in.provider_found = !provider.empty();
  in.irr = refs.irr.get();
  in.rpki = {refs.vrps.get(), options_.rpki_policy, refs.rpki_unavailable};
  in.has_backup_location = !query.backup_location.empty();
  in.primary_sessions =
      Observe(*ctx_.routes,
              SessionsAtLocation(provider, query.primary_location, prefix.family(), false), prefix);
  if (in.has_backup_location) {
    in.backup_sessions =
        Observe(*ctx_.routes,
                SessionsAtLocation(provider, query.backup_location, prefix.family(), true), prefix);
  }
  if (considered != nullptr) {
    for (const v1::Peering& peering : provider) {
      v1::ProviderPeering& c = considered->emplace_back();
      c.set_name(peering.name());
      c.set_kind(peering.kind());
      c.set_primary_sessions(static_cast<int32_t>(
          SessionsAtLocation({peering}, query.primary_location, prefix.family(), false).size()));
      if (in.has_backup_location) {
        c.set_backup_sessions(static_cast<int32_t>(
            SessionsAtLocation({peering}, query.backup_location, prefix.family(), true).size()));
      }
    }
  }
  // VOICE: registered prefixes equal to or covering this prefix, on the provider's peerings
  // (found in memory; only the provider's own registrations are read, for their keys).
  for (const RegisteredPrefixTable::Holder& holder : registered_->Covering(prefix)) {
    if (!provider_names.contains(keys::SplitChild(holder.registration).first)) continue;
    auto reg = GetMessage<RegisteredPrefixRecord>(*ctx_.db, Column::kRegisteredPrefixes,
                                                  holder.registration);
    if (!reg.ok()) return reg.status();
    if (!reg->has_value()) continue;  // deleted since the lookup
    absl::StatusOr<PrefixKey> key =
        StoredKey((*reg)->peering_service_prefix_key(), holder.registration);
    if (!key.ok()) return key.status();
    in.registered_prefix_keys.push_back(
        {*key, absl::StrCat("registered prefix ", (*reg)->peering_name(), "/", (*reg)->name(), " (",
                            (*reg)->prefix(), ")")});
  }
  // ROUTE SERVER: the registered ASN of each origin the provider's sessions show.
  std::vector<SessionObservation> all = in.primary_sessions;
  all.insert(all.end(), in.backup_sessions.begin(), in.backup_sessions.end());
  for (const SessionObservation& o : all) {
    if (!o.route.has_value()) continue;
    std::optional<uint32_t> origin = o.route->as_path.Origin();
    if (!origin.has_value() || in.registered_asn_keys.contains(*origin)) continue;
    auto holder = ctx_.db->Get(Column::kIdxAsn, keys::Asn(*origin));
    if (!holder.ok()) return holder.status();
    if (!holder->has_value()) continue;
    auto reg = GetAsApi<RegisteredAsnRecord>(*ctx_.db, Column::kRegisteredAsns, **holder);
    if (!reg.ok()) return reg.status();
    if (!reg->has_value() || !provider_names.contains((*reg)->peering_name())) continue;
    absl::StatusOr<PrefixKey> key = StoredKey((*reg)->peering_service_prefix_key(), **holder);
    if (!key.ok()) return key.status();
    in.registered_asn_keys[*origin] = {
        *key, absl::StrCat("registered ASN ", (*reg)->peering_name(), "/", (*reg)->name(), " (AS",
                           (*reg)->asn(), ")")};
  }
  // Whose key was given: one of the provider's registrations (a route change may still make
  // it match) or none of them (INVALID).
  if (query.given_key.has_value()) {
    auto owner = ctx_.db->Get(Column::kIdxKey, keys::KeyDigest(query.given_key->ToString()));
    if (!owner.ok()) return owner.status();
    if (owner->has_value() && !(*owner)->empty()) {
      absl::string_view kind_and_key = **owner;
      auto [parent, name] = keys::SplitChild(kind_and_key.substr(1));
      if (provider_names.contains(parent)) {
        const bool asn = kind_and_key[0] == 'A';
        in.given_key_owner = ServicePrefixInput::KeyOwner{
            absl::StrCat(asn ? "registered ASN " : "registered prefix ", parent, "/", name), asn};
      }
    }
  }
  return CheckServicePrefix(in);
}

absl::StatusOr<CheckReport> ValidationEngine::Registrable(const IpPrefix& prefix,
                                                          const v1::Peering& peering) const {
  CheckReport r{.check = "registrable", .heading = "Prefix cannot be registered"};
  std::vector<std::string> problems;
  if (!HasActiveConnection(peering)) {
    problems.push_back(absl::StrCat("peering '", peering.name(), "' has no ACTIVE connection"));
  }
  absl::StatusOr<std::optional<std::string>> holder =
      ctx_.db->Get(Column::kIdxPrefix, prefix.ToString());
  if (!holder.ok()) return holder.status();
  if (holder->has_value()) {
    problems.push_back(
        absl::StrCat(prefix.ToString(), " is already registered as ", keys::Readable(**holder)));
  }
  if (problems.empty()) {
    r.reason = "the peering takes registrations and no registration holds the prefix";
  } else {
    r.outcome = Outcome::kFail;
    r.reason = absl::StrJoin(problems, "; ");
  }
  return r;
}

absl::StatusOr<ValidationEngine::Evaluation> ValidationEngine::Evaluate(
    const v1::ValidationTarget& target, BatchReads& reads,
    std::vector<v1::ProviderPeering>* considered) const {
  Evaluation ev;
  ev.target = target;
  ev.resource_key = keys::Child(target.parent(), target.name());
  ev.applied_groups = ctx_.committer->applied_groups();
  // Reads the resource into ev.stored and `resource`; false when it does not exist.
  auto read = [&](Column column, auto& resource) -> absl::StatusOr<bool> {
    absl::StatusOr<std::optional<std::string>> raw = ctx_.db->Get(column, ev.resource_key);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return false;
    ev.stored = std::move(**raw);
    if (absl::Status s = ParseStoredView(*ctx_.db, ev.stored, resource); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(keys::Readable(ev.resource_key), ": ", s.message()));
    }
    return true;
  };

  if (target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX) {
    RegisteredPrefixValidationView& r = ev.registered_prefix;
    absl::StatusOr<bool> exists = read(Column::kRegisteredPrefixes, r);
    if (!exists.ok()) return exists.status();
    if (!*exists) return ev;
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(r.prefix());
    if (!prefix.ok()) return prefix.status();
    absl::StatusOr<ValidationResult> result = CheckRegistered(*prefix, r.peering_name(), reads);
    if (!result.ok()) return result.status();
    ev.found = true;
    ev.prefix = r.prefix();
    ev.peering_name = r.peering_name();
    ev.result = std::move(*result);
    return ev;
  }

  PeeringServicePrefixValidationView& p = ev.service_prefix;
  absl::StatusOr<bool> exists = read(Column::kServicePrefixes, p);
  if (!exists.ok()) return exists.status();
  if (!*exists) return ev;
  auto service =
      GetAsApi<PeeringServiceRecord>(*ctx_.db, Column::kPeeringServices, target.parent());
  if (!service.ok()) return service.status();
  if (!service->has_value()) return ev;
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(p.prefix());
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<PrefixKey> given = PrefixKey::Parse(p.peering_service_prefix_key());
  if (!given.ok()) return given.status();
  ServiceQuery query{*prefix, *given, (*service)->provider_asn(),
                     (*service)->primary_peering_location(), (*service)->backup_peering_location()};
  absl::StatusOr<ValidationResult> result = CheckService(query, reads, considered);
  if (!result.ok()) return result.status();
  ev.found = true;
  ev.prefix = p.prefix();
  ev.result = std::move(*result);
  return ev;
}

}  // namespace pfx
