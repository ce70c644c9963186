#include "engine/dependency_index.h"

#include <algorithm>

#include "storage/validation_queue.h"

namespace pfx {

void DependencyIndex::Track(const v1::ValidationTarget& target, const IpPrefix& prefix) {
  std::string key = TargetKey(target);
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = entries_.try_emplace(key);
  if (!inserted && !(it->second.prefix == prefix)) {
    by_prefix_[it->second.prefix].erase(key);
  }
  it->second.target = target;
  it->second.prefix = prefix;
  by_prefix_[prefix].insert(key);
}

void DependencyIndex::UnlinkSessions(const std::string& key, const Entry& e) {
  for (const SessionKey& s : e.sessions) {
    auto it = by_session_.find(s);
    if (it == by_session_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) by_session_.erase(it);
  }
}

void DependencyIndex::SetSessions(const std::vector<SessionsOf>& batch) {
  absl::MutexLock lock(&mu_);
  for (const auto& [key, sessions] : batch) {
    auto it = entries_.find(*key);
    if (it == entries_.end()) continue;             // forgotten meanwhile
    if (it->second.sessions == *sessions) continue;  // the usual case on revalidation
    UnlinkSessions(*key, it->second);
    it->second.sessions = *sessions;
    for (const SessionKey& s : *sessions) by_session_[s].insert(*key);
  }
}

void DependencyIndex::Forget(const v1::ValidationTarget& target) {
  std::string key = TargetKey(target);
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  UnlinkSessions(key, it->second);
  auto p = by_prefix_.find(it->second.prefix);
  if (p != by_prefix_.end()) {
    p->second.erase(key);
    if (p->second.empty()) by_prefix_.erase(p);
  }
  entries_.erase(it);
}

std::vector<v1::ValidationTarget> DependencyIndex::Resolve(
    const absl::flat_hash_set<std::string>& keys) const {
  std::vector<v1::ValidationTarget> out;
  out.reserve(keys.size());
  for (const std::string& k : keys) {
    if (auto it = entries_.find(k); it != entries_.end()) out.push_back(it->second.target);
  }
  return out;
}

std::vector<v1::ValidationTarget> DependencyIndex::ForPrefix(const IpPrefix& prefix) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_prefix_.find(prefix);
  return it == by_prefix_.end() ? std::vector<v1::ValidationTarget>{} : Resolve(it->second);
}

std::vector<v1::ValidationTarget> DependencyIndex::ForSession(const SessionKey& session) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_session_.find(session);
  return it == by_session_.end() ? std::vector<v1::ValidationTarget>{} : Resolve(it->second);
}

std::vector<v1::ValidationTarget> DependencyIndex::ForCoveredBy(
    const std::vector<IpPrefix>& changed) const {
  if (changed.empty()) return {};
  absl::flat_hash_set<IpPrefix> roots(changed.begin(), changed.end());
  int shortest = 128;
  for (const IpPrefix& p : changed) shortest = std::min(shortest, p.length());
  absl::ReaderMutexLock lock(&mu_);
  absl::flat_hash_set<std::string> keys;
  for (const auto& [prefix, holders] : by_prefix_) {
    for (int length = prefix.length(); length >= shortest; --length) {
      if (roots.contains(IpPrefix(prefix.address(), length))) {
        keys.insert(holders.begin(), holders.end());
        break;
      }
    }
  }
  return Resolve(keys);
}

size_t DependencyIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace pfx
