// File: registry.h
// -----------------------------------------------------------------------------
// Registry: the synchronous resource rules of SPEC §1-§2 (peerings, registrations, peering
// services and their prefixes) over the RocksDB store.
//
// Every mutation:
//   - validates input first (INVALID_ARGUMENT / NOT_FOUND naming the field; nothing stored);
//   - runs on the GroupCommitter's thread under the store's write lock, so uniqueness checks
//     and writes are atomic;
//   - writes the resource, its index entries, events, queue entries and the request_id reply
//     in one WriteBatch, synced to the WAL before the reply;
//   - with a request_id seen before, returns the stored reply without applying anything;
//   - records an audit record (storage/audit_log.h) naming `actor`, in the same batch as the
//     change; a refused attempt is recorded by RecordRefusal.
// Mutations answer through `done`, called exactly once (on the calling thread for bad input,
// else on the committer thread once the change is durable); the request must stay alive until
// then. They never block the caller. Reads take no lock and answer directly. Thread-safe.
// Split by concern: registry_peerings.cc, registry_registrations.cc, registry_services.cc.

#ifndef PFX_REGISTRY_REGISTRY_H_
#define PFX_REGISTRY_REGISTRY_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "feed/route_index.h"
#include "google/protobuf/empty.pb.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/validation.pb.h"
#include "registry/prefix_tracker.h"
#include "registry/registered_prefixes.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/group_committer.h"
#include "storage/records.h"
#include "storage/validation_queue.h"

namespace pfx {

struct StoreContext {
  Database* db;
  ValidationQueue* queue;
  EventLog* events;
  PrefixTracker* tracker;  // told of every prefix a mutation stores or deletes
  RouteIndex* routes;
  const Clock* clock;
  absl::Mutex* write_mu;      // serializes read-check-write sequences (shared with the workers)
  GroupCommitter* committer;  // applies every registry mutation, under write_mu
  AuditLog* audit = nullptr;  // null: mutations leave no audit record (unit tests)
};

// Who asked for a mutation, as the audit trail records it.
struct Actor {
  std::string caller = "pfxd";  // a certificate subject, "local-plaintext", or pfxd itself
  std::string roles = "system";
};

// The resource a mutation request names, for the audit trail:
// "peerings/voice-1", "peerings/voice-1/connections/c1", "peerings/voice-1/registeredPrefixes/a",
// "peerings/rs-1/registeredAsns/b", "peeringServices/s", "peeringServices/s/prefixes/p".
std::string AuditResourceName(absl::string_view method, const google::protobuf::Message& request);

inline constexpr size_t kEventsShown = 50;

// Appends `event` to a prefix's history (the events column, every event kept) and to the
// recent events the stored resource carries (`recent`, the last kEventsShown), which Get
// returns as stored: listing them from the column cost a scan, a quarter of a Get.
void RecordEvent(EventLog& log, WriteSet& writes, EventLog::Kind kind, const std::string& key,
                 const v1::PrefixEvent& event,
                 google::protobuf::RepeatedPtrField<EventRecord>* recent);

class Registry {
 public:
  template <typename Reply>
  using Done = absl::AnyInvocable<void(absl::StatusOr<Reply>)>;

  // ctx.committer must share ctx.write_mu and outlive calls.
  explicit Registry(StoreContext ctx) : ctx_(ctx) {}

  // Fills the in-memory indexes from the store; call once before serving a store with data.
  absl::Status Load() { return registered_prefixes_.Load(*ctx_.db); }
  // Every registered prefix, for covering lookups (changes as mutations are applied).
  const RegisteredPrefixTable& registered_prefixes() const { return registered_prefixes_; }

  void CreatePeering(const v1::CreatePeeringRequest& request, Done<v1::Peering> done,
                     Actor actor = {});
  absl::StatusOr<v1::Peering> GetPeering(const v1::GetPeeringRequest& request) const;
  // The peering `name` as stored (no session states), for requests that name one in `field`:
  // INVALID_ARGUMENT for a malformed name, NOT_FOUND "<field>: peering '<name>' does not exist".
  absl::StatusOr<v1::Peering> FindPeering(absl::string_view field, const std::string& name) const;
  absl::StatusOr<v1::ListPeeringsResponse> ListPeerings(
      const v1::ListPeeringsRequest& request) const;
  void SetConnectionState(const v1::SetConnectionStateRequest& request, Done<v1::Peering> done,
                          Actor actor = {});
  void DeletePeering(const v1::DeletePeeringRequest& request, Done<google::protobuf::Empty> done,
                     Actor actor = {});

