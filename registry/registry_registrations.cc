// Registry: RegisteredPrefix (VOICE) and RegisteredAsn (EXCHANGE_ROUTE_SERVER) resources.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "registry/input_rules.h"
#include "registry/key_generator.h"
#include "registry/peering_rules.h"
#include "registry/registry.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {
namespace {

// A peering that can take registrations of `kind`, with the rule that failed named.
absl::StatusOr<v1::Peering> RegistrablePeering(const Database& db, absl::string_view field,
                                               const std::string& name, v1::PeeringKind kind) {
  absl::StatusOr<std::optional<v1::Peering>> p =
      GetAsApi<PeeringRecord>(db, Column::kPeerings, name);
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(absl::StrCat(field, ": peering '", name, "' does not exist"));
  }
  const v1::Peering& peering = **p;
  if (peering.kind() != kind) {
    return absl::FailedPreconditionError(absl::StrCat(
        kind == v1::PEERING_KIND_VOICE ? "registered prefixes are for VOICE peerings"
                                       : "registered ASNs are for EXCHANGE_ROUTE_SERVER peerings",
        "; peering '", name, "' is ", v1::PeeringKind_Name(peering.kind())));
  }
  if (!HasActiveConnection(peering)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "peering '", name, "' has no ACTIVE connection; registration needs at least one"));
  }
  return std::move(**p);
}

// A fresh key that no registration holds yet (a collision of 128 random bits is only
// theoretical, but the index is unique, so check).
absl::StatusOr<std::string> NewUniqueKey(const Database& db) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    absl::StatusOr<PrefixKey> key = GeneratePrefixKey();
    if (!key.ok()) return key.status();
    std::string text = key->ToString();
    absl::StatusOr<std::optional<std::string>> taken =
        db.Get(Column::kIdxKey, keys::KeyDigest(text));
    if (!taken.ok()) return taken.status();
    if (!taken->has_value()) return text;
  }
  return absl::InternalError("could not generate a unique prefix key");
}

v1::ValidationTarget RegisteredPrefixTarget(const std::string& peering, const std::string& name) {
  v1::ValidationTarget t;
  t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
  t.set_parent(peering);
  t.set_name(name);
  return t;
}

}  // namespace

void Registry::CreateRegisteredPrefix(const v1::CreateRegisteredPrefixRequest& request,
                                      Done<v1::RegisteredPrefix> done, Actor actor) {
  const v1::RegisteredPrefix& in = request.registered_prefix();
  if (auto s = CheckName("registered_prefix.peering_name", in.peering_name()); !s.ok())
    return done(s);
  if (auto s = CheckName("registered_prefix.name", in.name()); !s.ok()) return done(s);
  absl::StatusOr<IpPrefix> prefix = ParsePrefixField("registered_prefix.prefix", in.prefix());
  if (!prefix.ok()) return done(prefix.status());
  if (in.traffic_class() == v1::TRAFFIC_CLASS_UNSPECIFIED) {
    return done(absl::InvalidArgumentError(
        "registered_prefix.traffic_class: is required (the class of traffic the subnet houses: "
        "TRAFFIC_CLASS_SIGNALLING, TRAFFIC_CLASS_MEDIA, TRAFFIC_CLASS_SIGNALLING_AND_MEDIA or "
        "TRAFFIC_CLASS_OTHER)"));
  }
  if (auto s = CheckText("registered_prefix.endpoint_description", in.endpoint_description(),
                         /*required=*/true);
      !s.ok()) {
    return done(s);
  }
  Mutate<v1::RegisteredPrefix>(
      "CreateRegisteredPrefix", request, actor,
      [this, &in, prefix](WriteSet& writes,
                          std::vector<QueueItem>& staged) -> absl::StatusOr<v1::RegisteredPrefix> {
        absl::StatusOr<v1::Peering> peering = RegistrablePeering(
            *ctx_.db, "registered_prefix.peering_name", in.peering_name(), v1::PEERING_KIND_VOICE);
        if (!peering.ok()) return peering.status();
        std::string key = keys::Child(in.peering_name(), in.name());
        absl::StatusOr<std::optional<std::string>> existing =
            ctx_.db->Get(Column::kRegisteredPrefixes, key);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat("registered_prefix.name: '", in.name(),
                                                       "' already exists on peering '",
                                                       in.peering_name(), "'"));
        }
        std::string prefix_text = prefix->ToString();
        absl::StatusOr<std::optional<std::string>> holder =
            ctx_.db->Get(Column::kIdxPrefix, prefix_text);
        if (!holder.ok()) return holder.status();
        if (holder->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat("registered_prefix.prefix: ", prefix_text,
                                                       " is already registered as ",
                                                       keys::Readable(**holder)));
        }
        absl::StatusOr<std::string> secret = NewUniqueKey(*ctx_.db);
        if (!secret.ok()) return secret.status();
        RegisteredPrefixRecord r;
        r.set_peering_name(in.peering_name());
        r.set_name(in.name());
        r.set_prefix(prefix_text);
        r.set_traffic_class(in.traffic_class());
        r.set_endpoint_description(in.endpoint_description());
        r.set_peering_service_prefix_key(*secret);
        r.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_PENDING);
        r.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
        AppendPendingEvent(writes, EventLog::kRegisteredPrefix, key,
                           "registered; queued for validation", r.mutable_events());
        if (absl::Status put = PutMessage(*ctx_.db, writes, Column::kRegisteredPrefixes, key, r);
            !put.ok())
          return put;
        writes.Put(Column::kIdxPrefix, prefix_text, key);
        writes.OnApplied([this, p = *prefix, key] { registered_prefixes_.Insert(p, key); });
        writes.Put(Column::kIdxKey, keys::KeyDigest(*secret), absl::StrCat("R", key));
        v1::ValidationTarget target = RegisteredPrefixTarget(r.peering_name(), r.name());
        staged.push_back(NewPrefixQueueItem(target));
        ctx_.tracker->Track(target, *prefix);
        return ToApi(std::move(r), /*with_events=*/true);
      },
      std::move(done));
}

