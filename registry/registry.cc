// Registry: the mutation protocol and helpers shared by every resource.
#include "registry/registry.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "registry/events.h"
#include "registry/input_rules.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "storage/request_replies.h"

namespace pfx {

namespace {

v1::AuditRecord MakeAuditRecord(const Actor& actor, absl::string_view rpc, std::string resource,
                                std::string request_id, const absl::Status& outcome,
                                absl::string_view note = "") {
  v1::AuditRecord record;
  record.set_caller(actor.caller);
  record.set_roles(actor.roles);
  record.set_rpc(std::string(rpc));
  record.set_resource(std::move(resource));
  record.set_request_id(std::move(request_id));
  record.set_outcome(outcome.ok() ? "OK" : absl::StatusCodeToString(outcome.code()));
  record.set_message(outcome.ok() ? std::string(note) : std::string(outcome.message()));
  return record;
}

// A refused attempt's audit record, written by the committer thread like every other write,
// so records keep the order of the changes and the caller's thread never waits for a write.
class RefusalRecordJob final : public GroupCommitter::Job {
 public:
  RefusalRecordJob(StoreContext ctx, v1::AuditRecord record)
      : ctx_(ctx), record_(std::move(record)) {}
  bool Apply() override {
    WriteSet writes;
    ctx_.audit->Append(writes, std::move(record_), absl::ToUnixMicros(ctx_.clock->Now()));
    if (absl::Status s = ctx_.db->Commit(writes, Durability::kBuffered); !s.ok()) {
      PFX_LOG(Warning) << "an audit record of a refused call was not written: " << s;
      return false;
    }
    return true;
  }
  void Finish(absl::Status) override {}

 private:
  const StoreContext ctx_;
  v1::AuditRecord record_;
};

}  // namespace

// One mutation as the committer sees it: Apply runs the checks and writes under the write
// lock, Finish publishes its queue entries and answers once the group is durable.
template <typename Reply>
class Registry::MutationJob final : public GroupCommitter::Job {
 public:
  MutationJob(StoreContext ctx, std::string method, std::string request_id, std::string request_key,
              std::string fingerprint, Mutation<Reply> mutation, Done<Reply> done, Actor actor,
              std::string resource)
      : ctx_(ctx),
        actor_(std::move(actor)),
        resource_(std::move(resource)),
        method_(std::move(method)),
        request_id_(std::move(request_id)),
        request_key_(std::move(request_key)),
        fingerprint_(std::move(fingerprint)),
        mutation_(std::move(mutation)),
        done_(std::move(done)) {}

  bool Apply() override {
    if (!request_key_.empty()) {
      absl::StatusOr<std::optional<storage::RequestReplyRecord>> prior =
          GetRequestReply(*ctx_.db, request_key_);
      if (!prior.ok()) {
        reply_ = prior.status();
        return false;
      }
      if (prior->has_value()) return Replay(**prior);
    }
    WriteSet writes;
    reply_ = mutation_(writes, staged_);
    if (!reply_.ok()) return false;
    // A reply may echo the request (CreatePeering returns the peering given): fields this
    // pfxd does not know are dropped before it is stored for retries or sent.
    reply_->DiscardUnknownFields();
    if (!request_key_.empty()) {
      if (absl::Status s = PutRequestReply(*ctx_.db, writes, request_key_, fingerprint_, *reply_);
          !s.ok()) {
        reply_ = s;
        return false;
      }
    }
    if (ctx_.audit != nullptr) {
      ctx_.audit->Append(writes,
                         MakeAuditRecord(actor_, method_, resource_, request_id_, absl::OkStatus()),
                         absl::ToUnixMicros(ctx_.clock->Now()));
    }
    if (absl::Status s = ctx_.db->Commit(writes, Durability::kBuffered); !s.ok()) {
      reply_ = s;
      return false;
    }
    return true;
  }

  void Finish(absl::Status durable) override {
    if (!durable.ok()) return done_(durable);
    for (const QueueItem& item : staged_) ctx_.queue->Publish(item);
    done_(std::move(reply_));
  }

 private:
  // A request_id seen before: the same request gets the stored reply (applied once already;
  // that reply may not be durable yet, so it waits for this group's sync); another payload
  // is refused. Replies stored before schema 5 have no fingerprint and are not compared.
  bool Replay(storage::RequestReplyRecord& prior) {
    if (!prior.request_sha256().empty() && prior.request_sha256() != fingerprint_) {
      reply_ = absl::InvalidArgumentError(absl::StrCat(
          "request_id: '", request_id_, "' was already used for a different ", method_,
          " request; a retry must repeat the request exactly, a new request needs a new "
          "request_id (AIP-155)"));
      return false;
    }
    Reply stored;
    if (!stored.ParseFromString(prior.reply())) {
      reply_ = absl::DataLossError(
          absl::StrCat("the stored reply to request_id '", request_id_, "' does not parse"));
      return false;
    }
    reply_ = std::move(stored);
    if (ctx_.audit != nullptr) {
      WriteSet writes;
      ctx_.audit->Append(writes,
                         MakeAuditRecord(actor_, method_, resource_, request_id_, absl::OkStatus(),
                                         "a retry: the first reply was returned, nothing applied"),
                         absl::ToUnixMicros(ctx_.clock->Now()));
      if (absl::Status s = ctx_.db->Commit(writes, Durability::kBuffered); !s.ok()) {
        PFX_LOG(Warning) << "the audit record of a retried " << method_
                         << " was not written: " << s;
      }
    }
    return true;
  }

