#include "storage/records.h"

namespace pfx {
namespace {

// The fields both prefix kinds share, under the same names in record and reply. Hands the
// record's strings over (release / set_allocated: no allocation, no copy): every Get builds
// one reply this way and a List page a hundred.
template <typename Record, typename Reply>
void MoveShared(Record& record, bool with_events, Reply& out) {
  out.set_allocated_name(record.release_name());
  out.set_allocated_prefix(record.release_prefix());
  out.set_allocated_peering_service_prefix_key(record.release_peering_service_prefix_key());
  out.set_prefix_validation_state(record.prefix_validation_state());
  out.set_allocated_error_message(record.release_error_message());
  if (with_events) out.mutable_events()->Swap(record.mutable_events());
  out.set_provisioning_state(record.provisioning_state());
  if (record.has_hold_down_deadline()) {
    out.mutable_hold_down_deadline()->Swap(record.mutable_hold_down_deadline());
  }
}

}  // namespace

v1::RegisteredPrefix ToApi(RegisteredPrefixRecord record, bool with_events) {
  v1::RegisteredPrefix out;
  out.set_allocated_peering_name(record.release_peering_name());
  out.set_traffic_class(record.traffic_class());
  out.set_allocated_endpoint_description(record.release_endpoint_description());
  MoveShared(record, with_events, out);
  return out;
}

v1::PeeringServicePrefix ToApi(PeeringServicePrefixRecord record, bool with_events) {
  v1::PeeringServicePrefix out;
  out.set_allocated_peering_service_name(record.release_peering_service_name());
  out.set_learned_type(record.learned_type());
  MoveShared(record, with_events, out);
  return out;
}

}  // namespace pfx
