// File: validation_engine.h
// -----------------------------------------------------------------------------
// ValidationEngine: validates one queued prefix against the route feed and stores the
// outcome. For a target it
//   1. reads the resource and what the checks need (peering, provider peerings, candidate
//      keys, the IRR and RPKI snapshots, what each required session advertises) without locks;
//   2. runs the pure check pipeline (validator/checks.h) and the hold-down rule;
//   3. under the store's write lock makes sure the resource is still as read (re-reading it
//      when a registry mutation was applied since), then in one batch writes the new state,
//      error message, learned type, route events and the state-change event (only what
//      changed), and removes the queue entry;
//   4. publishes a notice (WatchValidation, Revalidate progress), records the sessions the
//      prefix now depends on, and schedules a requeue at the hold-down deadline.
// Explain runs steps 1-2 only. Thread-safe: workers call Process concurrently.

#ifndef PFX_ENGINE_VALIDATION_ENGINE_H_
#define PFX_ENGINE_VALIDATION_ENGINE_H_

#include "absl/status/statusor.h"
#include "engine/dependency_index.h"
#include "engine/irr_store.h"
#include "engine/rpki_store.h"
#include "engine/notices.h"
#include "engine/timer_queue.h"
#include "engine/validation_stats.h"
#include "pfx/v1/validation.pb.h"
#include "registry/registry.h"
#include "validator/check_result.h"
#include "validator/checks.h"
#include "validator/prefix_key.h"

namespace pfx {

struct EngineOptions {
  absl::Duration hold_down = absl::Minutes(5);
  RpkiPolicy rpki_policy = RpkiPolicy::kAdvisory;
};

class ValidationEngine {
 public:
  // `dependencies` must be the tracker of ctx (the registry tells it of created and deleted
  // prefixes; the engine of the sessions each validation required).
  // `registered` is the registry's table of registered prefixes (covering lookups).
  ValidationEngine(StoreContext ctx, const RegisteredPrefixTable* registered,
                   DependencyIndex* dependencies, const IrrStore* irr, const RpkiStore* rpki,
                   NoticeHub* notices, TimerQueue* timers, EngineOptions options)
      : ctx_(ctx),
        registered_(registered),
        dependencies_(dependencies),
        irr_(irr),
        rpki_(rpki),
        notices_(notices),
        timers_(timers),
        options_(options) {}

  // Validates and stores the entries in one locked section and one WriteBatch; always
  // completes each queue entry (a deleted target just drops it).
  absl::Status ProcessBatch(const std::vector<QueueItem>& items);
  // A stored prefix's checks as its worker would run them now, or a dry run of a prefix not
  // registered yet (a candidate in the request): nothing is stored or queued.
  absl::StatusOr<v1::ExplainResponse> Explain(const v1::ExplainRequest& request) const;
  // What validations decided since start (metrics).
  const ValidationStats& stats() const { return stats_; }

 private:
  struct Evaluation;
  // What one validated entry contributes to a batch, and what to do after the commit.
  struct Staged {
    const QueueItem* item = nullptr;  // the batch's, which outlives it
    bool exists = false;
    // A registry mutation rewrote the resource after Evaluate read it: the result is stale and
    // was not applied (that mutation decided the state itself, or queued the prefix again).
    bool stale = false;
    std::string prefix;
    std::string peering_name;
    std::vector<SessionKey> sessions;
    std::optional<absl::Time> deadline;
    ValidationNotice notice;
    bool applied = false;  // a decided state was written
    v1::PrefixValidationState decided_before = v1::PREFIX_VALIDATION_STATE_NONE;
    std::vector<std::string> failing_checks;  // for ValidationStats
  };
  class BatchReads;
  // What a peering service prefix is checked against (stored or a dry-run candidate).
  struct ServiceQuery {
    IpPrefix prefix;
    std::optional<PrefixKey> given_key;
    int64_t provider_asn = 0;
    std::string primary_location;
    std::string backup_location;  // empty: none
  };
  // The RPKI index when it can answer (null: not configured, or an RTR cache out of sync),
  // and whether it is configured but cannot answer.
  std::shared_ptr<const VrpIndex> Vrps() const;
  bool RpkiUnavailable() const;
  // Reads for one batch (or one Explain), with the reference data snapshots taken now.
  BatchReads StartReads() const;
  absl::StatusOr<ValidationResult> CheckRegistered(const IpPrefix& prefix,
                                                   const std::string& peering_name,
                                                   BatchReads& reads) const;
  // Dry runs of a registered prefix: whether CreateRegisteredPrefix would take it now (the
  // peering has an ACTIVE connection, no registration holds the prefix), as a check.
  absl::StatusOr<CheckReport> Registrable(const IpPrefix& prefix, const v1::Peering& peering) const;
  // `considered` (optional) receives each of the provider's peerings.
  absl::StatusOr<ValidationResult> CheckService(const ServiceQuery& query, BatchReads& reads,
                                                std::vector<v1::ProviderPeering>* considered) const;
  // `considered` (null on the worker path: only Explain shows it) receives the provider's
  // peerings of a peering service prefix.
  absl::StatusOr<Evaluation> Evaluate(const v1::ValidationTarget& target, BatchReads& reads,
                                      std::vector<v1::ProviderPeering>* considered) const;
  // Explain's three subjects: a stored prefix, and the two dry-run candidates.
  absl::StatusOr<v1::ExplainResponse> ExplainTarget(const v1::ValidationTarget& target,
                                                    BatchReads& reads) const;
  absl::StatusOr<v1::ExplainResponse> DryRunRegisteredPrefix(const v1::RegisteredPrefixCandidate& c,
                                                             BatchReads& reads) const;
  absl::StatusOr<v1::ExplainResponse> DryRunServicePrefix(
      const v1::PeeringServicePrefixCandidate& c, BatchReads& reads) const;
  // Adds the entry's writes to `writes` (consuming the evaluation's parsed resource); call
  // with the store's write lock held.
  absl::StatusOr<Staged> Stage(WriteSet& writes, const QueueItem& item, Evaluation& evaluation,
                               absl::Time now);
  // After the commit: hold-down timer, stats; returns the notice to publish (the batch's
  // dependencies are set before, in one call).
  ValidationNotice Publish(Staged& staged, absl::Time now);

  StoreContext ctx_;
  const RegisteredPrefixTable* registered_;
  DependencyIndex* dependencies_;
  const IrrStore* irr_;
  const RpkiStore* rpki_;  // null: no RPKI (rpki-origin NOT_EVALUATED)
  NoticeHub* notices_;
  TimerQueue* timers_;
  EngineOptions options_;
  ValidationStats stats_;
};

}  // namespace pfx

#endif  // PFX_ENGINE_VALIDATION_ENGINE_H_