  const StoreContext ctx_;  // a copy: pointers only
  const Actor actor_;
  const std::string resource_;
  const std::string method_;
  const std::string request_id_;
  const std::string request_key_;
  const std::string fingerprint_;
  Mutation<Reply> mutation_;
  Done<Reply> done_;
  absl::StatusOr<Reply> reply_ = absl::UnavailableError("the change was not applied");
  std::vector<QueueItem> staged_;
};

template <typename Reply, typename Request>
void Registry::Mutate(absl::string_view method, const Request& request, const Actor& actor,
                      Mutation<Reply> mutation, Done<Reply> done) {
  const std::string& request_id = request.request_id();
  if (absl::Status s = CheckRequestId(request_id); !s.ok()) return done(s);
  std::string request_key, fingerprint;
  if (!request_id.empty()) {
    request_key = keys::Request(method, request_id);
    fingerprint = RequestFingerprint(request);
  }
  ctx_.committer->Submit(std::make_unique<MutationJob<Reply>>(
      ctx_, std::string(method), request_id, std::move(request_key), std::move(fingerprint),
      std::move(mutation), std::move(done), actor, AuditResourceName(method, request)));
}

// Explicit instantiations for the mutations the registry serves.
#define PFX_INSTANTIATE_MUTATE(Reply, Request)                                                     \
  template void Registry::Mutate(absl::string_view, const Request&, const Actor&, Mutation<Reply>, \
                                 Done<Reply>);
PFX_INSTANTIATE_MUTATE(v1::Peering, v1::CreatePeeringRequest)
PFX_INSTANTIATE_MUTATE(v1::Peering, v1::SetConnectionStateRequest)
PFX_INSTANTIATE_MUTATE(google::protobuf::Empty, v1::DeletePeeringRequest)
PFX_INSTANTIATE_MUTATE(v1::RegisteredPrefix, v1::CreateRegisteredPrefixRequest)
PFX_INSTANTIATE_MUTATE(google::protobuf::Empty, v1::DeleteRegisteredPrefixRequest)
PFX_INSTANTIATE_MUTATE(v1::RegisteredAsn, v1::CreateRegisteredAsnRequest)
PFX_INSTANTIATE_MUTATE(google::protobuf::Empty, v1::DeleteRegisteredAsnRequest)
PFX_INSTANTIATE_MUTATE(v1::PeeringService, v1::CreatePeeringServiceRequest)
PFX_INSTANTIATE_MUTATE(google::protobuf::Empty, v1::DeletePeeringServiceRequest)
PFX_INSTANTIATE_MUTATE(v1::PeeringServicePrefix, v1::CreatePeeringServicePrefixRequest)
PFX_INSTANTIATE_MUTATE(google::protobuf::Empty, v1::DeletePeeringServicePrefixRequest)
#undef PFX_INSTANTIATE_MUTATE

void Registry::RecordRefusal(const Actor& actor, absl::string_view rpc, std::string resource,
                             std::string request_id, const absl::Status& refusal) {
  if (ctx_.audit == nullptr) return;
  ctx_.committer->Submit(std::make_unique<RefusalRecordJob>(
      ctx_, MakeAuditRecord(actor, rpc, std::move(resource), std::move(request_id), refusal)));
}

namespace {

// The value of the string field `name` of `m`, "" when it has none.
std::string StringField(const google::protobuf::Message& m, absl::string_view name) {
  const google::protobuf::FieldDescriptor* f =
      m.GetDescriptor()->FindFieldByName(std::string(name));
  if (f == nullptr || f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
      f->is_repeated()) {
    return "";
  }
  return m.GetReflection()->GetString(m, f);
}

}  // namespace

std::string AuditResourceName(absl::string_view method, const google::protobuf::Message& request) {
  // A Create request carries the resource as its message field; the others name it directly.
  const google::protobuf::Message* named = &request;
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = type->field(i);
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) {
      named = &request.GetReflection()->GetMessage(request, f);
      break;
    }
  }
  std::string name = StringField(*named, "name");
  std::string peering = StringField(*named, "peering_name");
  std::string service = StringField(*named, "peering_service_name");
  if (absl::EndsWith(method, "PeeringServicePrefix")) {
    return absl::StrCat("peeringServices/", service, "/prefixes/", name);
  }
  if (absl::EndsWith(method, "PeeringService")) return absl::StrCat("peeringServices/", name);
  if (absl::EndsWith(method, "RegisteredPrefix")) {
    return absl::StrCat("peerings/", peering, "/registeredPrefixes/", name);
  }
  if (absl::EndsWith(method, "RegisteredAsn")) {
    return absl::StrCat("peerings/", peering, "/registeredAsns/", name);
  }
  if (method == "SetConnectionState") {
    return absl::StrCat("peerings/", peering, "/connections/",
                        StringField(*named, "connection_id"));
  }
  return absl::StrCat("peerings/", peering.empty() ? name : peering);
}

