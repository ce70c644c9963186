#include "engine/rpki_store.h"

#include "absl/time/clock.h"
#include "base/log.h"
#include "feed/rpki_json.h"

namespace pfx {

RpkiStore::RpkiStore(bool configured) : configured_(configured) {
  if (configured_) current_ = std::make_shared<VrpIndex>();
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
  return Rebuild();
}

std::vector<IpPrefix> RpkiStore::SetRtrVrps(std::vector<Vrp> vrps) {
  absl::MutexLock lock(&rebuild_mu_);
  rtr_vrps_ = std::move(vrps);
  return Rebuild();
}

std::vector<IpPrefix> RpkiStore::Rebuild() {
  if (!configured_) return {};
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
  if (!changed.empty() && listener_) listener_(changed);
  return changed;
}

}  // namespace pfx
