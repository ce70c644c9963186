#include "engine/reference_reload.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace pfx {

std::string ReloadReport::ToString() const {
  return absl::StrCat("IRR ", irr.ok() ? absl::StrCat(irr_changed_prefixes, " prefixes changed")
                                       : absl::StrCat("kept the old data: ", irr.message()),
                      "; RPKI ",
                      rpki.ok() ? absl::StrCat(rpki_changed_prefixes, " prefixes changed")
                                : absl::StrCat("kept the old data: ", rpki.message()),
                      "; ", requeued, " prefixes queued for validation");
}

ReferenceReloader::ReferenceReloader(IrrStore* irr, std::vector<std::string> irr_paths,
                                     RpkiStore* rpki, std::vector<std::string> rpki_paths,
                                     const DependencyIndex* dependencies, ValidationQueue* queue)
    : irr_(irr),
      irr_paths_(std::move(irr_paths)),
      rpki_(rpki),
      rpki_paths_(std::move(rpki_paths)),
      dependencies_(dependencies),
      queue_(queue) {
  // File reloads requeue here, once for IRR and RPKI together (RTR updates still go through
  // the store's listener).
  if (rpki_ != nullptr) rpki_->set_notify_file_changes(false);
  absl::MutexLock lock(&reload_mu_);
  last_signature_ = FilesSignature();
}

ReferenceReloader::~ReferenceReloader() {
  {
    absl::MutexLock lock(&timer_mu_);
    stopping_ = true;
  }
  if (timer_.joinable()) timer_.join();
}

std::string ReferenceReloader::FilesSignature() const {
  std::string out;
  for (const auto* paths : {&irr_paths_, &rpki_paths_}) {
    for (const std::string& path : *paths) {
      struct stat st {};
      if (stat(path.c_str(), &st) != 0) {
        absl::StrAppend(&out, path, " missing;");
        continue;
      }
      absl::StrAppend(&out, path, " ", st.st_size, " ", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec,
                      ";");
    }
  }
  return out;
}

ReloadReport ReferenceReloader::ReloadNow() {
  absl::MutexLock lock(&reload_mu_);
  last_signature_ = FilesSignature();
  ReloadReport report;
  std::vector<IpPrefix> changed;
  absl::StatusOr<std::vector<IpPrefix>> irr = irr_->Reload(irr_paths_, /*refuse_damaged=*/true);
  if (irr.ok()) {
    report.irr_changed_prefixes = irr->size();
    changed = std::move(*irr);
  } else {
    report.irr = irr.status();
  }
  if (rpki_ != nullptr && !rpki_paths_.empty()) {
    absl::StatusOr<std::vector<IpPrefix>> rpki = rpki_->ReloadFiles(rpki_paths_);
    if (rpki.ok()) {
      report.rpki_changed_prefixes = rpki->size();
      changed.insert(changed.end(), rpki->begin(), rpki->end());
    } else {
      report.rpki = rpki.status();
    }
  }
  report.requeued = Requeue(changed, "reference data reload");
  reloads_.fetch_add(1, std::memory_order_relaxed);
  if (!report.irr.ok() || !report.rpki.ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    PFX_LOG(Error) << "reference data reload: " << report.ToString();
  } else {
    PFX_LOG(Info) << "reference data reload: " << report.ToString();
  }
  return report;
}

size_t ReferenceReloader::Requeue(const std::vector<IpPrefix>& changed, const std::string& why) {
  if (changed.empty()) return 0;
  std::vector<v1::ValidationTarget> targets = dependencies_->ForCoveredBy(changed);
  if (targets.empty()) return 0;
  if (absl::Status s = queue_->Enqueue(targets, Durability::kSynced); !s.ok()) {
    PFX_LOG(Error) << why << ": queueing " << targets.size() << " prefixes failed: " << s;
    failures_.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  PFX_LOG(Info) << why << ": " << changed.size() << " changed prefixes touch " << targets.size()
                << " registered or peering service prefixes, queued for validation";
  return targets.size();
}

void ReferenceReloader::StartTimer(absl::Duration interval) {
  timer_ = std::thread([this, interval] { RunTimer(interval); });
}

void ReferenceReloader::RunTimer(absl::Duration interval) {
  std::string previous_check = FilesSignature();
  while (true) {
    {
      absl::MutexLock lock(&timer_mu_);
      auto stopping = [this] {
        timer_mu_.AssertHeld();
        return stopping_;
      };
      if (timer_mu_.AwaitWithTimeout(absl::Condition(&stopping), interval)) return;
    }
    // A file being rewritten in place is not read half-written: reload only when the
    // signature differs from the last load's and is the same as at the previous check.
    std::string now = FilesSignature();
    bool reload;
    {
      absl::MutexLock lock(&reload_mu_);
      reload = now != last_signature_ && now == previous_check;
    }
    previous_check = std::move(now);
    if (reload) ReloadNow();
  }
}

}  // namespace pfx