absl::StatusOr<v1::RegisteredPrefix> Registry::GetRegisteredPrefix(
    const v1::GetRegisteredPrefixRequest& request) const {
  if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return s;
  if (auto s = CheckName("name", request.name()); !s.ok()) return s;
  absl::StatusOr<RegisteredPrefixRecord> r = GetChildMessage<RegisteredPrefixRecord>(
      *ctx_.db, Column::kRegisteredPrefixes, request.peering_name(), request.name(),
      "registered prefix", "peering");
  if (!r.ok()) return r.status();
  return ToApi(std::move(*r), /*with_events=*/true);
}

absl::StatusOr<v1::ListRegisteredPrefixesResponse> Registry::ListRegisteredPrefixes(
    const v1::ListRegisteredPrefixesRequest& request) const {
  if (!request.peering_name().empty()) {
    if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return s;
  }
  absl::StatusOr<Page<RegisteredPrefixRecord>> page = ListChildMessages<RegisteredPrefixRecord>(
      *ctx_.db, Column::kRegisteredPrefixes, request.peering_name(), request.page_token(),
      request.page_size());
  if (!page.ok()) return page.status();
  v1::ListRegisteredPrefixesResponse response;
  for (RegisteredPrefixRecord& r : page->items) {
    *response.add_registered_prefixes() = ToApi(std::move(r), /*with_events=*/false);  // light
  }
  response.set_next_page_token(page->next_page_token);
  return response;
}

void Registry::DeleteRegisteredPrefix(const v1::DeleteRegisteredPrefixRequest& request,
                                      Done<google::protobuf::Empty> done, Actor actor) {
  if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return done(s);
  if (auto s = CheckName("name", request.name()); !s.ok()) return done(s);
  Mutate<google::protobuf::Empty>(
      "DeleteRegisteredPrefix", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>&) -> absl::StatusOr<google::protobuf::Empty> {
        std::string key = keys::Child(request.peering_name(), request.name());
        absl::StatusOr<RegisteredPrefixRecord> r = GetChildMessage<RegisteredPrefixRecord>(
            *ctx_.db, Column::kRegisteredPrefixes, request.peering_name(), request.name(),
            "registered prefix", "peering");
        if (!r.ok()) return r.status();
        const RegisteredPrefixRecord& registered = *r;
        if (auto s = ReleaseKey(
                registered.peering_service_prefix_key(), request.force(),
                absl::StrCat("registered prefix '", request.name(), "'"),
                absl::StrCat("its registered prefix ", registered.prefix(), " was deleted"),
                writes);
            !s.ok()) {
          return s;
        }
        writes.Delete(Column::kRegisteredPrefixes, key);
        writes.Delete(Column::kIdxPrefix, registered.prefix());
        // A stored prefix that does not parse was never in the table: nothing to erase.
        if (absl::StatusOr<IpPrefix> p = IpPrefix::Parse(registered.prefix()); p.ok()) {
          writes.OnApplied([this, p = *p] { registered_prefixes_.Erase(p); });
        }
        if (auto s = ctx_.events->DeleteAll(writes, EventLog::kRegisteredPrefix, key); !s.ok())
          return s;
        ctx_.tracker->Forget(RegisteredPrefixTarget(request.peering_name(), request.name()));
        return google::protobuf::Empty();
      },
      std::move(done));
}

absl::StatusOr<v1::RegisteredPrefix> Registry::ValidateRegisteredPrefix(
    const v1::ValidateRegisteredPrefixRequest& request) {
  v1::GetRegisteredPrefixRequest get;
  get.set_peering_name(request.peering_name());
  get.set_name(request.name());
  absl::StatusOr<v1::RegisteredPrefix> r = GetRegisteredPrefix(get);
  if (!r.ok()) return r.status();
  if (auto s = Requeue({RegisteredPrefixTarget(r->peering_name(), r->name())}); !s.ok()) return s;
  return r;
}

