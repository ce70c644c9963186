// File: mrt_loader.h
// -----------------------------------------------------------------------------
// Loads an MRT file (plain, .gz or .bz2) into a RouteIndex, reporting every MRT peer as the
// feed session (router, peer address). RIB entries and UPDATEs become announcements and
// withdrawals, batched per session; STATE_CHANGE moves the session up (Established) or down.
// When the file is done every session it touched is marked initial-table-complete: a file is
// a finished snapshot. Thread-safe with respect to other sources filling the same index.

#ifndef PFX_FEED_MRT_LOADER_H_
#define PFX_FEED_MRT_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "feed/mrt_reader.h"
#include "feed/route_index.h"

namespace pfx {

struct MrtLoadResult {
  MrtStats stats;
  size_t announced = 0;
  size_t withdrawn = 0;
  size_t sessions = 0;
};

// Errors only when the file cannot be read or decompressed; malformed records are counted.
absl::StatusOr<MrtLoadResult> LoadMrtFile(const std::string& path, const std::string& router,
                                          RouteIndex& index);
MrtLoadResult LoadMrtBuffer(absl::Span<const uint8_t> data, const std::string& router,
                            RouteIndex& index);

}  // namespace pfx

#endif  // PFX_FEED_MRT_LOADER_H_