absl::Status Registry::Requeue(const std::vector<v1::ValidationTarget>& targets) {
  return ctx_.queue->Enqueue(targets, Durability::kSynced);
}

void Registry::RequeueTransient(const std::vector<v1::ValidationTarget>& targets) {
  ctx_.queue->EnqueueTransient(targets);
}

absl::Status Registry::StageDependents(const v1::Peering& peering, WriteSet& writes,
                                       std::vector<QueueItem>& staged) const {
  auto stage = [&](v1::ValidationTarget::Kind kind, absl::string_view key) {
    auto [parent, name] = keys::SplitChild(key);
    v1::ValidationTarget t;
    t.set_kind(kind);
    t.set_parent(std::string(parent));
    t.set_name(std::string(name));
    if (auto item = ctx_.queue->Stage(writes, t); item.has_value()) staged.push_back(*item);
  };
  // The keys name the targets: no record needs parsing.
  auto stage_children = [&](Column column, v1::ValidationTarget::Kind kind,
                            const std::string& parent) {
    return ctx_.db->Scan(column, keys::ChildrenStart(parent), keys::ChildrenEnd(parent),
                         [&](absl::string_view key, absl::string_view) {
                           stage(kind, key);
                           return true;
                         });
  };
  if (absl::Status s = stage_children(Column::kRegisteredPrefixes,
                                      v1::ValidationTarget::KIND_REGISTERED_PREFIX, peering.name());
      !s.ok()) {
    return s;
  }
  // The provider's services from idx_provider_services: no scan of every peering service.
  absl::StatusOr<std::vector<std::string>> services =
      ListChildNames(*ctx_.db, Column::kIdxProviderServices,
                     keys::Asn(static_cast<uint32_t>(peering.peer_asn())), SIZE_MAX);
  if (!services.ok()) return services.status();
  for (const std::string& service : *services) {
    if (absl::Status s = stage_children(Column::kServicePrefixes,
                                        v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX, service);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

void RecordEvent(EventLog& log, WriteSet& writes, EventLog::Kind kind, const std::string& key,
                 const v1::PrefixEvent& event,
                 google::protobuf::RepeatedPtrField<EventRecord>* recent) {
  log.Append(writes, kind, key, event);
  *recent->Add() = ToRecord(event);
  if (static_cast<size_t>(recent->size()) > kEventsShown) {
    recent->DeleteSubrange(0, recent->size() - static_cast<int>(kEventsShown));
  }
}

void Registry::AppendPendingEvent(WriteSet& writes, EventLog::Kind kind, const std::string& key,
                                  absl::string_view what,
                                  google::protobuf::RepeatedPtrField<EventRecord>* recent) const {
  RecordEvent(
      *ctx_.events, writes, kind, key,
      MakeEvent(kStateChangeEvent, "PENDING", what, v1::EVENT_LEVEL_INFORMATION, ctx_.clock->Now()),
      recent);
}

absl::Status Registry::ReleaseKey(const std::string& key, bool force, absl::string_view owner,
                                  absl::string_view reason, WriteSet& writes) const {
  // The key's users from idx_key_users: no scan of every peering service prefix.
  std::vector<std::string> users;
  absl::Status s = ctx_.db->Scan(Column::kIdxKeyUsers, keys::ChildrenStart(keys::KeyDigest(key)),
                                 keys::ChildrenEnd(keys::KeyDigest(key)),
                                 [&](absl::string_view k, absl::string_view) {
                                   users.emplace_back(keys::SplitChild(k).second);
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
    absl::StatusOr<std::optional<PeeringServicePrefixRecord>> p =
        GetMessage<PeeringServicePrefixRecord>(*ctx_.db, Column::kServicePrefixes, user);
    if (!p.ok()) return p.status();
    if (!p->has_value()) continue;
    PeeringServicePrefixRecord& prefix = **p;
    prefix.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_INVALID);
    prefix.set_error_message(absl::StrCat("Peering service prefix is invalid: ", reason));
    prefix.clear_hold_down_deadline();
    RecordEvent(*ctx_.events, writes, EventLog::kServicePrefix, user,
                MakeEvent(kStateChangeEvent, "INVALID", prefix.error_message(),
                          v1::EVENT_LEVEL_ERROR, ctx_.clock->Now()),
                prefix.mutable_events());
    if (absl::Status put = PutMessage(*ctx_.db, writes, Column::kServicePrefixes, user, prefix);
        !put.ok())
      return put;
  }
  writes.Delete(Column::kIdxKey, keys::KeyDigest(key));
  return absl::OkStatus();
}

}  // namespace pfx
