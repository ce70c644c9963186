#include "feed/route_index.h"

#include <algorithm>

namespace pfx {

uint64_t RouteIndex::V4Key(const IpPrefix& prefix) {
  const auto& b = prefix.address().bytes();
  uint32_t address = static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
                     static_cast<uint32_t>(b[2]) << 8 | b[3];
  return static_cast<uint64_t>(address) << 8 | static_cast<uint64_t>(prefix.length());
}

IpPrefix RouteIndex::FromV4Key(uint64_t key) {
  return IpPrefix(IpAddress::V4(static_cast<uint32_t>(key >> 8)), static_cast<int>(key & 0xFF));
}

void RouteIndex::AddListener(Listener listener) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void RouteIndex::Notify(const std::vector<RouteChange>& changes) {
  if (changes.empty()) return;
  absl::MutexLock lock(&listeners_mu_);
  for (const Listener& l : listeners_) l(changes);
}

RouteIndex::SessionData& RouteIndex::SessionLocked(const SessionKey& key) {
  auto [it, inserted] = sessions_.try_emplace(key);
  if (inserted) {
    it->second.status.key = key;
    it->second.status.established = true;
  }
  return it->second;
}

size_t RouteBatch::announcement_count() const {
  size_t n = announced.size();
  for (const SharedRoutes& group : announced_shared) n += group.prefixes.size();
  return n;
}

void RouteIndex::AnnounceLocked(SessionData& s, const IpPrefix& prefix, AttributeStore::Id id,
                                absl::Time received) {
  Slot slot{id, static_cast<uint32_t>(absl::ToUnixSeconds(received))};
  auto upsert = [&](auto& map, const auto& key) {
    auto [it, inserted] = map.try_emplace(key, slot);
    if (inserted) {
      ++route_count_;
    } else {
      attributes_.Release(it->second.attributes);
      it->second = slot;
    }
  };
  if (prefix.is_v4()) {
    upsert(s.v4, V4Key(prefix));
  } else {
    upsert(s.v6, prefix);
  }
  s.status.route_count = s.size();
}

bool RouteIndex::WithdrawLocked(SessionData& s, const IpPrefix& prefix) {
  auto erase = [&](auto& map, const auto& key) {
    auto it = map.find(key);
    if (it == map.end()) return false;
    attributes_.Release(it->second.attributes);
    map.erase(it);
    --route_count_;
    return true;
  };
  bool erased = prefix.is_v4() ? erase(s.v4, V4Key(prefix)) : erase(s.v6, prefix);
  s.status.route_count = s.size();
  return erased;
}

void RouteIndex::Apply(const RouteBatch& batch) {
  std::vector<RouteChange> changes;
  changes.reserve(batch.announcement_count() + batch.withdrawn.size());
  {
    absl::MutexLock lock(&mu_);
    SessionData& s = SessionLocked(batch.session);
    for (const IpPrefix& p : batch.withdrawn) {
      if (WithdrawLocked(s, p)) {
        changes.push_back({RouteChange::Kind::kWithdraw, batch.session, p});
      }
    }
    for (const Route& r : batch.announced) {
      AnnounceLocked(s, r.prefix, attributes_.Acquire(r.attributes), r.received);
      changes.push_back({RouteChange::Kind::kAnnounce, batch.session, r.prefix});
    }
    for (const SharedRoutes& group : batch.announced_shared) {
      if (group.prefixes.empty()) continue;
      AttributeStore::Id id = attributes_.Acquire(group.attributes);
      for (size_t i = 0; i < group.prefixes.size(); ++i) {
        if (i > 0) attributes_.AddReference(id);
        AnnounceLocked(s, group.prefixes[i], id, group.received);
        changes.push_back({RouteChange::Kind::kAnnounce, batch.session, group.prefixes[i]});
      }
    }
    // Activity is timed by this process's clock, once per batch: a route's `received` is the
    // router's timestamp, and a router whose clock lags would have its session settled while
    // its initial table is still arriving.
    if (!batch.withdrawn.empty() || batch.announcement_count() > 0) {
      s.status.last_update = std::max(s.status.last_update, clock_->Now());
    }
  }
  Notify(changes);
}

void RouteIndex::Announce(const SessionKey& session, const Route& route) {
  Apply(RouteBatch{session, {route}, {}});
}

void RouteIndex::Withdraw(const SessionKey& session, const IpPrefix& prefix) {
  Apply(RouteBatch{session, {}, {prefix}});
}

void RouteIndex::SetEstablished(const SessionKey& session, bool established, uint32_t peer_as) {
  {
    absl::MutexLock lock(&mu_);
    SessionData& s = SessionLocked(session);
    if (established && !s.status.established) s.status.initial_table_complete = false;
    s.status.established = established;
    if (peer_as != 0) s.status.peer_as = peer_as;
    s.status.last_update = clock_->Now();
  }
  Notify({{established ? RouteChange::Kind::kSessionUp : RouteChange::Kind::kSessionDown, session,
           IpPrefix()}});
}

void RouteIndex::MarkInitialTableComplete(const SessionKey& session) {
  {
    absl::MutexLock lock(&mu_);
    SessionData& s = SessionLocked(session);
    s.status.initial_table_complete = true;
  }
  Notify({{RouteChange::Kind::kInitialTableComplete, session, IpPrefix()}});
}

void RouteIndex::ResetSession(const SessionKey& session) {
  {
    absl::MutexLock lock(&mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    SessionData& data = it->second;
    if (data.size() == 0 && !data.status.initial_table_complete) return;  // nothing to reset
    for (const auto& [key, slot] : data.v4) attributes_.Release(slot.attributes);
    for (const auto& [prefix, slot] : data.v6) attributes_.Release(slot.attributes);
    route_count_ -= data.size();
    data.v4.clear();
    data.v6.clear();
    data.status.route_count = 0;
    data.status.initial_table_complete = false;
  }
  Notify({{RouteChange::Kind::kSessionReset, session, IpPrefix()}});
}

size_t RouteIndex::SettleQuietSessions(absl::Time now, absl::Duration quiet) {
  std::vector<RouteChange> changes;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [key, data] : sessions_) {
      SessionStatus& s = data.status;
      if (s.established && !s.initial_table_complete && now - s.last_update >= quiet) {
        s.initial_table_complete = true;
        changes.push_back({RouteChange::Kind::kInitialTableComplete, key, IpPrefix()});
      }
    }
  }
  Notify(changes);
  return changes.size();
}

