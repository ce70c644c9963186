// File: validation_stats.h
// -----------------------------------------------------------------------------
// ValidationStats: counts of what validations decided since pfxd started, for the metrics
// exporter (server/metrics.h): outcomes by state, state changes by (from, to), verifications
// lost, and failing checks by name ("irr-origin", ...).
//   A verification is lost when a prefix whose last decided state was VERIFIED, or WARNING
// (hold-down keeps a verified prefix that lost a route in WARNING), becomes FAILED or INVALID:
// the transitions alone would show a hold-down's VERIFIED -> WARNING -> FAILED as two
// unremarkable steps. An alert watches this count.
// Thread-safe: workers Record (atomic counters; a mutex only for failing checks, which a
// healthy Revalidate has none of), the exporter reads a Snapshot.

#ifndef PFX_ENGINE_VALIDATION_STATS_H_
#define PFX_ENGINE_VALIDATION_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
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
    std::map<std::string, uint64_t> verifications_lost;                   // to -> count
    std::map<std::string, uint64_t> failing_checks;                       // check -> failures
  };

  // One applied validation: the stored state before and the state after, the last decided
  // state before (the stored one unless that is PENDING or UNKNOWN), the failing checks.
  void Record(v1::PrefixValidationState from, v1::PrefixValidationState to,
              v1::PrefixValidationState decided_before,
              const std::vector<std::string>& failing_checks) {
    by_result_[Index(to)].fetch_add(1, std::memory_order_relaxed);
    if (from != to) transitions_[Index(from) * kStates + Index(to)].fetch_add(1);
    const bool was_verified = decided_before == v1::PREFIX_VALIDATION_STATE_VERIFIED ||
                              decided_before == v1::PREFIX_VALIDATION_STATE_WARNING;
    const bool failed =
        to == v1::PREFIX_VALIDATION_STATE_FAILED || to == v1::PREFIX_VALIDATION_STATE_INVALID;
    if (was_verified && failed) lost_[Index(to)].fetch_add(1, std::memory_order_relaxed);
    if (failing_checks.empty()) return;
    absl::MutexLock lock(&mu_);
    for (const std::string& check : failing_checks) ++failing_checks_[check];
  }

  Snapshot Read() const {
    Snapshot s;
    for (int to = 0; to < kStates; ++to) {
      if (uint64_t n = by_result_[to].load(); n > 0) s.by_result[Name(to)] = n;
      if (uint64_t n = lost_[to].load(); n > 0) s.verifications_lost[Name(to)] = n;
      for (int from = 0; from < kStates; ++from) {
        if (uint64_t n = transitions_[from * kStates + to].load(); n > 0) {
          s.transitions[{Name(from), Name(to)}] = n;
        }
      }
    }
    absl::MutexLock lock(&mu_);
    s.failing_checks = failing_checks_;
    return s;
  }

  // "VERIFIED" for PREFIX_VALIDATION_STATE_VERIFIED; "UNRECOGNIZED" for a value this pfxd
  // does not know.
  static std::string StateName(v1::PrefixValidationState state) {
    if (!v1::PrefixValidationState_IsValid(state)) return "UNRECOGNIZED";
    std::string name = v1::PrefixValidationState_Name(state);
    constexpr std::string_view kPrefix = "PREFIX_VALIDATION_STATE_";
    return name.rfind(kPrefix, 0) == 0 ? name.substr(kPrefix.size()) : name;
  }

 private:
  // Slot kStates - 1 holds values this pfxd does not know.
  static constexpr int kStates = v1::PrefixValidationState_ARRAYSIZE + 1;
  static int Index(v1::PrefixValidationState s) {
    return s >= 0 && s < kStates - 1 ? static_cast<int>(s) : kStates - 1;
  }
  static std::string Name(int index) {
    return StateName(static_cast<v1::PrefixValidationState>(index < kStates - 1 ? index : -1));
  }

  std::array<std::atomic<uint64_t>, kStates> by_result_{};
  std::array<std::atomic<uint64_t>, kStates * kStates> transitions_{};
  std::array<std::atomic<uint64_t>, kStates> lost_{};
  mutable absl::Mutex mu_;
  std::map<std::string, uint64_t> failing_checks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pfx

#endif  // PFX_ENGINE_VALIDATION_STATS_H_
