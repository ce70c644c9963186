// File: irr_store.h
// -----------------------------------------------------------------------------
// IrrStore: the current IRR index, loaded from RPSL files and replaced whole on reload, so
// a validation always sees one consistent registry snapshot. Thread-safe.

#ifndef PFX_ENGINE_IRR_STORE_H_
#define PFX_ENGINE_IRR_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "validator/irr_index.h"

namespace pfx {

class IrrStore {
 public:
  explicit IrrStore(absl::flat_hash_set<std::string> accepted_sources)
      : accepted_(std::move(accepted_sources)), current_(std::make_shared<IrrIndex>(accepted_)) {}

  // Loads every file into a fresh index and swaps it in; on error the old index stays.
  // Returns the prefixes whose route objects changed (IrrIndex::ChangedPrefixes).
  // `refuse_damaged`: a dump damaged part-way (cut short, corrupt compression) is an error
  // (DATA_LOSS) instead of contributing the objects before the damage (the start-up load
  // keeps them, with a warning; a live reload must not swap a partial index in).
  absl::StatusOr<std::vector<IpPrefix>> Reload(const std::vector<std::string>& paths,
                                               bool refuse_damaged = false);
  std::shared_ptr<const IrrIndex> Get() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  // When the index in use was loaded (InfinitePast before the first load).
  absl::Time loaded_at() const {
    absl::MutexLock lock(&mu_);
    return loaded_at_;
  }

 private:
  absl::flat_hash_set<std::string> accepted_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const IrrIndex> current_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace pfx

#endif  // PFX_ENGINE_IRR_STORE_H_
