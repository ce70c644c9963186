// File: histogram.h
// -----------------------------------------------------------------------------
// Histogram: a fixed-bucket distribution that hot paths feed with one atomic add per
// observation and that the metrics exporter (server/metrics.h) reads at scrape time, so the
// layers below server/ need no metrics library. Buckets are cumulative upper bounds, as
// Prometheus histograms have them.
// Thread-safe: Observe from any thread; a Snapshot taken while others observe may be off by
// the observations in flight (each counter is exact, their sum of a moment is not).

#ifndef PFX_BASE_HISTOGRAM_H_
#define PFX_BASE_HISTOGRAM_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace pfx {

class Histogram {
 public:
  // `bounds`: ascending upper bounds; an observation above the last counts only in +Inf.
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size()]) {
    for (size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
  }

  // A negative value (a duration measured across a wall-clock step back) counts as 0.
  void Observe(double value) {
    if (!(value > 0)) value = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      if (value <= bounds_[i]) {
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    // The sum in micro-units: an atomic double add needs a CAS loop, this does not.
    sum_micros_.fetch_add(static_cast<uint64_t>(value * 1e6), std::memory_order_relaxed);
  }

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // observations <= bounds[i]
    uint64_t count = 0;                // all observations (+Inf)
    double sum = 0;
  };
  Snapshot Read() const {
    Snapshot s{bounds_, std::vector<uint64_t>(bounds_.size()), 0, 0};
    uint64_t running = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative[i] = running;
    }
    s.count = std::max(running, count_.load(std::memory_order_relaxed));
    s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
    return s;
  }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

}  // namespace pfx

#endif  // PFX_BASE_HISTOGRAM_H_
