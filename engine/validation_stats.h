// File: validation_stats.h
// -----------------------------------------------------------------------------
// ValidationStats: counts of what validations decided since pfxd started, for the metrics
// exporter (server/metrics.h): outcomes by state, state changes by (from, to) (an alert
// watches VERIFIED -> FAILED), and failing checks by name ("irr-origin", ...).
// Thread-safe: workers Record, the exporter reads a Snapshot.

#ifndef PFX_ENGINE_VALIDATION_STATS_H_
#define PFX_ENGINE_VALIDATION_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "pfx/v1/common.pb.h"

namespace pfx {

class ValidationStats {
 public:
  struct Snapshot {
    std::map<std::string, uint64_t> by_result;  // state name -> validations that decided it
    std::map<std::pair<std::string, std::string>, uint64_t> transitions;  // (from, to)
    std::map<std::string, uint64_t> failing_checks;                       // check -> failures
  };

  // One applied validation: the state before and after, and the checks that failed.
  void Record(v1::PrefixValidationState from, v1::PrefixValidationState to,
              const std::vector<std::string>& failing_checks) {
    const std::string to_name = StateName(to);
    absl::MutexLock lock(&mu_);
    ++counts_.by_result[to_name];
    if (from != to) ++counts_.transitions[{StateName(from), to_name}];
    for (const std::string& check : failing_checks) ++counts_.failing_checks[check];
  }

  Snapshot Read() const {
    absl::MutexLock lock(&mu_);
    return counts_;
  }

  // "VERIFIED" for PREFIX_VALIDATION_STATE_VERIFIED.
  static std::string StateName(v1::PrefixValidationState state) {
    std::string name = v1::PrefixValidationState_Name(state);
    constexpr std::string_view kPrefix = "PREFIX_VALIDATION_STATE_";
    return name.rfind(kPrefix, 0) == 0 ? name.substr(kPrefix.size()) : name;
  }

 private:
  mutable absl::Mutex mu_;
  Snapshot counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_ENGINE_VALIDATION_STATS_H_