Route RouteIndex::ToRoute(const IpPrefix& prefix, const Slot& slot) const {
  return Route{prefix, attributes_.Get(slot.attributes), absl::FromUnixSeconds(slot.received_unix)};
}

std::optional<Route> RouteIndex::Lookup(const SessionKey& session, const IpPrefix& prefix) const {
  absl::ReaderMutexLock lock(&mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return std::nullopt;
  if (prefix.is_v4()) {
    auto r = s->second.v4.find(V4Key(prefix));
    if (r == s->second.v4.end()) return std::nullopt;
    return ToRoute(prefix, r->second);
  }
  auto r = s->second.v6.find(prefix);
  if (r == s->second.v6.end()) return std::nullopt;
  return ToRoute(prefix, r->second);
}

std::optional<SessionStatus> RouteIndex::GetSession(const SessionKey& session) const {
  absl::ReaderMutexLock lock(&mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return std::nullopt;
  return s->second.status;
}

std::vector<SessionStatus> RouteIndex::Sessions() const {
  std::vector<SessionStatus> out;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [key, data] : sessions_) out.push_back(data.status);
  }
  std::sort(out.begin(), out.end(),
            [](const SessionStatus& a, const SessionStatus& b) { return a.key < b.key; });
  return out;
}

std::vector<Route> RouteIndex::ListRoutes(const SessionKey& session, std::optional<IpPrefix> after,
                                          size_t limit,
                                          const std::function<bool(const Route&)>& filter) const {
  std::vector<Route> out;
  absl::ReaderMutexLock lock(&mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return out;
  // IPv4 before IPv6, as IpPrefix orders them; `after` picks the map and the position.
  const SessionData& data = s->second;
  auto emit = [&](const IpPrefix& prefix, const Slot& slot) {
    Route r = ToRoute(prefix, slot);
    if (!filter || filter(r)) out.push_back(std::move(r));
  };
  if (!after.has_value() || after->is_v4()) {
    auto it = after.has_value() ? data.v4.upper_bound(V4Key(*after)) : data.v4.begin();
    for (; it != data.v4.end() && out.size() < limit; ++it) emit(FromV4Key(it->first), it->second);
  }
  auto it = after.has_value() && !after->is_v4() ? data.v6.upper_bound(*after) : data.v6.begin();
  for (; it != data.v6.end() && out.size() < limit; ++it) emit(it->first, it->second);
  return out;
}

size_t RouteIndex::route_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return route_count_;
}

size_t RouteIndex::attribute_set_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return attributes_.size();
}

}  // namespace pfx