void Registry::CreateRegisteredAsn(const v1::CreateRegisteredAsnRequest& request,
                                   Done<v1::RegisteredAsn> done, Actor actor) {
  const v1::RegisteredAsn& in = request.registered_asn();
  if (auto s = CheckName("registered_asn.peering_name", in.peering_name()); !s.ok()) return done(s);
  if (auto s = CheckName("registered_asn.name", in.name()); !s.ok()) return done(s);
  absl::StatusOr<uint32_t> asn = ParseAsnField("registered_asn.asn", in.asn());
  if (!asn.ok()) return done(asn.status());
  Mutate<v1::RegisteredAsn>(
      "CreateRegisteredAsn", request, actor,
      [this, &in, asn](WriteSet& writes,
                       std::vector<QueueItem>&) -> absl::StatusOr<v1::RegisteredAsn> {
        absl::StatusOr<v1::Peering> peering =
            RegistrablePeering(*ctx_.db, "registered_asn.peering_name", in.peering_name(),
                               v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER);
        if (!peering.ok()) return peering.status();
        std::string key = keys::Child(in.peering_name(), in.name());
        absl::StatusOr<std::optional<std::string>> existing =
            ctx_.db->Get(Column::kRegisteredAsns, key);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat("registered_asn.name: '", in.name(),
                                                       "' already exists on peering '",
                                                       in.peering_name(), "'"));
        }
        absl::StatusOr<std::optional<std::string>> holder =
            ctx_.db->Get(Column::kIdxAsn, keys::Asn(*asn));
        if (!holder.ok()) return holder.status();
        if (holder->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat("registered_asn.asn: AS", *asn,
                                                       " is already registered as ",
                                                       keys::Readable(**holder)));
        }
        absl::StatusOr<std::string> secret = NewUniqueKey(*ctx_.db);
        if (!secret.ok()) return secret.status();
        v1::RegisteredAsn r;
        r.set_peering_name(in.peering_name());
        r.set_name(in.name());
        r.set_asn(*asn);
        r.set_peering_service_prefix_key(*secret);
        r.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
        if (absl::Status put =
                PutMessage(*ctx_.db, writes, Column::kRegisteredAsns, key, ToRecord(r));
            !put.ok())
          return put;
        writes.Put(Column::kIdxAsn, keys::Asn(*asn), key);
        writes.Put(Column::kIdxKey, keys::KeyDigest(*secret), absl::StrCat("A", key));
        return r;
      },
      std::move(done));
}

absl::StatusOr<v1::RegisteredAsn> Registry::GetRegisteredAsn(
    const v1::GetRegisteredAsnRequest& request) const {
  if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return s;
  if (auto s = CheckName("name", request.name()); !s.ok()) return s;
  absl::StatusOr<RegisteredAsnRecord> r = GetChildMessage<RegisteredAsnRecord>(
      *ctx_.db, Column::kRegisteredAsns, request.peering_name(), request.name(), "registered ASN",
      "peering");
  if (!r.ok()) return r.status();
  return ToApi(*r);
}

absl::StatusOr<v1::ListRegisteredAsnsResponse> Registry::ListRegisteredAsns(
    const v1::ListRegisteredAsnsRequest& request) const {
  if (!request.peering_name().empty()) {
    if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return s;
  }
  absl::StatusOr<Page<RegisteredAsnRecord>> page = ListChildMessages<RegisteredAsnRecord>(
      *ctx_.db, Column::kRegisteredAsns, request.peering_name(), request.page_token(),
      request.page_size());
  if (!page.ok()) return page.status();
  v1::ListRegisteredAsnsResponse response;
  for (const RegisteredAsnRecord& r : page->items) *response.add_registered_asns() = ToApi(r);
  response.set_next_page_token(page->next_page_token);
  return response;
}

void Registry::DeleteRegisteredAsn(const v1::DeleteRegisteredAsnRequest& request,
                                   Done<google::protobuf::Empty> done, Actor actor) {
  if (auto s = CheckName("peering_name", request.peering_name()); !s.ok()) return done(s);
  if (auto s = CheckName("name", request.name()); !s.ok()) return done(s);
  Mutate<google::protobuf::Empty>(
      "DeleteRegisteredAsn", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>&) -> absl::StatusOr<google::protobuf::Empty> {
        std::string key = keys::Child(request.peering_name(), request.name());
        absl::StatusOr<RegisteredAsnRecord> r = GetChildMessage<RegisteredAsnRecord>(
            *ctx_.db, Column::kRegisteredAsns, request.peering_name(), request.name(),
            "registered ASN", "peering");
        if (!r.ok()) return r.status();
        const RegisteredAsnRecord& registered = *r;
        if (auto s = ReleaseKey(
                registered.peering_service_prefix_key(), request.force(),
                absl::StrCat("registered ASN '", request.name(), "'"),
                absl::StrCat("its registered ASN AS", registered.asn(), " was deleted"), writes);
            !s.ok()) {
          return s;
        }
        writes.Delete(Column::kRegisteredAsns, key);
        writes.Delete(Column::kIdxAsn, keys::Asn(static_cast<uint32_t>(registered.asn())));
        return google::protobuf::Empty();
      },
      std::move(done));
}

}  // namespace pfx
