// File: feed_counters.h
// -----------------------------------------------------------------------------
// FeedCounters: what the route sources have read since pfxd started, for the metrics exporter
// (server/metrics.h, `pfxd_feed_messages_total` and `pfxd_feed_decode_errors_total`), which
// reads a Snapshot at scrape time; the feed itself links no metrics library.
//   BMP (feed/bmp/bmp_listener.h): every message that decoded and was applied, by its type;
// a decode error is a message that did not frame (a bad common header), did not parse, or
// whose BGP UPDATE did not decode: each closes that router's connection, so there is at most
// one per connection. Refusals by the station's limits (bmp_limits.h) are not decode errors.
//   MRT (feed/mrt_loader.h): records read whole and decoded, counted when a file's load ends;
// a decode error is a malformed record (skipped, the load goes on) or the damage that ended a
// file (cut short, corrupt compression: one each).
// Owned by pfxd's main and handed to the sources as a pointer (null: not counted).
// Thread-safe, lock-free: relaxed atomic counters, any thread counts and reads.

#ifndef PFX_FEED_FEED_COUNTERS_H_
#define PFX_FEED_FEED_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "feed/bmp/bmp_message.h"

namespace pfx {

class FeedCounters {
 public:
  // One per BmpType (RFC 7854 types 0-6; ParseBmpMessage refuses any other).
  static constexpr size_t kBmpTypes = static_cast<size_t>(BmpType::kRouteMirroring) + 1;

  struct Snapshot {
    std::array<uint64_t, kBmpTypes> bmp_messages{};  // indexed by BmpType
    uint64_t bmp_decode_errors = 0;
    uint64_t mrt_records = 0;
    uint64_t mrt_decode_errors = 0;
  };

  void CountBmpMessage(BmpType type) {
    const auto i = static_cast<size_t>(type);
    if (i < kBmpTypes) bmp_messages_[i].fetch_add(1, std::memory_order_relaxed);
  }
  void CountBmpDecodeError() { bmp_decode_errors_.fetch_add(1, std::memory_order_relaxed); }
  void CountMrt(uint64_t records, uint64_t decode_errors) {
    mrt_records_.fetch_add(records, std::memory_order_relaxed);
    mrt_decode_errors_.fetch_add(decode_errors, std::memory_order_relaxed);
  }

  Snapshot Read() const {
    Snapshot s;
    for (size_t i = 0; i < kBmpTypes; ++i) {
      s.bmp_messages[i] = bmp_messages_[i].load(std::memory_order_relaxed);
    }
    s.bmp_decode_errors = bmp_decode_errors_.load(std::memory_order_relaxed);
    s.mrt_records = mrt_records_.load(std::memory_order_relaxed);
    s.mrt_decode_errors = mrt_decode_errors_.load(std::memory_order_relaxed);
    return s;
  }

  // The metric label of a BMP type: "route_monitoring", "statistics_report", "peer_down",
  // "peer_up", "initiation", "termination", "route_mirroring".
  static const char* BmpTypeLabel(BmpType type) {
    static constexpr const char* kLabels[kBmpTypes] = {
        "route_monitoring", "statistics_report", "peer_down",      "peer_up",
        "initiation",       "termination",       "route_mirroring"};
    const auto i = static_cast<size_t>(type);
    return i < kBmpTypes ? kLabels[i] : "unknown";
  }

 private:
  std::array<std::atomic<uint64_t>, kBmpTypes> bmp_messages_{};
  std::atomic<uint64_t> bmp_decode_errors_{0};
  std::atomic<uint64_t> mrt_records_{0};
  std::atomic<uint64_t> mrt_decode_errors_{0};
};

}  // namespace pfx

#endif  // PFX_FEED_FEED_COUNTERS_H_
