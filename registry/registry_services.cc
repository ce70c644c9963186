// Registry: PeeringService and PeeringServicePrefix resources (the customer side).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registry/input_rules.h"
#include "registry/registry.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {
namespace {

absl::StatusOr<v1::PeeringService> LoadService(const Database& db, absl::string_view field,
                                               const std::string& name) {
  if (auto s = CheckName(field, name); !s.ok()) return s;
  absl::StatusOr<std::optional<v1::PeeringService>> s =
      GetAsApi<PeeringServiceRecord>(db, Column::kPeeringServices, name);
  if (!s.ok()) return s.status();
  if (!s->has_value()) {
    return absl::NotFoundError(
        absl::StrCat(field, ": peering service '", name, "' does not exist"));
  }
  return std::move(**s);
}

v1::ValidationTarget ServicePrefixTarget(const std::string& service, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
  t.set_parent(service);
  t.set_name(name);
  return t;
}

}  // namespace

void Registry::CreatePeeringService(const v1::CreatePeeringServiceRequest& request,
                                    Done<v1::PeeringService> done, Actor actor) {
  v1::PeeringService service = request.peering_service();
  if (auto s = CheckName("peering_service.name", service.name()); !s.ok()) return done(s);
  if (auto s = CheckText("peering_service.country", service.country(), true); !s.ok())
    return done(s);
  if (auto s = CheckText("peering_service.state", service.state(), false); !s.ok()) return done(s);
  if (auto s = ParseAsnField("peering_service.provider_asn", service.provider_asn()); !s.ok()) {
    return done(s.status());
  }
  if (auto s = CheckText("peering_service.provider_name", service.provider_name(), true); !s.ok())
    return done(s);
  if (auto s = CheckText("peering_service.primary_peering_location",
                         service.primary_peering_location(), true);
      !s.ok()) {
    return done(s);
  }
  if (auto s = CheckText("peering_service.backup_peering_location",
                         service.backup_peering_location(), false);
      !s.ok()) {
    return done(s);
  }
  if (service.backup_peering_location() == service.primary_peering_location()) {
    return done(absl::InvalidArgumentError(
        "peering_service.backup_peering_location: must differ from the primary location"));
  }
  service.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
  Mutate<v1::PeeringService>(
      "CreatePeeringService", request, actor,
      [this, service = std::move(service)](
          WriteSet& writes, std::vector<QueueItem>&) -> absl::StatusOr<v1::PeeringService> {
        absl::StatusOr<std::optional<std::string>> existing =
            ctx_.db->Get(Column::kPeeringServices, service.name());
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat("peering_service.name: peering service '",
                                                       service.name(), "' already exists"));
        }
        if (absl::Status put = PutMessage(*ctx_.db, writes, Column::kPeeringServices,
                                          service.name(), ToRecord(service));
            !put.ok())
          return put;
        writes.Put(Column::kIdxProviderServices,
                   keys::AsnMember(static_cast<uint32_t>(service.provider_asn()), service.name()),
                   "");
        return service;
      },
      std::move(done));
}

absl::StatusOr<v1::PeeringService> Registry::GetPeeringService(
    const v1::GetPeeringServiceRequest& request) const {
  return LoadService(*ctx_.db, "name", request.name());
}

absl::StatusOr<v1::ListPeeringServicesResponse> Registry::ListPeeringServices(
    const v1::ListPeeringServicesRequest& request) const {
  absl::StatusOr<Page<v1::PeeringService>> page = ListAsApi<PeeringServiceRecord>(
      *ctx_.db, Column::kPeeringServices, "", request.page_token(), request.page_size());
  if (!page.ok()) return page.status();
  v1::ListPeeringServicesResponse response;
  for (v1::PeeringService& s : page->items) *response.add_peering_services() = std::move(s);
  response.set_next_page_token(page->next_page_token);
  return response;
}

