// ValidationEngine, part 1: ProcessBatch (stage each outcome under the write lock, one
// commit, then dependencies, hold-down timers and notices).
#include "engine/validation_engine.h"

#include <type_traits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "engine/explain.h"
#include "engine/validation_engine_internal.h"
#include "registry/events.h"
#include "registry/session_map.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "validator/hold_down.h"

namespace pfx {
namespace {

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

// Whether two validation views hold the same outcome (the fields a validation decides).
template <typename View>
bool SameOutcome(const View& a, const View& b) {
  if (a.prefix_validation_state() != b.prefix_validation_state() ||
      a.last_decided_state() != b.last_decided_state() || a.error_message() != b.error_message() ||
      a.has_hold_down_deadline() != b.has_hold_down_deadline() ||
      a.observed_origins().size() != b.observed_origins().size()) {
    return false;
  }
  if (a.has_hold_down_deadline() &&
      (a.hold_down_deadline().seconds() != b.hold_down_deadline().seconds() ||
       a.hold_down_deadline().nanos() != b.hold_down_deadline().nanos())) {
    return false;
  }
  for (const auto& [session, origin] : a.observed_origins()) {
    auto it = b.observed_origins().find(session);
    if (it == b.observed_origins().end() || it->second != origin) return false;
  }
  if constexpr (std::is_same_v<View, PeeringServicePrefixValidationView>) {
    if (a.learned_type() != b.learned_type()) return false;
  }
  return true;
}

// Writes the outcome `decided` holds into the whole stored record.
template <typename View, typename Record>
void CopyOutcome(const View& decided, Record& record) {
  record.set_prefix_validation_state(decided.prefix_validation_state());
  record.set_last_decided_state(decided.last_decided_state());
  record.set_error_message(decided.error_message());
  *record.mutable_observed_origins() = decided.observed_origins();
  if (decided.has_hold_down_deadline()) {
    *record.mutable_hold_down_deadline() = decided.hold_down_deadline();
  } else {
    record.clear_hold_down_deadline();
  }
  if constexpr (std::is_same_v<View, PeeringServicePrefixValidationView>) {
    record.set_learned_type(decided.learned_type());
  }
}

}  // namespace

absl::Status ValidationEngine::ProcessBatch(const std::vector<QueueItem>& items) {
  // 1. Evaluate without locks.
  std::vector<std::pair<const QueueItem*, Evaluation>> evaluated;
  absl::Status first_error;
  BatchReads reads = StartReads();
  // A target that cannot be validated keeps its stored state; its notice says why, so a
  // Revalidate waiting for it counts it (failed) instead of waiting forever.
  std::vector<ValidationNotice> failures;
  auto fail = [&](const QueueItem& item, const absl::Status& status) {
    ValidationNotice& n = failures.emplace_back();
    *n.change.mutable_target() = item.target;
    n.target_key = item.key;
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
  std::vector<const QueueItem*> done;
  done.reserve(evaluated.size());
  for (auto& [item, ev] : evaluated) done.push_back(item);
  ctx_.queue->Release(done);
  if (!committed.ok()) {
    for (auto& [item, ev] : evaluated) fail(*item, committed);
    notices_->Publish(failures);
    return committed;
  }
  // 3. After the commit: dependencies, hold-down timers, notices.
  std::vector<DependencyIndex::SessionsOf> sessions;
  sessions.reserve(staged.size());
  for (const Staged& s : staged) {
    if (s.exists && !s.stale) sessions.push_back({&s.item->key, &s.sessions});
  }
  dependencies_->SetSessions(sessions);
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
  staged.item = &item;
  staged.prefix = ev.prefix;
  staged.peering_name = ev.peering_name;
  if (!ev.found) return staged;

  // Decides the outcome on the view `resource` (as stored); writes the record only when the
  // outcome or its events changed it, parsing the whole record (events, key) just then.
  auto apply = [&](auto& resource, auto record_type, Column column,
                   EventLog::Kind kind) -> absl::Status {
    using View = std::decay_t<decltype(resource)>;
    using Record = typename decltype(record_type)::type;
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
    View decided;
    std::vector<v1::PrefixEvent> events;
    RouteEvents(resource.observed_origins(), ev.result.sessions, ev.prefix, now, events,
                *decided.mutable_observed_origins());
    staged.notice.change.set_old_state(resource.prefix_validation_state());
    staged.notice.change.set_new_state(new_state);
    staged.applied = true;
    staged.decided_before = resource.prefix_validation_state();
    if (staged.decided_before == v1::PREFIX_VALIDATION_STATE_PENDING ||
        staged.decided_before == v1::PREFIX_VALIDATION_STATE_UNKNOWN) {
      staged.decided_before = resource.last_decided_state();
    }
    for (const CheckReport& check : ev.result.checks) {
      if (check.outcome == Outcome::kFail) staged.failing_checks.push_back(check.check);
    }
    if (new_state != resource.prefix_validation_state() || message != resource.error_message()) {
      events.push_back(MakeEvent(kStateChangeEvent, ValidationStateName(decision.state),
                                 message.empty() ? "all checks passed" : message,
                                 LevelForState(new_state), now));
    }
    decided.set_prefix_validation_state(new_state);
    decided.set_last_decided_state(decision.state != ValidationState::kUnknown
                                       ? new_state
                                       : resource.last_decided_state());
    decided.set_error_message(message);
    if (decision.deadline.has_value()) {
      *decided.mutable_hold_down_deadline() = ToTimestamp(*decision.deadline);
    }
    if constexpr (std::is_same_v<View, PeeringServicePrefixValidationView>) {
      decided.set_learned_type(ev.result.learned_via_provider
                                   ? v1::LEARNED_TYPE_VIA_SERVICE_PROVIDER
                                   : v1::LEARNED_TYPE_NONE);
    }
    staged.deadline = decision.deadline;
    staged.notice.change.set_error_message(message);
    // An unchanged outcome (the common case of a bulk Revalidate) rewrites nothing.
    if (events.empty() && SameOutcome(resource, decided)) return absl::OkStatus();
    Record record;
    if (absl::Status s = ParseStored(*ctx_.db, ev.stored, record); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(keys::Readable(ev.resource_key), ": ", s.message()));
    }
    CopyOutcome(decided, record);
    for (const v1::PrefixEvent& e : events) {
      RecordEvent(*ctx_.events, writes, kind, ev.resource_key, e, record.mutable_events());
    }
    return PutMessage(*ctx_.db, writes, column, ev.resource_key, record);
  };

  // The resource may have changed or gone since Evaluate read it, but only through a registry
  // mutation (no other worker holds this target): with none applied since, Evaluate's copy is
  // current (the usual case of a bulk Revalidate); otherwise it is re-read. A mutation that
  // rewrites a stored prefix decides its state itself (a forced key release: INVALID, naming
  // the deleted registration) or queues it again (a re-create), so a result evaluated before
  // it is stale and must not overwrite it.
  enum class Freshness { kCurrent, kGone, kRewritten };
  auto refresh = [&](auto& resource, Column column) -> absl::StatusOr<Freshness> {
    if (ctx_.committer->applied_groups() == ev.applied_groups) return Freshness::kCurrent;
    absl::StatusOr<std::optional<std::string>> raw = ctx_.db->Get(column, ev.resource_key);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return Freshness::kGone;
    if (**raw == ev.stored) return Freshness::kCurrent;
    if (absl::Status s = ParseStoredView(*ctx_.db, **raw, resource); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(keys::Readable(ev.resource_key), ": ", s.message()));
    }
    return Freshness::kRewritten;
  };
  auto stage = [&](auto& resource, auto record_type, Column column,
                   EventLog::Kind kind) -> absl::Status {
    absl::StatusOr<Freshness> freshness = refresh(resource, column);
    if (!freshness.ok()) return freshness.status();
    if (*freshness == Freshness::kGone || resource.prefix() != ev.prefix) {
      return absl::OkStatus();  // gone meanwhile
    }
    staged.exists = true;
    if (*freshness == Freshness::kRewritten) {
      staged.stale = true;  // a completion all the same: its state, unchanged
      staged.notice.change.set_old_state(resource.prefix_validation_state());
      staged.notice.change.set_new_state(resource.prefix_validation_state());
      staged.notice.change.set_error_message(resource.error_message());
      return absl::OkStatus();
    }
    return apply(resource, record_type, column, kind);
  };
  absl::Status s =
      item.target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX
          ? stage(ev.registered_prefix, std::type_identity<RegisteredPrefixRecord>(),
                  Column::kRegisteredPrefixes, EventLog::kRegisteredPrefix)
          : stage(ev.service_prefix, std::type_identity<PeeringServicePrefixRecord>(),
                  Column::kServicePrefixes, EventLog::kServicePrefix);
  if (!s.ok()) return s;
  for (const SessionObservation& o : ev.result.sessions) {
    if (auto a = IpAddress::Parse(o.peer_address); a.ok())
      staged.sessions.push_back({o.router, *a});
  }
  return staged;
}

ValidationNotice ValidationEngine::Publish(Staged& s, absl::Time now) {
  const v1::ValidationTarget& target = s.item->target;
  *s.notice.change.mutable_target() = target;
  s.notice.target_key = s.item->key;
  if (!s.exists) {
    // Deleted meanwhile (or changed prefix): still a completion, Revalidate progress counts it.
    dependencies_->Forget(target);
    return std::move(s.notice);
  }
  if (s.applied && !s.stale) {
    stats_.Record(s.notice.change.old_state(), s.notice.change.new_state(), s.decided_before,
                  s.failing_checks);
  }
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

}  // namespace pfx
