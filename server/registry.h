// File: registry.h
// -----------------------------------------------------------------------------
// Registry: the synchronous resource rules of SPEC §1-§2 (peerings, registrations, peering
// services and their prefixes) over the RocksDB store.
//
// Every mutation:
//   - validates input first (INVALID_ARGUMENT / NOT_FOUND naming the field; nothing stored);
//   - runs under the store's write lock, so uniqueness checks and writes are atomic;
//   - writes the resource, its index entries, events, queue entries and the request_id reply
//     in one WriteBatch, synced to the WAL before the reply;
//   - with a request_id seen before, returns the stored reply without applying anything.
// Reads take no lock. Thread-safe.
// Split by concern: registry_peerings.cc, registry_registrations.cc, registry_services.cc.

#ifndef PFX_SERVER_REGISTRY_H_
#define PFX_SERVER_REGISTRY_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "feed/route_index.h"
#include "google/protobuf/empty.pb.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/validation.pb.h"
#include "server/clock.h"
#include "server/dependency_index.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/validation_queue.h"

namespace pfx {

struct StoreContext {
  Database* db;
  ValidationQueue* queue;
  EventLog* events;
  DependencyIndex* dependencies;
  RouteIndex* routes;
  const Clock* clock;
  absl::Mutex* write_mu;  // serializes read-check-write sequences (shared with the workers)
};

inline constexpr size_t kEventsShown = 50;

class Registry {
 public:
  explicit Registry(StoreContext ctx) : ctx_(ctx) {}

  // Tracks every stored prefix in the dependency index and requeues prefixes that were
  // waiting for validation or in hold-down, so a restart resumes where the last run stopped.
  absl::Status Recover();

  absl::StatusOr<v1::Peering> CreatePeering(const v1::CreatePeeringRequest& request);
  absl::StatusOr<v1::Peering> GetPeering(const v1::GetPeeringRequest& request) const;
  absl::StatusOr<v1::ListPeeringsResponse> ListPeerings(
      const v1::ListPeeringsRequest& request) const;
  absl::StatusOr<v1::Peering> SetConnectionState(const v1::SetConnectionStateRequest& request);
  absl::StatusOr<google::protobuf::Empty> DeletePeering(const v1::DeletePeeringRequest& request);

  absl::StatusOr<v1::RegisteredPrefix> CreateRegisteredPrefix(
      const v1::CreateRegisteredPrefixRequest& request);
  absl::StatusOr<v1::RegisteredPrefix> GetRegisteredPrefix(
      const v1::GetRegisteredPrefixRequest& request) const;
  absl::StatusOr<v1::ListRegisteredPrefixesResponse> ListRegisteredPrefixes(
      const v1::ListRegisteredPrefixesRequest& request) const;
  absl::StatusOr<google::protobuf::Empty> DeleteRegisteredPrefix(
      const v1::DeleteRegisteredPrefixRequest& request);
  absl::StatusOr<v1::RegisteredPrefix> ValidateRegisteredPrefix(
      const v1::ValidateRegisteredPrefixRequest& request);
  absl::StatusOr<v1::RegisteredAsn> CreateRegisteredAsn(
      const v1::CreateRegisteredAsnRequest& request);
  absl::StatusOr<v1::RegisteredAsn> GetRegisteredAsn(
      const v1::GetRegisteredAsnRequest& request) const;
  absl::StatusOr<v1::ListRegisteredAsnsResponse> ListRegisteredAsns(
      const v1::ListRegisteredAsnsRequest& request) const;
  absl::StatusOr<google::protobuf::Empty> DeleteRegisteredAsn(
      const v1::DeleteRegisteredAsnRequest& request);

  absl::StatusOr<v1::PeeringService> CreatePeeringService(
      const v1::CreatePeeringServiceRequest& request);
  absl::StatusOr<v1::PeeringService> GetPeeringService(
      const v1::GetPeeringServiceRequest& request) const;
  absl::StatusOr<v1::ListPeeringServicesResponse> ListPeeringServices(
      const v1::ListPeeringServicesRequest& request) const;
  absl::StatusOr<google::protobuf::Empty> DeletePeeringService(
      const v1::DeletePeeringServiceRequest& request);
  absl::StatusOr<v1::PeeringServicePrefix> CreatePeeringServicePrefix(
      const v1::CreatePeeringServicePrefixRequest& request);
  absl::StatusOr<v1::PeeringServicePrefix> GetPeeringServicePrefix(
      const v1::GetPeeringServicePrefixRequest& request) const;
  absl::StatusOr<v1::ListPeeringServicePrefixesResponse> ListPeeringServicePrefixes(
      const v1::ListPeeringServicePrefixesRequest& request) const;
  absl::StatusOr<google::protobuf::Empty> DeletePeeringServicePrefix(
      const v1::DeletePeeringServicePrefixRequest& request);

  // Queues targets for validation now (synced), e.g. from Revalidate.
  absl::Status Requeue(const std::vector<v1::ValidationTarget>& targets);

 private:
  // The work of one mutation: adds its writes, stages queue entries, returns the reply.
  template <typename Reply>
  using Mutation = std::function<absl::StatusOr<Reply>(WriteSet&, std::vector<QueueItem>&)>;

  template <typename Reply>
  absl::StatusOr<Reply> Mutate(absl::string_view method, const std::string& request_id,
                               const Mutation<Reply>& mutation);

  // Requeues every prefix whose required sessions may change with this peering.
  void StageDependents(const v1::Peering& peering, WriteSet& writes,
                       std::vector<QueueItem>& staged) const;
  absl::Status AppendPendingEvent(WriteSet& writes, EventLog::Kind kind, const std::string& key,
                                  absl::string_view what) const;
  // Frees a registration's prefix key: refuses (FAILED_PRECONDITION naming them) while peering
  // service prefixes use it, unless `force`, which turns them INVALID citing `reason`; then
  // removes the key from the key index.
  absl::Status ReleaseKey(const std::string& key, bool force, absl::string_view owner,
                          absl::string_view reason, WriteSet& writes) const;

  StoreContext ctx_;
};

}  // namespace pfx

#endif  // PFX_SERVER_REGISTRY_H_