  void CreateRegisteredPrefix(const v1::CreateRegisteredPrefixRequest& request,
                              Done<v1::RegisteredPrefix> done, Actor actor = {});
  absl::StatusOr<v1::RegisteredPrefix> GetRegisteredPrefix(
      const v1::GetRegisteredPrefixRequest& request) const;
  absl::StatusOr<v1::ListRegisteredPrefixesResponse> ListRegisteredPrefixes(
      const v1::ListRegisteredPrefixesRequest& request) const;
  void DeleteRegisteredPrefix(const v1::DeleteRegisteredPrefixRequest& request,
                              Done<google::protobuf::Empty> done, Actor actor = {});
  absl::StatusOr<v1::RegisteredPrefix> ValidateRegisteredPrefix(
      const v1::ValidateRegisteredPrefixRequest& request);
  void CreateRegisteredAsn(const v1::CreateRegisteredAsnRequest& request,
                           Done<v1::RegisteredAsn> done, Actor actor = {});
  absl::StatusOr<v1::RegisteredAsn> GetRegisteredAsn(
      const v1::GetRegisteredAsnRequest& request) const;
  absl::StatusOr<v1::ListRegisteredAsnsResponse> ListRegisteredAsns(
      const v1::ListRegisteredAsnsRequest& request) const;
  void DeleteRegisteredAsn(const v1::DeleteRegisteredAsnRequest& request,
                           Done<google::protobuf::Empty> done, Actor actor = {});

  void CreatePeeringService(const v1::CreatePeeringServiceRequest& request,
                            Done<v1::PeeringService> done, Actor actor = {});
  absl::StatusOr<v1::PeeringService> GetPeeringService(
      const v1::GetPeeringServiceRequest& request) const;
  absl::StatusOr<v1::ListPeeringServicesResponse> ListPeeringServices(
      const v1::ListPeeringServicesRequest& request) const;
  void DeletePeeringService(const v1::DeletePeeringServiceRequest& request,
                            Done<google::protobuf::Empty> done, Actor actor = {});
  void CreatePeeringServicePrefix(const v1::CreatePeeringServicePrefixRequest& request,
                                  Done<v1::PeeringServicePrefix> done, Actor actor = {});
  absl::StatusOr<v1::PeeringServicePrefix> GetPeeringServicePrefix(
      const v1::GetPeeringServicePrefixRequest& request) const;
  absl::StatusOr<v1::ListPeeringServicePrefixesResponse> ListPeeringServicePrefixes(
      const v1::ListPeeringServicePrefixesRequest& request) const;
  void DeletePeeringServicePrefix(const v1::DeletePeeringServicePrefixRequest& request,
                                  Done<google::protobuf::Empty> done, Actor actor = {});

  // Records a mutation attempt that was refused (any error, from a field check to the access
  // policy) in the audit trail, through the committer (the caller does not wait; the record is
  // durable with the next group).
  void RecordRefusal(const Actor& actor, absl::string_view rpc, std::string resource,
                     std::string request_id, const absl::Status& refusal);

  // Queues targets for validation now (synced), e.g. from ValidateRegisteredPrefix.
  absl::Status Requeue(const std::vector<v1::ValidationTarget>& targets);
  // Queues targets in memory only, for a caller that notices a restart and asks again
  // (Revalidate: its stream breaks). Saves a row write and delete per target.
  void RequeueTransient(const std::vector<v1::ValidationTarget>& targets);

 private:
  // The work of one mutation: adds its writes, stages queue entries, returns the reply.
  template <typename Reply>
  using Mutation = absl::AnyInvocable<absl::StatusOr<Reply>(WriteSet&, std::vector<QueueItem>&)>;
  template <typename Reply>
  class MutationJob;

  // Hands `mutation` to the committer; `done` gets its reply once durable, or its error.
  // `request` (alive until `done`) carries the request_id: a retry of the same request gets
  // the stored reply and applies nothing; the same request_id with another payload is
  // INVALID_ARGUMENT naming request_id (AIP-155).
  template <typename Reply, typename Request>
  void Mutate(absl::string_view method, const Request& request, const Actor& actor,
              Mutation<Reply> mutation, Done<Reply> done);

  // The queue entry of a prefix just created: transient, without a row of its own, because
  // the prefix is stored PENDING in the same batch and Recover requeues every PENDING prefix.
  static QueueItem NewPrefixQueueItem(const v1::ValidationTarget& target) { return {0, target}; }
  // Requeues every prefix whose required sessions may change with this peering.
  // A failed scan, or a stored peering service that does not parse, is the mutation's error.
  absl::Status StageDependents(const v1::Peering& peering, WriteSet& writes,
                               std::vector<QueueItem>& staged) const;
  void AppendPendingEvent(WriteSet& writes, EventLog::Kind kind, const std::string& key,
                          absl::string_view what,
                          google::protobuf::RepeatedPtrField<EventRecord>* recent) const;
  // Frees a registration's prefix key: refuses (FAILED_PRECONDITION naming them) while peering
  // service prefixes use it, unless `force`, which turns them INVALID citing `reason`; then
  // removes the key from the key index.
  absl::Status ReleaseKey(const std::string& key, bool force, absl::string_view owner,
                          absl::string_view reason, WriteSet& writes) const;

  StoreContext ctx_;
  RegisteredPrefixTable registered_prefixes_;
};

}  // namespace pfx

#endif  // PFX_REGISTRY_REGISTRY_H_
