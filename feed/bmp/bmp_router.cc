#include "feed/bmp/bmp_router.h"

#include "absl/strings/str_cat.h"
#include "feed/bgp_update.h"

namespace pfx {

void BmpRouter::Flush() {
  for (auto& [address, batch] : pending_) {
    if (batch.announced_shared.empty()) continue;
    index_->Apply(batch);
    batch.announced_shared.clear();
  }
  pending_routes_ = 0;
}

void BmpRouter::FlushSession(RouteBatch& batch) {
  if (batch.announced_shared.empty()) return;
  index_->Apply(batch);
  batch.announced_shared.clear();
}

absl::Status BmpRouter::Apply(const BmpMessage& m) {
  ++stats_.messages;
  if (m.type != BmpType::kRouteMonitoring) Flush();
  switch (m.type) {
    case BmpType::kInitiation:
      for (const auto& [type, value] : m.tlvs) {
        if (type == 2) sys_name_ = value;
      }
      return absl::OkStatus();
    case BmpType::kTermination:
      Disconnected();
      return absl::OkStatus();
    case BmpType::kStatisticsReport:
      ++stats_.statistics_reports;
      return absl::OkStatus();
    case BmpType::kRouteMirroring:
      return absl::OkStatus();
    case BmpType::kPeerUp: {
      ++stats_.peer_up;
      if (!m.peer->pre_policy_adj_rib_in()) return absl::OkStatus();
      peers_[m.peer->address].four_byte_as =
          !m.peer->legacy_two_byte_as() && OpensNegotiateFourByteAs(m.sent_open, m.received_open);
      SessionKey key = Key(*m.peer);
      index_->ResetSession(key);  // a re-established session re-sends its whole table
      index_->SetEstablished(key, true, m.peer->asn);
      return absl::OkStatus();
    }
    case BmpType::kPeerDown:
      ++stats_.peer_down;
      if (m.peer->pre_policy_adj_rib_in()) index_->SetEstablished(Key(*m.peer), false);
      return absl::OkStatus();
    case BmpType::kRouteMonitoring:
      return RouteMonitoring(m);
  }
  return absl::OkStatus();
}

absl::Status BmpRouter::RouteMonitoring(const BmpMessage& m) {
  ++stats_.route_monitoring;
  if (!m.peer->pre_policy_adj_rib_in()) {
    ++stats_.not_pre_policy;
    return absl::OkStatus();
  }
  // A peer seen without Peer Up (e.g. messages before it) is still this router's session.
  const Peer& peer = peers_.try_emplace(m.peer->address).first->second;
  bool four_byte = !m.peer->legacy_two_byte_as() && peer.four_byte_as;
  absl::StatusOr<BgpUpdate> update = DecodeUpdateMessage(m.update, {.four_byte_as = four_byte});
  if (!update.ok()) {
    return absl::DataLossError(absl::StrCat(
        "Route Monitoring for peer ", m.peer->address.ToString(), ": ", update.status().message()));
  }
  SessionKey key = Key(*m.peer);
  RouteBatch& pending = pending_.try_emplace(m.peer->address).first->second;
  if (update->end_of_rib || !update->withdrawn.empty()) {
    // Keep the session's order: its earlier announcements land before this message's changes
    // (sessions are independent, so the others' may wait).
    FlushSession(pending);
  }
  pending.session = key;
  if (update->end_of_rib) {
    ++stats_.end_of_rib;
    index_->MarkInitialTableComplete(key);
    return absl::OkStatus();
  }
  if (!update->withdrawn.empty()) {
    index_->Apply(RouteBatch{key, {}, update->withdrawn});
    stats_.withdrawn += update->withdrawn.size();
  }
  absl::Time received = absl::FromUnixSeconds(m.peer->timestamp_seconds) +
                        absl::Microseconds(m.peer->timestamp_micros);
  if (m.peer->timestamp_seconds == 0) received = absl::Now();
  stats_.announced += update->announced.size();
  pending_routes_ += update->announced.size();
  // An UPDATE with the same attributes and time as the previous one joins its group, as in
  // the MRT loader: a router dumping its table one prefix per UPDATE sends an AS's prefixes
  // one after another, and the group is copied and interned once.
  std::vector<SharedRoutes>& groups = pending.announced_shared;
  if (!groups.empty() && groups.back().received == received &&
      groups.back().attributes == update->attributes) {
    std::vector<IpPrefix>& prefixes = groups.back().prefixes;
    prefixes.insert(prefixes.end(), update->announced.begin(), update->announced.end());
  } else {
    groups.push_back({std::move(update->attributes), received, std::move(update->announced)});
  }
  if (pending_routes_ >= kBatchSize) Flush();
  return absl::OkStatus();
}

void BmpRouter::Disconnected() {
  Flush();
  for (const auto& [address, peer] : peers_) index_->SetEstablished({name_, address}, false);
}

}  // namespace pfx
