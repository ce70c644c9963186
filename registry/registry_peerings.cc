// Registry: Peering resources.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registry/input_rules.h"
#include "registry/peering_rules.h"
#include "registry/registry.h"
#include "registry/session_map.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"

namespace pfx {
namespace {

absl::StatusOr<v1::Peering> LoadPeering(const Database& db, absl::string_view field,
                                        const std::string& name) {
  if (absl::Status s = CheckName(field, name); !s.ok()) return s;
  absl::StatusOr<std::optional<v1::Peering>> p =
      GetAsApi<PeeringRecord>(db, Column::kPeerings, name);
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(absl::StrCat(field, ": peering '", name, "' does not exist"));
  }
  return std::move(**p);
}

}  // namespace

void Registry::CreatePeering(const v1::CreatePeeringRequest& request, Done<v1::Peering> done,
                             Actor actor) {
  v1::Peering peering = request.peering();
  if (absl::Status s = NormalizePeering(peering); !s.ok()) return done(s);
  Mutate<v1::Peering>(
      "CreatePeering", request, actor,
      [this, peering = std::move(peering)](WriteSet& writes,
                                           std::vector<QueueItem>&) -> absl::StatusOr<v1::Peering> {
        absl::StatusOr<std::optional<std::string>> existing =
            ctx_.db->Get(Column::kPeerings, peering.name());
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(
              absl::StrCat("peering.name: peering '", peering.name(), "' already exists"));
        }
        if (absl::Status put =
                PutMessage(*ctx_.db, writes, Column::kPeerings, peering.name(), ToRecord(peering));
            !put.ok())
          return put;
        writes.Put(Column::kIdxPeerAsn,
                   keys::AsnMember(static_cast<uint32_t>(peering.peer_asn()), peering.name()), "");
        return peering;
      },
      std::move(done));
}

absl::StatusOr<v1::Peering> Registry::FindPeering(absl::string_view field,
                                                  const std::string& name) const {
  return LoadPeering(*ctx_.db, field, name);
}

absl::StatusOr<v1::Peering> Registry::GetPeering(const v1::GetPeeringRequest& request) const {
  absl::StatusOr<v1::Peering> p = LoadPeering(*ctx_.db, "name", request.name());
  if (p.ok()) FillSessionStates(*ctx_.routes, *p);
  return p;
}

absl::StatusOr<v1::ListPeeringsResponse> Registry::ListPeerings(
    const v1::ListPeeringsRequest& request) const {
  absl::StatusOr<Page<v1::Peering>> page = ListAsApi<PeeringRecord>(
      *ctx_.db, Column::kPeerings, "", request.page_token(), request.page_size());
  if (!page.ok()) return page.status();
  v1::ListPeeringsResponse response;
  for (v1::Peering& p : page->items) {
    FillSessionStates(*ctx_.routes, p);
    *response.add_peerings() = std::move(p);
  }
  response.set_next_page_token(page->next_page_token);
  return response;
}

void Registry::SetConnectionState(const v1::SetConnectionStateRequest& request,
                                  Done<v1::Peering> done, Actor actor) {
  if (absl::Status s = CheckName("connection_id", request.connection_id()); !s.ok()) return done(s);
  if (!v1::ConnectionState_IsValid(request.connection_state()) ||
      request.connection_state() == v1::CONNECTION_STATE_NONE) {
    return done(absl::InvalidArgumentError(
        "connection_state: must be one of Azure's connection states (not NONE)"));
  }
  Mutate<v1::Peering>(
      "SetConnectionState", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>& staged) -> absl::StatusOr<v1::Peering> {
        absl::StatusOr<v1::Peering> peering =
            LoadPeering(*ctx_.db, "peering_name", request.peering_name());
        if (!peering.ok()) return peering.status();
        v1::Connection* connection = nullptr;
        for (v1::Connection& c : *peering->mutable_connections()) {
          if (c.connection_id() == request.connection_id()) connection = &c;
        }
        if (connection == nullptr) {
          return absl::NotFoundError(absl::StrCat("connection_id: peering '", peering->name(),
                                                  "' has no connection '", request.connection_id(),
                                                  "'"));
        }
        connection->set_connection_state(request.connection_state());
        if (absl::Status put = PutMessage(*ctx_.db, writes, Column::kPeerings, peering->name(),
                                          ToRecord(*peering));
            !put.ok())
          return put;
        if (absl::Status s = StageDependents(*peering, writes, staged); !s.ok()) return s;
        FillSessionStates(*ctx_.routes, *peering);
        return *peering;
      },
      std::move(done));
}

void Registry::DeletePeering(const v1::DeletePeeringRequest& request,
                             Done<google::protobuf::Empty> done, Actor actor) {
  Mutate<google::protobuf::Empty>(
      "DeletePeering", request, actor,
      [this, &request](WriteSet& writes,
                       std::vector<QueueItem>& staged) -> absl::StatusOr<google::protobuf::Empty> {
        absl::StatusOr<v1::Peering> peering = LoadPeering(*ctx_.db, "name", request.name());
        if (!peering.ok()) return peering.status();
        for (auto [column, what] : {std::pair{Column::kRegisteredPrefixes, "registered prefixes"},
                                    std::pair{Column::kRegisteredAsns, "registered ASNs"}}) {
          absl::StatusOr<std::vector<std::string>> children =
              ListChildNames(*ctx_.db, column, peering->name(), 5);
          if (!children.ok()) return children.status();
          if (!children->empty()) {
            return absl::FailedPreconditionError(
                absl::StrCat("peering '", peering->name(), "' still has ", what, " (",
                             absl::StrJoin(*children, ", "), "); delete them first"));
          }
        }
        writes.Delete(Column::kPeerings, peering->name());
        writes.Delete(Column::kIdxPeerAsn,
                      keys::AsnMember(static_cast<uint32_t>(peering->peer_asn()), peering->name()));
        // Peering service prefixes lose sessions.
        if (absl::Status s = StageDependents(*peering, writes, staged); !s.ok()) return s;
        return google::protobuf::Empty();
      },
      std::move(done));
}

}  // namespace pfx