void Registry::DeletePeeringService(const v1::DeletePeeringServiceRequest& request,
                                    Done<google::protobuf::Empty> done, Actor actor) {
  Mutate<google::protobuf::Empty>(
      "DeletePeeringService", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>&) -> absl::StatusOr<google::protobuf::Empty> {
        absl::StatusOr<v1::PeeringService> service = LoadService(*ctx_.db, "name", request.name());
        if (!service.ok()) return service.status();
        absl::StatusOr<std::vector<std::string>> prefixes =
            ListChildNames(*ctx_.db, Column::kServicePrefixes, service->name(), 5);
        if (!prefixes.ok()) return prefixes.status();
        if (!prefixes->empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("peering service '", service->name(), "' still has prefixes (",
                           absl::StrJoin(*prefixes, ", "), "); delete them first"));
        }
        writes.Delete(Column::kPeeringServices, service->name());
        writes.Delete(
            Column::kIdxProviderServices,
            keys::AsnMember(static_cast<uint32_t>(service->provider_asn()), service->name()));
        return google::protobuf::Empty();
      },
      std::move(done));
}

void Registry::CreatePeeringServicePrefix(const v1::CreatePeeringServicePrefixRequest& request,
                                          Done<v1::PeeringServicePrefix> done, Actor actor) {
  const v1::PeeringServicePrefix& in = request.peering_service_prefix();
  if (auto s = CheckName("peering_service_prefix.peering_service_name", in.peering_service_name());
      !s.ok()) {
    return done(s);
  }
  if (auto s = CheckName("peering_service_prefix.name", in.name()); !s.ok()) return done(s);
  absl::StatusOr<IpPrefix> prefix = ParsePrefixField("peering_service_prefix.prefix", in.prefix());
  if (!prefix.ok()) return done(prefix.status());
  absl::StatusOr<PrefixKey> key = ParseKeyField("peering_service_prefix.peering_service_prefix_key",
                                                in.peering_service_prefix_key());
  if (!key.ok()) return done(key.status());
  Mutate<v1::PeeringServicePrefix>(
      "CreatePeeringServicePrefix", request, actor,
      [this, &in, prefix, key](WriteSet& writes, std::vector<QueueItem>& staged)
          -> absl::StatusOr<v1::PeeringServicePrefix> {
        absl::StatusOr<v1::PeeringService> service = LoadService(
            *ctx_.db, "peering_service_prefix.peering_service_name", in.peering_service_name());
        if (!service.ok()) return service.status();
        std::string resource_key = keys::Child(in.peering_service_name(), in.name());
        std::string prefix_text = prefix->ToString();
        bool name_taken = false;
        std::string prefix_holder;
        absl::Status unreadable;
        absl::Status scanned = ctx_.db->Scan(
            Column::kServicePrefixes, keys::ChildrenStart(service->name()),
            keys::ChildrenEnd(service->name()), [&](absl::string_view k, absl::string_view value) {
              PeeringServicePrefixRecord p;
              if (k == resource_key) name_taken = true;
              if (!p.ParseFromArray(value.data(), int(value.size()))) {
                unreadable = absl::DataLossError(absl::StrCat(
                    "stored peering service prefix ", keys::Readable(k), " does not parse"));
                return false;
              }
              if (p.prefix() == prefix_text) prefix_holder = p.name();
              return true;
            });
        if (!scanned.ok()) return scanned;
        if (!unreadable.ok()) return unreadable;
        if (name_taken) {
          return absl::AlreadyExistsError(absl::StrCat("peering_service_prefix.name: '", in.name(),
                                                       "' already exists on peering service '",
                                                       service->name(), "'"));
        }
        if (!prefix_holder.empty()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "peering_service_prefix.prefix: ", prefix_text, " is already activated as '",
              prefix_holder, "' on peering service '", service->name(), "'"));
        }
        PeeringServicePrefixRecord p;
        p.set_peering_service_name(in.peering_service_name());
        p.set_name(in.name());
        p.set_prefix(prefix_text);
        p.set_peering_service_prefix_key(key->ToString());
        p.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_PENDING);
        p.set_learned_type(v1::LEARNED_TYPE_NONE);
        p.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
        AppendPendingEvent(writes, EventLog::kServicePrefix, resource_key,
                           "activation requested; queued for validation", p.mutable_events());
        if (absl::Status put =
                PutMessage(*ctx_.db, writes, Column::kServicePrefixes, resource_key, p);
            !put.ok())
          return put;
        writes.Put(Column::kIdxKeyUsers,
                   keys::KeyUser(p.peering_service_prefix_key(), resource_key), "");
        v1::ValidationTarget target = ServicePrefixTarget(p.peering_service_name(), p.name());
        staged.push_back(NewPrefixQueueItem(target));
        ctx_.tracker->Track(target, *prefix);
        return ToApi(std::move(p), /*with_events=*/true);
      },
      std::move(done));
}

