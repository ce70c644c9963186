#include "engine/validation_engine.h"

#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/log.h"
#include "engine/explain.h"
#include "registry/events.h"
#include "registry/input_rules.h"
#include "registry/peering_rules.h"
#include "registry/session_map.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "validator/checks.h"
#include "validator/hold_down.h"

namespace pfx {
namespace {

ValidationState FromProto(v1::PrefixValidationState s) {
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

std::string SessionLabelKey(const SessionObservation& o) {
  return absl::StrCat(o.router, "|", o.peer_address);
}

// Route events from the difference between the routes seen last time and now.
void RouteEvents(const google::protobuf::Map<std::string, uint32_t>& before,
                 const std::vector<SessionObservation>& now_seen, const std::string& prefix,
                 absl::Time when, std::vector<v1::PrefixEvent>& out,
                 google::protobuf::Map<std::string, uint32_t>& after) {
  absl::flat_hash_set<std::string> present;
  for (const SessionObservation& o : now_seen) {
    std::string key = SessionLabelKey(o);
    if (!o.route.has_value()) {
      auto it = before.find(key);
      if (it != before.end()) {
        out.push_back(
            MakeEvent(o.backup ? "PrefixBackupRouteWithdrawalEvent" : "PrefixWithdrawalEvent",
                      absl::StrCat("Prefix withdrawn on session ", o.Label()),
                      absl::StrCat(prefix, " is no longer advertised on ", o.Label(), " (session ",
                                   FeedSessionStateName(o.state), ")"),
                      v1::EVENT_LEVEL_WARNING, when));
      }
      continue;
    }
    uint32_t origin = o.route->as_path.Origin().value_or(0);
    after[key] = origin;
    present.insert(key);
    auto it = before.find(key);
    if (it == before.end()) {
      out.push_back(
          MakeEvent(o.backup ? "PrefixBackupRouteAnnouncementEvent" : "PrefixAnnouncementEvent",
                    absl::StrCat("Prefix announced on session ", o.Label()),
                    absl::StrCat(prefix, " advertised on ", o.Label(), " with AS path ",
                                 o.route->as_path.ToString()),
                    v1::EVENT_LEVEL_INFORMATION, when));
    } else if (it->second != origin) {
      out.push_back(
          MakeEvent(o.backup ? "PrefixBackupRouteOriginAsChangeEvent" : "PrefixOriginAsChangeEvent",
                    absl::StrCat("Origin AS changed on session ", o.Label()),
                    absl::StrCat(prefix, " origin changed from AS", it->second, " to AS", origin,
                                 " on ", o.Label()),
                    o.backup ? v1::EVENT_LEVEL_ERROR : v1::EVENT_LEVEL_CRITICAL, when));
    }
  }
}

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

struct ValidationEngine::Evaluation {
  bool found = false;
  v1::ValidationTarget target;
  std::string resource_key;
  std::string prefix;
  std::string peering_name;
  ValidationResult result;  // result.sessions: every required session, primary then backup
  // The resource as read, raw and parsed (one of the two messages): Stage re-reads the bytes
  // under the write lock and reuses the parsed copy when they did not change.
  std::string stored;
  uint64_t applied_groups = 0;  // the committer's count before the read
  RegisteredPrefixRecord registered_prefix;
  PeeringServicePrefixRecord service_prefix;
};

// Reads shared by the evaluations of one batch. A batch is validated at one moment without
// locks either way, so reading a peering once per batch is as fresh as reading it per prefix
// (and a Revalidate batch is mostly prefixes of one peering).
class ValidationEngine::BatchReads {
 public:
  explicit BatchReads(const Database* db) : db_(db) {}

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
  absl::flat_hash_map<std::string, std::optional<v1::Peering>> peerings_;
  absl::flat_hash_map<uint32_t, std::vector<v1::Peering>> by_asn_;
};

absl::StatusOr<ValidationResult> ValidationEngine::CheckRegistered(const IpPrefix& prefix,
                                                                   const std::string& peering_name,
                                                                   BatchReads& reads) const {
  absl::StatusOr<const v1::Peering*> peering = reads.Peering(peering_name);
  if (!peering.ok()) return peering.status();
  std::vector<RequiredSession> required;
  if (*peering != nullptr) required = SessionsOfPeering(**peering, prefix.family());
  std::shared_ptr<const IrrIndex> irr = irr_->Get();
  return CheckRegisteredPrefix({prefix, Observe(*ctx_.routes, required, prefix), irr.get()});
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

  std::shared_ptr<const IrrIndex> irr = irr_->Get();
  ServicePrefixInput in;
  in.prefix = prefix;
  in.given_key = query.given_key;
  in.provider_found = !provider.empty();
  in.irr = irr.get();
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
    absl::StatusOr<PrefixKey> key = StoredKey((*reg)->peering_service_prefix_key(),
                                              holder.registration);
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
    auto owner = ctx_.db->Get(Column::kIdxKey, query.given_key->ToString());
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
    if (!resource.ParseFromString(ev.stored)) {
      return absl::DataLossError(absl::StrCat("stored ", ev.resource_key, " does not parse"));
    }
    return true;
  };

  if (target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX) {
    RegisteredPrefixRecord& r = ev.registered_prefix;
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

  PeeringServicePrefixRecord& p = ev.service_prefix;
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

absl::Status ValidationEngine::ProcessBatch(const std::vector<QueueItem>& items) {
  // 1. Evaluate without locks.
  std::vector<std::pair<const QueueItem*, Evaluation>> evaluated;
  absl::Status first_error;
  BatchReads reads(ctx_.db);
  // A target that cannot be validated keeps its stored state; its notice says why, so a
  // Revalidate waiting for it counts it (failed) instead of waiting forever.
  std::vector<ValidationNotice> failures;
  auto fail = [&](const QueueItem& item, const absl::Status& status) {
    ValidationNotice& n = failures.emplace_back();
    *n.change.mutable_target() = item.target;
    n.failure = status;
    if (first_error.ok()) first_error = status;
  };
  for (const QueueItem& item : items) {
    absl::StatusOr<Evaluation> ev = Evaluate(item.target, reads, /*considered=*/nullptr);
    if (!ev.ok()) {
      // A stored entry stays queued (retried after a restart); the others proceed.
      ctx_.queue->Release(item);
      fail(item, ev.status());
      continue;
    }
    evaluated.emplace_back(&item, std::move(*ev));
  }
  // 2. One write-locked section and one WriteBatch for the whole batch: per-prefix locking and
  // commits dominated Revalidate (task switches and lock hand-offs between workers).
  const absl::Time now = ctx_.clock->Now();
  std::vector<Staged> staged;
  absl::Status committed;
  {
    absl::MutexLock lock(ctx_.write_mu);
    WriteSet writes;
    for (auto& [item, ev] : evaluated) {
      absl::StatusOr<Staged> s = Stage(writes, *item, ev, now);
      if (!s.ok()) {
        committed = s.status();
        break;
      }
      staged.push_back(std::move(*s));
    }
    // Worker results need not be synced: the queue entries are deleted in the same batch, so
    // a crash before the WAL reaches disk leaves them queued and they are validated again.
    if (committed.ok()) committed = ctx_.db->Commit(writes, Durability::kBuffered);
  }
  for (auto& [item, ev] : evaluated) ctx_.queue->Release(*item);
  if (!committed.ok()) {
    for (auto& [item, ev] : evaluated) fail(*item, committed);
    notices_->Publish(failures);
    return committed;
  }
  // 3. After the commit: dependencies, hold-down timers, notices.
  std::vector<ValidationNotice> notices;
  notices.reserve(staged.size());
  for (Staged& s : staged) notices.push_back(Publish(s, now));
  for (ValidationNotice& f : failures) notices.push_back(std::move(f));
  notices_->Publish(notices);
  return first_error;
}

absl::StatusOr<ValidationEngine::Staged> ValidationEngine::Stage(WriteSet& writes,
                                                                 const QueueItem& item,
                                                                 Evaluation& ev, absl::Time now) {
  ctx_.queue->Complete(writes, item);
  Staged staged;
  staged.item = item;
  staged.prefix = ev.prefix;
  staged.peering_name = ev.peering_name;
  if (!ev.found) return staged;

  auto apply = [&](auto& resource, Column column, EventLog::Kind kind) -> absl::Status {
    ValidationState previous = FromProto(resource.prefix_validation_state());
    if (previous == ValidationState::kUnknown) previous = FromProto(resource.last_decided_state());
    std::optional<absl::Time> previous_deadline;
    if (resource.has_hold_down_deadline()) {
      previous_deadline = FromTimestamp(resource.hold_down_deadline());
    }
    HoldDownDecision decision =
        ApplyHoldDown(previous, previous_deadline, ev.result, now, options_.hold_down);
    v1::PrefixValidationState new_state = ToProtoState(decision.state);
    std::string message = ev.result.error_message;
    if (decision.state == ValidationState::kWarning && decision.deadline.has_value()) {
      message = absl::StrCat(
          message, " (hold-down: FAILED at ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *decision.deadline, absl::UTCTimeZone()),
          " unless the route returns)");
    }
    std::vector<v1::PrefixEvent> events;
    google::protobuf::Map<std::string, uint32_t> observed;
    RouteEvents(resource.observed_origins(), ev.result.sessions, ev.prefix, now, events, observed);
    staged.notice.change.set_old_state(resource.prefix_validation_state());
    staged.notice.change.set_new_state(new_state);
    if (new_state != resource.prefix_validation_state() || message != resource.error_message()) {
      events.push_back(MakeEvent(kStateChangeEvent, ValidationStateName(decision.state),
                                 message.empty() ? "all checks passed" : message,
                                 LevelForState(new_state), now));
    }
    resource.set_prefix_validation_state(new_state);
    if (decision.state != ValidationState::kUnknown) resource.set_last_decided_state(new_state);
    resource.set_error_message(message);
    *resource.mutable_observed_origins() = observed;
    if (decision.deadline.has_value()) {
      *resource.mutable_hold_down_deadline() = ToTimestamp(*decision.deadline);
    } else {
      resource.clear_hold_down_deadline();
    }
    if constexpr (std::is_same_v<std::decay_t<decltype(resource)>, PeeringServicePrefixRecord>) {
      resource.set_learned_type(ev.result.learned_via_provider
                                    ? v1::LEARNED_TYPE_VIA_SERVICE_PROVIDER
                                    : v1::LEARNED_TYPE_NONE);
    }
    for (const v1::PrefixEvent& e : events) {
      RecordEvent(*ctx_.events, writes, kind, ev.resource_key, e, resource.mutable_events());
    }
    // An unchanged outcome (the common case of a bulk Revalidate) rewrites nothing.
    std::string updated = SerializeDeterministically(resource);
    if (updated != ev.stored) writes.Put(column, ev.resource_key, updated);
    staged.deadline = decision.deadline;
    staged.notice.change.set_error_message(message);
    return absl::OkStatus();
  };

  // The resource may have changed or gone since Evaluate read it, but only through a registry
  // mutation (no other worker holds this target): with none applied since, Evaluate's copy is
  // current (the usual case of a bulk Revalidate); otherwise re-read it into ev.stored and
  // `resource`, reusing the parsed copy when the bytes did not change. False: it is gone.
  auto refresh = [&](auto& resource, Column column) -> absl::StatusOr<bool> {
    if (ctx_.committer->applied_groups() == ev.applied_groups) return true;
    absl::StatusOr<std::optional<std::string>> raw = ctx_.db->Get(column, ev.resource_key);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return false;
    if (**raw == ev.stored) return true;
    ev.stored = std::move(**raw);
    if (!resource.ParseFromString(ev.stored)) {
      return absl::DataLossError(absl::StrCat("stored ", ev.resource_key, " does not parse"));
    }
    return true;
  };
  auto stage = [&](auto& resource, Column column, EventLog::Kind kind) -> absl::Status {
    absl::StatusOr<bool> exists = refresh(resource, column);
    if (!exists.ok()) return exists.status();
    if (!*exists || resource.prefix() != ev.prefix) return absl::OkStatus();  // gone meanwhile
    staged.exists = true;
    return apply(resource, column, kind);
  };
  absl::Status s =
      item.target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX
          ? stage(ev.registered_prefix, Column::kRegisteredPrefixes, EventLog::kRegisteredPrefix)
          : stage(ev.service_prefix, Column::kServicePrefixes, EventLog::kServicePrefix);
  if (!s.ok()) return s;
  for (const SessionObservation& o : ev.result.sessions) {
    if (auto a = IpAddress::Parse(o.peer_address); a.ok())
      staged.sessions.push_back({o.router, *a});
  }
  return staged;
}

ValidationNotice ValidationEngine::Publish(Staged& s, absl::Time now) {
  const v1::ValidationTarget& target = s.item.target;
  *s.notice.change.mutable_target() = target;
  if (!s.exists) {
    // Deleted meanwhile (or changed prefix): still a completion, Revalidate progress counts it.
    dependencies_->Forget(target);
    return std::move(s.notice);
  }
  dependencies_->SetSessions(target, s.sessions);
  if (s.deadline.has_value()) {
    ValidationQueue* queue = ctx_.queue;
    timers_->Schedule(*s.deadline, [queue, target] {
      // A failed requeue leaves the prefix in WARNING past its deadline until the next route
      // change or restart (Recover requeues WARNING): say so.
      if (absl::Status e = queue->Enqueue({target}, Durability::kBuffered); !e.ok()) {
        PFX_LOG(Error) << "hold-down requeue of " << TargetKey(target) << " failed: " << e;
      }
    });
  }
  s.notice.change.set_prefix(s.prefix);
  *s.notice.change.mutable_timestamp() = ToTimestamp(now);
  s.notice.peering_name = s.peering_name;
  PFX_LOG(Debug) << "validated " << TargetKey(target) << " " << s.prefix << ": "
                 << v1::PrefixValidationState_Name(s.notice.change.new_state());
  return std::move(s.notice);
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::Explain(
    const v1::ExplainRequest& request) const {
  BatchReads reads(ctx_.db);
  switch (request.subject_case()) {
    case v1::ExplainRequest::kTarget:
      return ExplainTarget(request.target(), reads);
    case v1::ExplainRequest::kRegisteredPrefixCandidate:
      return DryRunRegisteredPrefix(request.registered_prefix_candidate(), reads);
    case v1::ExplainRequest::kPeeringServicePrefixCandidate:
      return DryRunServicePrefix(request.peering_service_prefix_candidate(), reads);
    case v1::ExplainRequest::SUBJECT_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "target: one of target, registered_prefix_candidate or peering_service_prefix_candidate "
      "is required");
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::ExplainTarget(
    const v1::ValidationTarget& target, BatchReads& reads) const {
  if (target.kind() == v1::ValidationTarget::KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "target.kind: is required (KIND_REGISTERED_PREFIX or KIND_PEERING_SERVICE_PREFIX)");
  }
  if (auto s = CheckName("target.parent", target.parent()); !s.ok()) return s;
  if (auto s = CheckName("target.name", target.name()); !s.ok()) return s;
  std::vector<v1::ProviderPeering> considered;
  absl::StatusOr<Evaluation> ev = Evaluate(target, reads, &considered);
  if (!ev.ok()) return ev.status();
  if (!ev->found) {
    return absl::NotFoundError(absl::StrCat(
        "target: ",
        target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX ? "registered prefix '"
                                                                      : "peering service prefix '",
        target.parent(), "/", target.name(), "' does not exist"));
  }
  return ToExplainResponse(&target, ev->prefix, ev->result, std::move(considered));
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::DryRunRegisteredPrefix(
    const v1::RegisteredPrefixCandidate& c, BatchReads& reads) const {
  if (auto s = CheckName("registered_prefix_candidate.peering_name", c.peering_name()); !s.ok()) {
    return s;
  }
  absl::StatusOr<IpPrefix> prefix =
      ParsePrefixField("registered_prefix_candidate.prefix", c.prefix());
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<const v1::Peering*> peering = reads.Peering(c.peering_name());
  if (!peering.ok()) return peering.status();
  if (*peering == nullptr) {
    return absl::NotFoundError(absl::StrCat("registered_prefix_candidate.peering_name: peering '",
                                            c.peering_name(), "' does not exist"));
  }
  if ((*peering)->kind() != v1::PEERING_KIND_VOICE) {
    return absl::FailedPreconditionError(
        absl::StrCat("registered prefixes are for VOICE peerings; peering '", c.peering_name(),
                     "' is ", v1::PeeringKind_Name((*peering)->kind())));
  }
  absl::StatusOr<ValidationResult> result = CheckRegistered(*prefix, c.peering_name(), reads);
  if (!result.ok()) return result.status();
  // "Would it pass today" includes "could it be registered today" (SPEC §2).
  absl::StatusOr<CheckReport> registrable = Registrable(*prefix, **peering);
  if (!registrable.ok()) return registrable.status();
  result->checks.insert(result->checks.begin(), std::move(*registrable));
  Summarize(*result);
  return ToExplainResponse(/*target=*/nullptr, prefix->ToString(), *result);
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::DryRunServicePrefix(
    const v1::PeeringServicePrefixCandidate& c, BatchReads& reads) const {
  constexpr absl::string_view kField = "peering_service_prefix_candidate.";
  absl::StatusOr<uint32_t> asn =
      ParseAsnField(absl::StrCat(kField, "provider_asn"), c.provider_asn());
  if (!asn.ok()) return asn.status();
  if (auto s = CheckText(absl::StrCat(kField, "primary_peering_location"),
                         c.primary_peering_location(), true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(absl::StrCat(kField, "backup_peering_location"),
                         c.backup_peering_location(), false);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<IpPrefix> prefix = ParsePrefixField(absl::StrCat(kField, "prefix"), c.prefix());
  if (!prefix.ok()) return prefix.status();
  ServiceQuery query{*prefix, std::nullopt, *asn, c.primary_peering_location(),
                     c.backup_peering_location()};
  if (!c.peering_service_prefix_key().empty()) {
    absl::StatusOr<PrefixKey> key = ParseKeyField(
        absl::StrCat(kField, "peering_service_prefix_key"), c.peering_service_prefix_key());
    if (!key.ok()) return key.status();
    query.given_key = *key;
  }
  std::vector<v1::ProviderPeering> considered;
  absl::StatusOr<ValidationResult> result = CheckService(query, reads, &considered);
  if (!result.ok()) return result.status();
  return ToExplainResponse(/*target=*/nullptr, prefix->ToString(), *result, std::move(considered));
}

}  // namespace pfx
