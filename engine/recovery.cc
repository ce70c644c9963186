#include "engine/recovery.h"

#include "base/log.h"
#include "storage/records.h"

namespace pfx {

absl::Status RecoverValidation(const StoreContext& ctx, DependencyIndex& dependencies) {
  std::vector<v1::ValidationTarget> requeue;
  auto track = [&](v1::ValidationTarget::Kind kind, const std::string& parent,
                   const std::string& name, const std::string& prefix_text,
                   v1::PrefixValidationState state) {
    v1::ValidationTarget t;
    t.set_kind(kind);
    t.set_parent(parent);
    t.set_name(name);
    if (absl::StatusOr<IpPrefix> p = IpPrefix::Parse(prefix_text); p.ok()) {
      dependencies.Track(t, *p);
    } else {  // stored prefixes were checked when created: a damaged record, not input
      PFX_LOG(Error) << "stored prefix " << parent << "/" << name << " '" << prefix_text
                     << "' does not parse (" << p.status().message()
                     << "): no route change will requeue it";
    }
    if (state == v1::PREFIX_VALIDATION_STATE_PENDING ||
        state == v1::PREFIX_VALIDATION_STATE_WARNING ||
        state == v1::PREFIX_VALIDATION_STATE_UNKNOWN) {
      requeue.push_back(std::move(t));
    }
  };
  absl::Status parse_error;
  absl::Status s = ctx.db->Scan(
      Column::kRegisteredPrefixes, "", "", [&](absl::string_view, absl::string_view value) {
        RegisteredPrefixRecord r;
        if (!r.ParseFromArray(value.data(), int(value.size()))) {
          parse_error = absl::DataLossError("registered prefix does not parse");
          return false;
        }
        track(v1::ValidationTarget::KIND_REGISTERED_PREFIX, r.peering_name(), r.name(), r.prefix(),
              r.prefix_validation_state());
        return true;
      });
  if (!s.ok()) return s;
  s = ctx.db->Scan(
      Column::kServicePrefixes, "", "", [&](absl::string_view, absl::string_view value) {
        PeeringServicePrefixRecord r;
        if (!r.ParseFromArray(value.data(), int(value.size()))) {
          parse_error = absl::DataLossError("peering service prefix does not parse");
          return false;
        }
        track(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX, r.peering_service_name(), r.name(),
              r.prefix(), r.prefix_validation_state());
        return true;
      });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  PFX_LOG(Info) << "recovered " << dependencies.size() << " prefixes, " << ctx.queue->waiting()
                << " queued, " << requeue.size() << " pending, in hold-down or unknown requeued";
  ctx.queue->EnqueueTransient(requeue);
  return absl::OkStatus();
}

}  // namespace pfx