absl::StatusOr<v1::PeeringServicePrefix> Registry::GetPeeringServicePrefix(
    const v1::GetPeeringServicePrefixRequest& request) const {
  if (auto s = CheckName("peering_service_name", request.peering_service_name()); !s.ok()) return s;
  if (auto s = CheckName("name", request.name()); !s.ok()) return s;
  absl::StatusOr<PeeringServicePrefixRecord> p = GetChildMessage<PeeringServicePrefixRecord>(
      *ctx_.db, Column::kServicePrefixes, request.peering_service_name(), request.name(), "prefix",
      "peering service");
  if (!p.ok()) return p.status();
  return ToApi(std::move(*p), /*with_events=*/true);
}

absl::StatusOr<v1::ListPeeringServicePrefixesResponse> Registry::ListPeeringServicePrefixes(
    const v1::ListPeeringServicePrefixesRequest& request) const {
  if (auto s = CheckName("peering_service_name", request.peering_service_name()); !s.ok()) return s;
  absl::StatusOr<Page<PeeringServicePrefixRecord>> page = ListMessages<PeeringServicePrefixRecord>(
      *ctx_.db, Column::kServicePrefixes, keys::ChildrenStart(request.peering_service_name()),
      request.page_token(), request.page_size());
  if (!page.ok()) return page.status();
  v1::ListPeeringServicePrefixesResponse response;
  for (PeeringServicePrefixRecord& p : page->items) {
    *response.add_peering_service_prefixes() = ToApi(std::move(p), /*with_events=*/false);
  }
  response.set_next_page_token(page->next_page_token);
  return response;
}

void Registry::DeletePeeringServicePrefix(const v1::DeletePeeringServicePrefixRequest& request,
                                          Done<google::protobuf::Empty> done, Actor actor) {
  if (auto s = CheckName("peering_service_name", request.peering_service_name()); !s.ok())
    return done(s);
  if (auto s = CheckName("name", request.name()); !s.ok()) return done(s);
  Mutate<google::protobuf::Empty>(
      "DeletePeeringServicePrefix", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>&) -> absl::StatusOr<google::protobuf::Empty> {
        std::string key = keys::Child(request.peering_service_name(), request.name());
        absl::StatusOr<PeeringServicePrefixRecord> existing =
            GetChildMessage<PeeringServicePrefixRecord>(
                *ctx_.db, Column::kServicePrefixes, request.peering_service_name(), request.name(),
                "prefix", "peering service");
        if (!existing.ok()) return existing.status();
        writes.Delete(Column::kServicePrefixes, key);
        writes.Delete(Column::kIdxKeyUsers,
                      keys::KeyUser(existing->peering_service_prefix_key(), key));
        if (auto s = ctx_.events->DeleteAll(writes, EventLog::kServicePrefix, key); !s.ok())
          return s;
        ctx_.tracker->Forget(ServicePrefixTarget(request.peering_service_name(), request.name()));
        return google::protobuf::Empty();
      },
      std::move(done));
}

}  // namespace pfx
