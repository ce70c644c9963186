#include "storage/records.h"

namespace pfx {

v1::RegisteredPrefix ToApi(const RegisteredPrefixRecord& record, bool with_events) {
  v1::RegisteredPrefix out;
  out.set_peering_name(record.peering_name());
  out.set_name(record.name());
  out.set_prefix(record.prefix());
  out.set_traffic_class(record.traffic_class());
  out.set_endpoint_description(record.endpoint_description());
  out.set_peering_service_prefix_key(record.peering_service_prefix_key());
  out.set_prefix_validation_state(record.prefix_validation_state());
  out.set_error_message(record.error_message());
  if (with_events) *out.mutable_events() = record.events();
  out.set_provisioning_state(record.provisioning_state());
  if (record.has_hold_down_deadline())
    *out.mutable_hold_down_deadline() = record.hold_down_deadline();
  return out;
}

v1::PeeringServicePrefix ToApi(const PeeringServicePrefixRecord& record, bool with_events) {
  v1::PeeringServicePrefix out;
  out.set_peering_service_name(record.peering_service_name());
  out.set_name(record.name());
  out.set_prefix(record.prefix());
  out.set_peering_service_prefix_key(record.peering_service_prefix_key());
  out.set_prefix_validation_state(record.prefix_validation_state());
  out.set_learned_type(record.learned_type());
  out.set_error_message(record.error_message());
  if (with_events) *out.mutable_events() = record.events();
  out.set_provisioning_state(record.provisioning_state());
  if (record.has_hold_down_deadline())
    *out.mutable_hold_down_deadline() = record.hold_down_deadline();
  return out;
}

}  // namespace pfx
