// Registry: the mutation protocol, recovery and helpers shared by every resource.
#include "server/registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/events.h"
#include "server/input_rules.h"
#include "server/log.h"
#include "storage/keys.h"
#include "storage/messages.h"

namespace pfx {

template <typename Reply>
absl::StatusOr<Reply> Registry::Mutate(absl::string_view method, const std::string& request_id,
                                       const Mutation<Reply>& mutation) {
  if (absl::Status s = CheckRequestId(request_id); !s.ok()) return s;
  absl::StatusOr<Reply> reply;
  std::vector<QueueItem> staged;
  {
    // Checks and writes are serialized so uniqueness holds; the commit is applied here and
    // made durable below, outside the lock, where concurrent mutations share one fsync.
    absl::MutexLock lock(ctx_.write_mu);
    std::string request_key;
    bool replayed = false;
    if (!request_id.empty()) {
      request_key = keys::Request(method, request_id);
      absl::StatusOr<std::optional<Reply>> prior =
          GetMessage<Reply>(*ctx_.db, Column::kIdxRequest, request_key);
      if (!prior.ok()) return prior.status();
      if (prior->has_value()) {  // a retry: applied once already
        reply = **prior;
        replayed = true;
      }
    }
    if (!replayed) {
      WriteSet writes;
      reply = mutation(writes, staged);
      if (!reply.ok()) return reply;
      if (!request_key.empty()) PutMessage(writes, Column::kIdxRequest, request_key, *reply);
      if (absl::Status s = ctx_.db->Commit(writes, Durability::kBuffered); !s.ok()) return s;
    }
  }
  // Acknowledge only once the batch (and every one before it) is in the WAL on disk. A retry
  // also waits: the reply it found may not be durable yet.
  if (absl::Status s = ctx_.db->SyncWal(); !s.ok()) return s;
  for (const QueueItem& item : staged) ctx_.queue->Publish(item);
  return reply;
}

// Explicit instantiations for the reply types the registry returns.
template absl::StatusOr<v1::Peering> Registry::Mutate(absl::string_view, const std::string&,
                                                      const Mutation<v1::Peering>&);
template absl::StatusOr<google::protobuf::Empty> Registry::Mutate(
    absl::string_view, const std::string&, const Mutation<google::protobuf::Empty>&);
template absl::StatusOr<v1::RegisteredPrefix> Registry::Mutate(
    absl::string_view, const std::string&, const Mutation<v1::RegisteredPrefix>&);
template absl::StatusOr<v1::RegisteredAsn> Registry::Mutate(absl::string_view, const std::string&,
                                                            const Mutation<v1::RegisteredAsn>&);
template absl::StatusOr<v1::PeeringService> Registry::Mutate(absl::string_view, const std::string&,
                                                             const Mutation<v1::PeeringService>&);
template absl::StatusOr<v1::PeeringServicePrefix> Registry::Mutate(
    absl::string_view, const std::string&, const Mutation<v1::PeeringServicePrefix>&);

absl::Status Registry::Recover() {
  std::vector<v1::ValidationTarget> requeue;
  auto track = [&](v1::ValidationTarget::Kind kind, const std::string& parent,
                   const std::string& name, const std::string& prefix_text,
                   v1::PrefixValidationState state) {
    v1::ValidationTarget t;
    t.set_kind(kind);
    t.set_parent(parent);
    t.set_name(name);
    if (absl::StatusOr<IpPrefix> p = IpPrefix::Parse(prefix_text); p.ok()) {
      ctx_.dependencies->Track(t, *p);
    }
    if (state == v1::PREFIX_VALIDATION_STATE_WARNING ||
        state == v1::PREFIX_VALIDATION_STATE_UNKNOWN) {
      requeue.push_back(std::move(t));
    }
  };
  absl::Status parse_error;
  absl::Status s = ctx_.db->Scan(
      Column::kRegisteredPrefixes, "", "", [&](absl::string_view, absl::string_view value) {
        v1::RegisteredPrefix r;
        if (!r.ParseFromArray(value.data(), int(value.size()))) {
          parse_error = absl::DataLossError("registered prefix does not parse");
          return false;
        }
        track(v1::ValidationTarget::REGISTERED_PREFIX, r.peering_name(), r.name(), r.prefix(),
              r.prefix_validation_state());
        return true;
      });
  if (!s.ok()) return s;
  s = ctx_.db->Scan(Column::kServicePrefixes, "", "",
                    [&](absl::string_view, absl::string_view value) {
                      v1::PeeringServicePrefix r;
                      if (!r.ParseFromArray(value.data(), int(value.size()))) {
                        parse_error = absl::DataLossError("peering service prefix does not parse");
                        return false;
                      }
                      track(v1::ValidationTarget::PEERING_SERVICE_PREFIX, r.peering_service_name(),
                            r.name(), r.prefix(), r.prefix_validation_state());
                      return true;
                    });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  PFX_LOG(Info) << "recovered " << ctx_.dependencies->size() << " prefixes, "
                << ctx_.queue->waiting() << " queued, " << requeue.size()
                << " in hold-down or unknown requeued";
  return ctx_.queue->Enqueue(requeue, Durability::kBuffered);
}

absl::Status Registry::Requeue(const std::vector<v1::ValidationTarget>& targets) {
  return ctx_.queue->Enqueue(targets, Durability::kSynced);
}

void Registry::StageDependents(const v1::Peering& peering, WriteSet& writes,
                               std::vector<QueueItem>& staged) const {
  auto stage = [&](v1::ValidationTarget::Kind kind, const std::string& parent,
                   const std::string& name) {
    v1::ValidationTarget t;
    t.set_kind(kind);
    t.set_parent(parent);
    t.set_name(name);
    if (auto item = ctx_.queue->Stage(writes, t); item.has_value()) staged.push_back(*item);
  };
  std::string start = keys::ChildrenStart(peering.name());
  (void)ctx_.db->Scan(Column::kRegisteredPrefixes, start, keys::ChildrenEnd(peering.name()),
                      [&](absl::string_view, absl::string_view value) {
                        v1::RegisteredPrefix r;
                        if (r.ParseFromArray(value.data(), int(value.size()))) {
                          stage(v1::ValidationTarget::REGISTERED_PREFIX, r.peering_name(),
                                r.name());
                        }
                        return true;
                      });
  std::vector<std::string> services;
  (void)ctx_.db->Scan(Column::kPeeringServices, "", "",
                      [&](absl::string_view, absl::string_view value) {
                        v1::PeeringService s;
                        if (s.ParseFromArray(value.data(), int(value.size())) &&
                            s.provider_asn() == peering.peer_asn()) {
                          services.push_back(s.name());
                        }
                        return true;
                      });
  for (const std::string& service : services) {
    (void)ctx_.db->Scan(
        Column::kServicePrefixes, keys::ChildrenStart(service), keys::ChildrenEnd(service),
        [&](absl::string_view, absl::string_view value) {
          v1::PeeringServicePrefix p;
          if (p.ParseFromArray(value.data(), int(value.size()))) {
            stage(v1::ValidationTarget::PEERING_SERVICE_PREFIX, p.peering_service_name(), p.name());
          }
          return true;
        });
  }
}

absl::Status Registry::AppendPendingEvent(WriteSet& writes, EventLog::Kind kind,
                                          const std::string& key, absl::string_view what) const {
  ctx_.events->Append(writes, kind, key,
                      MakeEvent(kStateChangeEvent, "PENDING", what, v1::EVENT_LEVEL_INFORMATION,
                                ctx_.clock->Now()));
  return absl::OkStatus();
}

absl::Status Registry::ReleaseKey(const std::string& key, bool force, absl::string_view owner,
                                  absl::string_view reason, WriteSet& writes) const {
  std::vector<std::string> users;
  absl::Status s = ctx_.db->Scan(Column::kServicePrefixes, "", "",
                                 [&](absl::string_view k, absl::string_view value) {
                                   v1::PeeringServicePrefix p;
                                   if (p.ParseFromArray(value.data(), int(value.size())) &&
                                       p.peering_service_prefix_key() == key) {
                                     users.push_back(std::string(k));
                                   }
                                   return true;
                                 });
  if (!s.ok()) return s;
  if (!users.empty() && !force) {
    std::vector<std::string> names;
    for (const std::string& u : users) names.push_back(keys::Readable(u));
    return absl::FailedPreconditionError(
        absl::StrCat("the key of ", owner, " is used by peering service prefixes ",
                     absl::StrJoin(names, ", "), "; delete them first or set force"));
  }
  for (const std::string& user : users) {
    absl::StatusOr<std::optional<v1::PeeringServicePrefix>> p =
        GetMessage<v1::PeeringServicePrefix>(*ctx_.db, Column::kServicePrefixes, user);
    if (!p.ok()) return p.status();
    if (!p->has_value()) continue;
    v1::PeeringServicePrefix& prefix = **p;
    prefix.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_INVALID);
    prefix.set_error_message(absl::StrCat("Peering service prefix is invalid: ", reason));
    prefix.clear_hold_down_deadline();
    PutMessage(writes, Column::kServicePrefixes, user, prefix);
    ctx_.events->Append(writes, EventLog::kServicePrefix, user,
                        MakeEvent(kStateChangeEvent, "INVALID", prefix.error_message(),
                                  v1::EVENT_LEVEL_ERROR, ctx_.clock->Now()));
  }
  writes.Delete(Column::kIdxKey, key);
  return absl::OkStatus();
}

}  // namespace pfx
