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
  if (with_events) {
    out.mutable_events()->Reserve(record.events_size());
    for (EventRecord& e : *record.mutable_events()) *out.add_events() = ToApi(std::move(e));
  }
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

PeeringRecord ToRecord(const v1::Peering& peering) {
  PeeringRecord r;
  r.set_name(peering.name());
  r.set_peer_asn(peering.peer_asn());
  r.set_kind(peering.kind());
  r.set_sku(peering.sku());
  r.set_exchange_peering(peering.exchange_peering());
  for (const v1::Connection& c : peering.connections()) {
    ConnectionRecord& cr = *r.add_connections();
    cr.set_connection_id(c.connection_id());
    cr.set_peering_location(c.peering_location());
    cr.set_microsoft_router(c.microsoft_router());
    cr.set_bandwidth_mbps(c.bandwidth_mbps());
    cr.set_session_address_provider(c.session_address_provider());
    cr.set_use_for_peering_service(c.use_for_peering_service());
    cr.set_connection_state(c.connection_state());
    for (const v1::Session& s : c.sessions()) {
      SessionRecord& sr = *cr.add_sessions();
      sr.set_peer_session_ipv4_address(s.peer_session_ipv4_address());
      sr.set_microsoft_session_ipv4_address(s.microsoft_session_ipv4_address());
      sr.set_peer_session_ipv6_address(s.peer_session_ipv6_address());
      sr.set_microsoft_session_ipv6_address(s.microsoft_session_ipv6_address());
      sr.set_bfd_enabled(s.bfd_enabled());
    }
  }
  r.set_provisioning_state(peering.provisioning_state());
  return r;
}

v1::Peering ToApi(const PeeringRecord& r) {
  v1::Peering p;
  p.set_name(r.name());
  p.set_peer_asn(r.peer_asn());
  p.set_kind(r.kind());
  p.set_sku(r.sku());
  p.set_exchange_peering(r.exchange_peering());
  for (const ConnectionRecord& cr : r.connections()) {
    v1::Connection& c = *p.add_connections();
    c.set_connection_id(cr.connection_id());
    c.set_peering_location(cr.peering_location());
    c.set_microsoft_router(cr.microsoft_router());
    c.set_bandwidth_mbps(cr.bandwidth_mbps());
    c.set_session_address_provider(cr.session_address_provider());
    c.set_use_for_peering_service(cr.use_for_peering_service());
    c.set_connection_state(cr.connection_state());
    for (const SessionRecord& sr : cr.sessions()) {
      v1::Session& s = *c.add_sessions();
      s.set_peer_session_ipv4_address(sr.peer_session_ipv4_address());
      s.set_microsoft_session_ipv4_address(sr.microsoft_session_ipv4_address());
      s.set_peer_session_ipv6_address(sr.peer_session_ipv6_address());
      s.set_microsoft_session_ipv6_address(sr.microsoft_session_ipv6_address());
      s.set_bfd_enabled(sr.bfd_enabled());
    }
  }
  p.set_provisioning_state(r.provisioning_state());
  return p;
}

PeeringServiceRecord ToRecord(const v1::PeeringService& service) {
  PeeringServiceRecord r;
  r.set_name(service.name());
  r.set_country(service.country());
  r.set_state(service.state());
  r.set_provider_asn(service.provider_asn());
  r.set_primary_peering_location(service.primary_peering_location());
  r.set_backup_peering_location(service.backup_peering_location());
  r.set_provisioning_state(service.provisioning_state());
  r.set_provider_name(service.provider_name());
  return r;
}

v1::PeeringService ToApi(const PeeringServiceRecord& r) {
  v1::PeeringService s;
  s.set_name(r.name());
  s.set_country(r.country());
  s.set_state(r.state());
  s.set_provider_asn(r.provider_asn());
  s.set_primary_peering_location(r.primary_peering_location());
  s.set_backup_peering_location(r.backup_peering_location());
  s.set_provisioning_state(r.provisioning_state());
  s.set_provider_name(r.provider_name());
  return s;
}

RegisteredAsnRecord ToRecord(const v1::RegisteredAsn& asn) {
  RegisteredAsnRecord r;
  r.set_peering_name(asn.peering_name());
  r.set_name(asn.name());
  r.set_asn(asn.asn());
  r.set_peering_service_prefix_key(asn.peering_service_prefix_key());
  r.set_provisioning_state(asn.provisioning_state());
  return r;
}

v1::RegisteredAsn ToApi(const RegisteredAsnRecord& r) {
  v1::RegisteredAsn a;
  a.set_peering_name(r.peering_name());
  a.set_name(r.name());
  a.set_asn(r.asn());
  a.set_peering_service_prefix_key(r.peering_service_prefix_key());
  a.set_provisioning_state(r.provisioning_state());
  return a;
}

EventRecord ToRecord(const v1::PrefixEvent& event) {
  EventRecord r;
  r.set_event_type(event.event_type());
  r.set_event_summary(event.event_summary());
  r.set_event_description(event.event_description());
  r.set_event_level(event.event_level());
  if (event.has_event_timestamp()) *r.mutable_event_timestamp() = event.event_timestamp();
  return r;
}

v1::PrefixEvent ToApi(EventRecord&& r) {
  v1::PrefixEvent e;  // strings handed over, not copied: Get shows up to 50 events
  e.set_allocated_event_type(r.release_event_type());
  e.set_allocated_event_summary(r.release_event_summary());
  e.set_allocated_event_description(r.release_event_description());
  e.set_event_level(r.event_level());
  if (r.has_event_timestamp()) e.mutable_event_timestamp()->Swap(r.mutable_event_timestamp());
  return e;
}

v1::PrefixEvent ToApi(const EventRecord& r) { return ToApi(EventRecord(r)); }

QueueEntryRecord ToRecord(const v1::ValidationTarget& target) {
  QueueEntryRecord r;
  switch (target.kind()) {
    case v1::ValidationTarget::KIND_REGISTERED_PREFIX:
      r.set_kind(QueueEntryRecord::KIND_REGISTERED_PREFIX);
      break;
    case v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX:
      r.set_kind(QueueEntryRecord::KIND_PEERING_SERVICE_PREFIX);
      break;
    default:
      r.set_kind(QueueEntryRecord::KIND_UNSPECIFIED);
      break;
  }
  r.set_parent(target.parent());
  r.set_name(target.name());
  return r;
}

v1::ValidationTarget ToApi(const QueueEntryRecord& r) {
  v1::ValidationTarget t;
  switch (r.kind()) {
    case QueueEntryRecord::KIND_REGISTERED_PREFIX:
      t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
      break;
    case QueueEntryRecord::KIND_PEERING_SERVICE_PREFIX:
      t.set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
      break;
    default:
      t.set_kind(v1::ValidationTarget::KIND_UNSPECIFIED);
      break;
  }
  t.set_parent(r.parent());
  t.set_name(r.name());
  return t;
}

}  // namespace pfx
