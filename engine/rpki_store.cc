#include "engine/rpki_store.h"

#include "absl/time/clock.h"
#include "base/log.h"
#include "feed/rpki_json.h"

namespace pfx {

RpkiStore::RpkiStore(bool files, bool rtr) : files_(files), rtr_(rtr) {
  if (configured()) current_ = std::make_shared<VrpIndex>();
}

void RpkiStore::set_notify_file_changes(bool notify) {
  absl::MutexLock lock(&rebuild_mu_);
  notify_file_changes_ = notify;
}

void RpkiStore::SetListener(ChangeListener listener) {
  absl::MutexLock lock(&rebuild_mu_);
  listener_ = std::move(listener);
}

absl::StatusOr<std::vector<IpPrefix>> RpkiStore::ReloadFiles(const std::vector<std::string>& paths) {
  std::vector<Vrp> vrps;
  for (const std::string& path : paths) {
    absl::StatusOr<std::vector<Vrp>> loaded = LoadVrpJson(path);
    if (!loaded.ok()) return loaded.status();
    PFX_LOG(Info) << "RPKI " << path << ": " << loaded->size() << " VRPs";
    vrps.insert(vrps.end(), loaded->begin(), loaded->end());
  }
  absl::MutexLock lock(&rebuild_mu_);
  file_vrps_ = std::move(vrps);
  std::vector<IpPrefix> changed = Rebuild();
  if (!changed.empty() && listener_ && notify_file_changes_) listener_(changed);
  return changed;
}

std::vector<IpPrefix> RpkiStore::SetRtrVrps(std::vector<Vrp> vrps, bool in_sync) {
  absl::MutexLock lock(&rebuild_mu_);
  const bool was_usable = usable();
  rtr_vrps_ = std::move(vrps);
  rtr_in_sync_.store(in_sync, std::memory_order_release);
  std::vector<IpPrefix> changed = Rebuild();
  if (was_usable != usable()) {
    // Every prefix's answer changed (to or from "RPKI data unavailable", which concerns
    // prefixes no VRP covers too): the whole address space, both families.
    changed = {*IpPrefix::Parse("0.0.0.0/0"), *IpPrefix::Parse("::/0")};
    PFX_LOG(Warning) << "RPKI: the RTR cache is " << (in_sync ? "in sync again" : "out of sync")
                     << "; routes are " << (usable() ? "validated" : "NOT_EVALUATED")
                     << " until it changes";
  }
  if (!changed.empty() && listener_) listener_(changed);
  return changed;
}

std::vector<IpPrefix> RpkiStore::Rebuild() {
  if (!configured()) return {};
  auto index = std::make_shared<VrpIndex>();
  for (const Vrp& v : file_vrps_) index->Add(v);
  for (const Vrp& v : rtr_vrps_) index->Add(v);
  std::vector<IpPrefix> changed = ChangedVrpPrefixes(*Get(), *index);
  {
    absl::MutexLock lock(&mu_);
    current_ = std::move(index);
    loaded_at_ = absl::Now();
  }
  PFX_LOG(Info) << "RPKI: " << Get()->size() << " VRPs (" << file_vrps_.size() << " from files, "
                << rtr_vrps_.size() << " from RTR); VRPs changed at " << changed.size()
                << " prefixes";
  return changed;
}

}  // namespace pfx
