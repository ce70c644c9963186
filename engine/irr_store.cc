#include "engine/irr_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "feed/rpsl_loader.h"

namespace pfx {

absl::StatusOr<std::vector<IpPrefix>> IrrStore::Reload(const std::vector<std::string>& paths,
                                                       bool refuse_damaged) {
  auto index = std::make_shared<IrrIndex>(accepted_);
  for (const std::string& path : paths) {
    absl::StatusOr<RpslLoadStats> stats = LoadRpslFile(path, *index);
    if (!stats.ok()) return stats.status();
    if (stats->damaged && refuse_damaged) {
      return absl::DataLossError(absl::StrCat(path, ": damaged at offset ", stats->damage_offset,
                                              " (", stats->damage_message,
                                              "); a half-written or corrupt dump is not loaded"));
    }
    PFX_LOG(Info) << "IRR " << path << ": " << stats->route_objects << " route objects, "
                  << stats->added << " added, " << stats->rejected_source
                  << " from sources outside the policy, " << stats->malformed << " malformed"
                  << (stats->first_error.empty() ? "" : " (first: " + stats->first_error + ")");
  }
  std::shared_ptr<const IrrIndex> before = Get();
  std::vector<IpPrefix> changed = IrrIndex::ChangedPrefixes(*before, *index);
  absl::MutexLock lock(&mu_);
  current_ = std::move(index);
  loaded_at_ = absl::Now();
  return changed;
}

}  // namespace pfx
